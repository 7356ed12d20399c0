"""How the admin shows a background job's state: a progress bar, refreshed by the page."""

from django.utils.html import format_html


def job_progress(job, *, unit: str) -> str:
    """A <progress> bar with the figures beside it (no script: the page refreshes itself
    while the job is queued or running, see the change_form templates)."""
    total, done = job.progress_total, job.progress_done
    if job.status == "queued":
        return format_html("Waiting for a worker (attempts so far: {}).", job.attempts)
    if total is None:
        return format_html("{} {}", f"{done:,}", unit)
    return format_html(
        '<progress max="{}" value="{}" class="job-progress"></progress> {} of {} {} ({}%)',
        total or 1,
        done,
        f"{done:,}",
        f"{total:,}",
        unit,
        job.progress_percent if total else 100,
    )


def job_state_short(job) -> str:
    """For lists: the status, with the share done while it runs."""
    if job.status == "running" and job.progress_total:
        return f"{job.get_status_display()} ({job.progress_percent}%)"
    return job.get_status_display()
