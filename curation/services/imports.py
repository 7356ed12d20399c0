"""Bulk imports as background jobs: uploads checked and stored by the request,
imported by a worker through the same service as `import_documents`.

Files: .txt, .md, .html (decoded, normalised, metadata extracted as the command
does), a .zip of them (checked before anything is unpacked), or a .jsonl file
with one document per line. Each file or line is all-or-nothing and reported
as the command reports it. The whole job is one transaction: a worker that
dies mid-import leaves nothing, and the job is run again from the start.
What the job reads, item by item, is in import_units, prepared by the same
functions as the command's files.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from ..choices import ImportKind, ImportStatus, Role
from ..models import ImportJob, ImportUpload, Project, Source
from .access import SYSTEM, require_role
from .documents import ImportOutcome, documents_import
from .import_units import job_units, kind_of, read_unit, zip_entries
from .jobs import (
    ProgressWriter,
    failure_reason,
    job_claim,
    job_enqueue,
    job_fail,
    job_lock,
    job_retry,
)

# ANALYZE the filled tables after an import of at least this many documents.
ANALYZE_AFTER = 500


@dataclass
class Upload:
    name: str
    data: bytes


def import_create(
    *,
    actor,
    project: Project,
    uploads: list[Upload],
    kind: str = ImportKind.DOCUMENTS,
    source: Source | None = None,
    language: str = "",
    mapping: dict | None = None,
) -> ImportJob:
    """Check and store the uploads, and queue their import (owners)."""
    from ..tasks import import_task

    require_role(actor, project, Role.OWNER)
    if not uploads:
        raise ValidationError({"file": "Upload at least one file."})
    if kind not in ImportKind.values:
        raise ValidationError({"kind": f"Choose among {', '.join(ImportKind.values)}."})
    if source is not None and source.project_id != project.pk:
        raise ValidationError({"source": "The source belongs to another project."})
    if mapping is not None and not isinstance(mapping, dict):
        raise ValidationError({"mapping": "A JSON object mapping labels to claim fields."})
    total = sum(len(upload.data) for upload in uploads)
    if total > settings.CLAIMDESK_MAX_IMPORT_BYTES:
        limit = settings.CLAIMDESK_MAX_IMPORT_BYTES
        raise ValidationError({"file": f"The files are {total} bytes; the limit is {limit}."})
    if kind == ImportKind.DOCUMENTS:
        for upload in uploads:
            found = kind_of(upload.name)
            if found is None:
                raise ValidationError(
                    {"file": f"{upload.name}: expected .txt, .md, .html, .zip or .jsonl."}
                )
            if found == "zip":
                zip_entries(upload.name, upload.data)
    with transaction.atomic():
        job = ImportJob.objects.create(
            project=project,
            kind=kind,
            source=source,
            language=language[:16],
            mapping=mapping,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            # Counted here, from the bytes in hand, so that the worker need not read
            # every upload twice (the count, then the import): 0.2 s of 25 MB.
            progress_total=sum(_items_in(kind, u.name, u.data) for u in uploads),
        )
        ImportUpload.objects.bulk_create(
            ImportUpload(job=job, index=i, name=u.name[:255], size=len(u.data), data=u.data)
            for i, u in enumerate(uploads)
        )
        job_enqueue(import_task, job)
    return job


def import_retry(*, actor, job: ImportJob) -> ImportJob:
    """Queue a failed import again (owners); nothing of it was kept."""
    from ..tasks import import_task

    require_role(actor, job.project_id, Role.OWNER)
    return job_retry(
        import_task, job, what="import", failed=ImportStatus.FAILED, queued=ImportStatus.QUEUED
    )


# -- the worker's side -------------------------------------------------------------------


def import_run(*, job_id: int) -> str:
    """Run a queued import (a worker's side); returns what happened, for the task log."""
    with job_lock(ImportJob, job_id) as held:
        if not held:
            return "already running on another worker"
        job = job_claim(
            ImportJob,
            job_id,
            waiting={ImportStatus.QUEUED, ImportStatus.RUNNING},
            running=ImportStatus.RUNNING,
            total_of=_total_items,
        )
        if job is None:
            return "nothing to import"
        progress = ProgressWriter(ImportJob, job.pk, total=job.progress_total)
        try:
            with transaction.atomic():
                if job.kind == ImportKind.DOCUMENTS:
                    counts, items = _import_documents(job, progress)
                else:
                    counts, items = _import_annotations(job, progress)
                ImportJob.objects.filter(pk=job.pk).update(
                    status=ImportStatus.DONE,
                    counts=counts,
                    items=items,
                    progress_done=len(items),
                    progress_total=len(items),
                    finished_at=timezone.now(),
                )
        except Exception as error:
            job_fail(ImportJob, job.pk, status=ImportStatus.FAILED, reason=failure_reason(error))
            raise
        finally:
            progress.close()
        if counts.get("imported", 0) >= ANALYZE_AFTER:
            _analyze(job.kind)
        return ", ".join(f"{name} {number}" for name, number in counts.items())


def _actor(job: ImportJob):
    return job.created_by if job.created_by_id else SYSTEM


def _total_items(job: ImportJob) -> int:
    """The progress total, counted when the uploads were stored (jobs queued before
    that was done count their stored uploads: a second read of every byte)."""
    if job.progress_total is not None:
        return job.progress_total
    return sum(_items_in(job.kind, upload.name, bytes(upload.data)) for upload in job.uploads.all())


def _items_in(kind: str, name: str, data: bytes) -> int:
    """How many outcomes an upload gives: its non-blank lines, its zip's files, or one."""
    found = kind_of(name) if kind == ImportKind.DOCUMENTS else "file"
    if found == "jsonl":
        return sum(1 for line in data.splitlines() if line.strip())
    if found == "zip":
        try:
            return len(zip_entries(name, data))
        except ValidationError:
            return 1
    return 1


def _import_documents(job: ImportJob, progress) -> tuple[dict, list]:
    counts = {"imported": 0, "skipped": 0, "failed": 0}
    items: list[dict] = []
    # In this process: reader processes beside the worker (in_readers, as the command
    # has) were measured and did not pay on 2 cores shared with PostgreSQL: phase b of
    # the peer benchmark 0.90 and 0.91 of doccano's rate with them, 0.92 and 1.22
    # without (docs/benchmarks.md). in_readers(read_unit, ..., jobs=N) turns them on.
    inputs = map(read_unit, job_units(job))
    outcomes = documents_import(
        actor=_actor(job), project=job.project, items=inputs, source=job.source
    )
    for outcome in outcomes:
        counts[outcome.status] += 1
        items.append(_item(outcome))
        progress(len(items))
    return counts, items


def _item(outcome: ImportOutcome) -> dict:
    """One file's or line's outcome, with the line `import_documents` prints for it."""
    name = outcome.item.imported_from
    item = {"name": name, "status": outcome.status}
    if outcome.status == "imported":
        item["document"] = outcome.document.pk
        item["message"] = f"imported {name} as document {outcome.document.pk}"
    elif outcome.status == "skipped":
        duplicate = outcome.duplicate_of
        item["duplicate_of"] = duplicate.pk
        item["message"] = (
            f"skipped {name}: same text as document {duplicate.pk} ({duplicate.title!r})"
        )
    else:
        item["error"] = outcome.error
        item["message"] = f"FAILED {name}: {outcome.error}"
    return item


def _import_annotations(job: ImportJob, progress) -> tuple[dict, list]:
    """Annotation files go to the interop service, one file at a time."""
    try:
        from .annotation_imports import annotations_import
    except ImportError:
        raise ValidationError(
            {"kind": f"Importing {job.kind} annotations is not available on this server."}
        ) from None
    counts: dict[str, int] = {}
    items: list[dict] = []
    for upload in job.uploads.order_by("index").iterator(chunk_size=1):
        report = annotations_import(
            actor=_actor(job),
            project=job.project,
            kind=job.kind,
            name=upload.name,
            data=bytes(upload.data),
            mapping=job.mapping,
        )
        for key, number in report.counts.items():
            counts[key] = counts.get(key, 0) + number
        items.extend(report.items)
        progress(len(items))
    return counts, items


def _analyze(kind: str) -> None:
    """Fresh planner statistics for the tables the import filled, as pg_restore does:
    lists are fast at once, not once autovacuum gets round to them."""
    if connection.vendor != "postgresql":
        return
    from ..models import Claim, Document, EvidenceLink, HistoryEntry, Passage

    if kind == ImportKind.DOCUMENTS:
        tables = [Document, HistoryEntry]
    else:
        tables = [Passage, Claim, EvidenceLink, HistoryEntry]
    names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {names}")
