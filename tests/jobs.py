"""Running queued background jobs inside a test: the library's own worker, in batch mode.

In-process, on the test's connection (and inside its transaction, when it has
one); the tests that need real worker processes start `manage.py worker`.
"""

from django.core.management import call_command


def run_queued_jobs() -> None:
    """Run every queued job to its end, as a worker would, then return."""
    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval=0", verbosity=0
    )
