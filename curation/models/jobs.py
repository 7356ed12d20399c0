"""What every background job's row records: its task, attempts, progress and outcome."""

from django.db import models


class JobState(models.Model):
    """Fields shared by the rows that background jobs work on (releases, imports).

    The row is the job's truth for users; `task_id` names the django-tasks-db
    task that runs it. `attempts` counts the workers that started it.
    """

    task_id = models.CharField(max_length=64, blank=True, default="", editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    progress_done = models.PositiveIntegerField(default=0, editable=False)
    progress_total = models.PositiveIntegerField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True, default="", editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def progress_percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))
