"""Bulk import jobs: the uploaded files, and what became of each file or line."""

from django.db import models
from django.utils import timezone

from .. import querysets
from ..choices import ImportKind, ImportStatus
from .base import USER, choices_check
from .documents import Source
from .jobs import JobState
from .projects import Project


class ImportJob(JobState):
    """One upload of files to import into a project, run by a worker.

    `counts` holds imported / skipped / failed; `items` one entry per file (or
    JSONL line), in upload order, with the outcome the import command prints.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="import_jobs")
    kind = models.CharField(max_length=16, choices=ImportKind.choices, default=ImportKind.DOCUMENTS)
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED, editable=False
    )
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=16, blank=True, default="")
    # Annotation imports only: how the file's labels map onto claim fields.
    mapping = models.JSONField(null=True, blank=True)
    counts = models.JSONField(default=dict, editable=False)
    items = models.JSONField(default=list, editable=False)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = querysets.ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["project", "-created_at"], name="import_job_project_idx")]
        constraints = [
            choices_check("status", ImportStatus, "import_job"),
            choices_check("kind", ImportKind, "import_job"),
        ]

    def __str__(self):
        return f"import {self.pk} ({self.status})"


class ImportUpload(models.Model):
    """One uploaded file of an import job, kept in the database for the worker."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="uploads")
    index = models.PositiveIntegerField()
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["job", "index"]
        constraints = [
            models.UniqueConstraint(fields=["job", "index"], name="import_upload_unique_index")
        ]

    def __str__(self):
        return self.name
