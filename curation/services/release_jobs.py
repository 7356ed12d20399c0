"""Release cuts as background jobs: queued by a request, cut by a worker.

`release_enqueue` numbers the release (status `queued`) and queues its cut in
one transaction; a worker runs `release_run`: the files are written in one
transaction and the release turns `ready` only once they are committed, so a
ready release always has complete files. A worker killed mid-cut leaves
nothing behind (its transaction dies with its connection) and the cut is taken
again (services/jobs.py).
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ..choices import ExportFormat, NotificationKind, ReleaseStatus, Role
from ..exports.rows import ReleaseFilter
from ..models import Project, Release, ReleaseFile
from ..selectors.releases import release_claims
from .access import require_role
from .jobs import (
    ProgressWriter,
    failure_reason,
    job_claim,
    job_enqueue,
    job_fail,
    job_lock,
    job_retry,
)
from .notifications import notify
from .releases import (
    RELEASE_COUNT_FIELDS,
    checked_formats,
    cut_transaction,
    release_number,
    write_release_files,
)


def release_enqueue(
    *,
    actor,
    project: Project,
    name: str,
    description: str = "",
    filter: ReleaseFilter | None = None,
    formats: Iterable[str] = tuple(ExportFormat.values),
) -> Release:
    """Number the project's next release and queue its cut (owners); answers at once."""
    from ..tasks import release_cut_task

    formats = checked_formats(formats)
    with transaction.atomic():
        release = release_number(
            actor=actor,
            project=project,
            name=name,
            description=description,
            filter=filter or ReleaseFilter(),
            formats=formats,
            status=ReleaseStatus.QUEUED,
        )
        job_enqueue(release_cut_task, release)
    return release


def release_retry(*, actor, release: Release) -> Release:
    """Queue the cut of a release that failed again (owners)."""
    from ..tasks import release_cut_task

    require_role(actor, release.project_id, Role.OWNER)
    return job_retry(
        release_cut_task,
        release,
        what="release cut",
        failed=ReleaseStatus.FAILED,
        queued=ReleaseStatus.QUEUED,
    )


def _filter_of(release: Release) -> ReleaseFilter:
    stored = release.filter or {}
    return ReleaseFilter(
        statuses=tuple(stored.get("statuses") or ReleaseFilter.statuses),
        topics=tuple(stored.get("topics") or ()),
        documents=tuple(stored.get("documents") or ()),
        min_credibility=stored.get("min_credibility"),
        min_source_reliability=stored.get("min_source_reliability"),
    )


def release_run(*, release_id: int) -> str:
    """Cut a queued release (a worker's side); returns what happened, for the task log."""
    with job_lock(Release, release_id) as held:
        if not held:
            return "already being cut by another worker"
        release = job_claim(
            Release,
            release_id,
            waiting={ReleaseStatus.QUEUED, ReleaseStatus.RUNNING},
            running=ReleaseStatus.RUNNING,
            total_of=lambda r: release_claims(project=r.project_id, filter=_filter_of(r)).count(),
        )
        if release is None:
            return "nothing to cut"
        progress = ProgressWriter(Release, release.pk, total=release.progress_total)
        try:
            with cut_transaction() as snapshot:
                # A cut committed by a worker that died before marking it ready.
                ReleaseFile.objects.filter(release=release).delete()
                # Progress is written on another connection, to the release row: every
                # row of this transaction that refers to the release (its files) is
                # inserted before the first progress write (write_release_files).
                write_release_files(
                    release,
                    _filter_of(release),
                    release.formats or list(ExportFormat.values),
                    snapshot=snapshot,
                    progress=progress,
                )
        except Exception as error:
            job_fail(Release, release.pk, status=ReleaseStatus.FAILED, reason=failure_reason(error))
            raise
        finally:
            progress.close()
        # After the files' commit, not in it: the progress writes changed this row since
        # the cut's snapshot was taken, which REPEATABLE READ would refuse to update.
        with transaction.atomic():
            marked = Release.objects.filter(pk=release.pk, status=ReleaseStatus.RUNNING).update(
                status=ReleaseStatus.READY,
                finished_at=timezone.now(),
                progress_done=release.claim_count,
                progress_total=release.claim_count,
                **{field: getattr(release, field) for field in RELEASE_COUNT_FIELDS},
            )
            if marked and release.created_by_id:
                # Issue 14: whoever asked for the cut is told it can be downloaded.
                notify(
                    recipients=[release.created_by_id],
                    kind=NotificationKind.RELEASE_READY,
                    project=release.project,
                    release=release,
                    text=f"Release {release.version} “{release.name}” is ready "
                    f"({release.claim_count} claims).",
                )
        return f"cut {release.claim_count} claims"
