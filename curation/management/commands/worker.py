import logging
import os
import threading
import time

from django.db import connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from curation.extract.language import warm_up
from curation.services.jobs import jobs_recover

logger = logging.getLogger("curation.worker")


class Command(DbWorkerCommand):
    help = (
        "Run background jobs (release cuts, imports): django-tasks-db's db_worker, which "
        "also queues again the jobs of workers that died. Run as many as you like "
        "against one PostgreSQL (one on SQLite)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # db_worker polls an empty queue every second: a job then waits 0.5 s on average
        # before it starts, a tenth of a 2,000-document import. At 0.1 s an idle worker
        # runs ten indexed SKIP LOCKED lookups a second, a cost PostgreSQL does not notice.
        parser.set_defaults(interval=0.1)
        parser.add_argument(
            "--recover-every",
            type=float,
            default=5.0,
            metavar="SECONDS",
            help="How often to look for jobs whose worker died (PostgreSQL; 0: at start only).",
        )

    def handle(self, *args, recover_every: float, **options):
        # With --reload the parent only watches files: the child does the work.
        if not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            # A worker starting on SQLite is the only one (see services/jobs.py): a job
            # another process left running was left by a worker that is gone.
            found = jobs_recover(assume_dead=connection.vendor != "postgresql")
            if found:
                logger.warning("Queued again %d job(s) left by stopped workers.", found)
            connection.close()
            # The language model takes 0.4 s to load: at start, not inside the first import.
            warm_up()
            if connection.vendor == "postgresql" and recover_every > 0:
                threading.Thread(
                    target=_recover_forever, args=(recover_every,), name="job-recovery", daemon=True
                ).start()
        super().handle(*args, **options)


def _recover_forever(every: float) -> None:
    """On its own thread, hence its own database connection."""
    while True:
        time.sleep(every)
        try:
            found = jobs_recover()
            if found:
                logger.warning("Queued again %d job(s) left by stopped workers.", found)
        except Exception:
            logger.exception("Looking for jobs of stopped workers failed; trying again later.")
        finally:
            connection.close()
