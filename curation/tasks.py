"""Background jobs on Django's Tasks framework (django.tasks), queued in the
project's database by django-tasks-db and run by `manage.py worker`.

Thin on purpose: each task names its job's row and calls the service that
holds the rules (services/release_jobs.py, services/imports.py).
"""

from django.tasks import task


@task
def release_cut_task(release_id: int) -> str:
    """Cut a queued release: write its files, then mark it ready."""
    from .services.release_jobs import release_run

    return release_run(release_id=release_id)


@task
def import_task(job_id: int) -> str:
    """Import the files of a queued import job."""
    from .services.imports import import_run

    return import_run(job_id=job_id)
