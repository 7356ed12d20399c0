"""What every background job shares: one runner at a time, progress, recovery.

A job's row (a Release, an ImportJob) is its truth for users; the
django-tasks-db task only carries it to a worker. While a worker runs a job it
holds a PostgreSQL advisory lock on the job's key, on its own session: so two
workers never run the same job (the second finds the lock taken and leaves),
and a worker that dies (SIGKILL, lost machine) lets go of it with its
connection. `jobs_recover` (every worker runs it at start and then every few
seconds) queues such orphans again, until they have had their attempts.

SQLite has no advisory locks and one writer at a time: it runs one worker (the
demo), which recovers at start only.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.db.models import Model
from django.utils import timezone

from ..exceptions import InvalidTransition

logger = logging.getLogger(__name__)

# The first key of the advisory lock names the kind of job, the second its id.
LOCK_CLASS = {"curation.release": 1_610_001, "curation.importjob": 1_610_002}


def _lock_key(model: type[Model], pk: int) -> tuple[int, int]:
    return LOCK_CLASS[model._meta.label_lower], pk


@contextmanager
def job_lock(model: type[Model], pk: int) -> Iterator[bool]:
    """Hold the job's lock for the block, on this thread's connection; yields whether
    it was had (False: another worker runs the job). Always True on SQLite."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = _lock_key(model, pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        (held,) = cursor.fetchone()
    try:
        yield held
    finally:
        if held:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            except Exception:
                # A broken connection lets go of its locks as it closes.
                connection.close()


def _lock_is_free(model: type[Model], pk: int) -> bool:
    """True when no session holds the job's lock (its worker, if any, is gone)."""
    key = _lock_key(model, pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        (got,) = cursor.fetchone()
        if got:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
    return got


class ProgressWriter:
    """Writes a running job's progress where other sessions see it at once.

    On PostgreSQL the job's work runs in one long transaction; its progress is
    written on a connection of its own, in autocommit, at most every
    CLAIMDESK_JOB_PROGRESS_SECONDS. SQLite has one writer at a time: the work's
    transaction holds it, so progress shows when the job ends.
    """

    def __init__(self, model: type[Model], pk: int, *, total: int | None):
        self.table = model._meta.db_table
        self.pk = pk
        self.total = total
        self.done = 0
        self.every = settings.CLAIMDESK_JOB_PROGRESS_SECONDS
        self._last = 0.0
        self._connection = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self._connection = connections.create_connection(connection.alias)

    def __call__(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if self._connection is None or now - self._last < self.every:
            return
        self._last = now
        table = self._connection.ops.quote_name(self.table)
        with self._connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET progress_done = %s WHERE id = %s",  # noqa: S608
                [done, self.pk],
            )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def job_claim(model: type[Model], pk: int, *, waiting: set[str], running: str, total_of=None):
    """Mark the job running (one more attempt) if it waits to run; else None.

    Called with the job's lock held. `total_of(job)` gives the progress total.
    """
    with transaction.atomic():
        job = model.objects.select_for_update().filter(pk=pk).first()
        if job is None or job.status not in waiting:
            return None
        job.status = running
        job.attempts += 1
        job.started_at = timezone.now()
        job.finished_at = None
        job.error = ""
        job.progress_done = 0
        job.progress_total = total_of(job) if total_of else None
        job.save(
            update_fields=[
                "status",
                "attempts",
                "started_at",
                "finished_at",
                "error",
                "progress_done",
                "progress_total",
            ]
        )
    return job


def job_fail(model: type[Model], pk: int, *, status: str, reason: str) -> None:
    """End the job `failed` with a reason a user can read; it may be retried."""
    model.objects.filter(pk=pk).update(
        status=status, error=reason[:2000], finished_at=timezone.now()
    )


class NotRetryable(InvalidTransition):
    """Only a failed job can be retried (409 with the current status)."""

    def __init__(self, what: str, status: str):
        self.move, self.status = "retry", status
        ValidationError.__init__(
            self,
            f"Only a failed {what} can be retried; this one is {status}.",
            code="invalid_transition",
        )


def failure_reason(error: BaseException) -> str:
    messages = getattr(error, "messages", None)
    text = " ".join(messages) if messages else str(error)
    return f"{type(error).__name__}: {text}" if not messages else text


def job_enqueue(task, job: Model, *args) -> None:
    """Queue `task` for the job, in the caller's transaction: the job row and its task
    commit together (the queue is a table of this database), or neither does."""
    result = task.enqueue(job.pk, *args)
    job.task_id = str(result.id)
    type(job).objects.filter(pk=job.pk).update(task_id=job.task_id)


# -- recovery -------------------------------------------------------------------------------


def job_retry(task, job: Model, *, what: str, failed: str, queued: str) -> Model:
    """Queue a failed job again: lock its row, check it failed, reset, enqueue."""
    with transaction.atomic():
        job = type(job).objects.select_for_update().get(pk=job.pk)
        if job.status != failed:
            raise NotRetryable(what, job.status)
        job.status = queued
        job.error = ""
        job.attempts = 0
        job.save(update_fields=["status", "error", "attempts"])
        job_enqueue(task, job)
    return job


def _job_models():
    from ..choices import ImportStatus, ReleaseStatus
    from ..models import ImportJob, Release

    return [
        (Release, ReleaseStatus.QUEUED, ReleaseStatus.RUNNING, ReleaseStatus.FAILED),
        (ImportJob, ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.FAILED),
    ]


def jobs_recover(*, assume_dead: bool = False) -> int:
    """Queue again the jobs whose worker is gone; returns how many.

    A job is orphaned when its task was taken by a worker (RUNNING) at least
    CLAIMDESK_JOB_RECOVER_AFTER seconds ago and no session holds the job's lock.
    On SQLite (no locks) only `assume_dead` (a worker starting) says so.
    """
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if connection.vendor != "postgresql" and not assume_dead:
        return 0
    horizon = timezone.now() - timedelta(seconds=settings.CLAIMDESK_JOB_RECOVER_AFTER)
    taken = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    if not assume_dead:
        taken = taken.filter(started_at__lte=horizon)
    taken_ids = {str(pk) for pk in taken.values_list("id", flat=True)}
    if not taken_ids:
        return 0
    recovered = 0
    for model, queued, running, failed in _job_models():
        candidates = model.objects.filter(status__in=[queued, running], task_id__in=taken_ids)
        for pk, task_id in candidates.values_list("pk", "task_id"):
            if connection.vendor == "postgresql" and not _lock_is_free(model, pk):
                continue
            if _requeue(model, pk, task_id, queued=queued, running=running, failed=failed):
                recovered += 1
    return recovered


def _requeue(model, pk, task_id, *, queued, running, failed) -> bool:
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        job = model.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
        if job is None or job.status not in (queued, running) or job.task_id != task_id:
            return False
        if job.attempts >= settings.CLAIMDESK_JOB_MAX_ATTEMPTS:
            reason = (
                f"Its worker stopped {job.attempts} times while running it (killed, out of "
                "memory, or its machine lost); not tried again. Retry it when that is fixed."
            )
            model.objects.filter(pk=pk).update(
                status=failed, error=reason, finished_at=timezone.now()
            )
            DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED, finished_at=timezone.now()
            )
            logger.warning("%s %s failed for good: %s", model.__name__, pk, reason)
            return True
        # The library's own retry: the task is ready again, and its next worker id is
        # appended to worker_ids (Django counts attempts by them).
        DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY
        )
        model.objects.filter(pk=pk).update(status=queued)
        logger.warning("%s %s: its worker stopped; queued again.", model.__name__, pk)
    return True
