"""Running queued background jobs inside a test: the library's own worker, in batch mode.

In-process, on the test's connection (and inside its transaction, when it has
one); the tests that need real worker processes start `manage.py worker`.
"""

from unittest import mock

from django.core.management import call_command


def run_queued_jobs() -> None:
    """Run every queued job to its end, as a worker would, then return."""
    # The worker closes "old" connections between tasks, as Django does between
    # requests; inside a test's transaction that would close the test's own (the
    # test client has the same signal turned off).
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command(
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval=0",
            verbosity=0,
        )
