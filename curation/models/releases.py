"""Frozen, versioned dataset releases and their files."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .. import querysets
from ..choices import (
    ExportFormat,
    ReleaseStatus,
)
from .base import USER, choices_check
from .jobs import JobState
from .projects import Project


class Release(JobState):
    """A frozen, versioned, checksummed dataset cut from a project.

    Its files are generated once, at cut time, and stored (ReleaseFile): later
    edits to claims never change a release, and every download is byte-identical.
    A release cut by a worker is `queued`, then `running`, then `ready` (its files
    are complete: they commit together) or `failed`; only a ready one downloads.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="releases")
    version = models.PositiveIntegerField(editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    filter = models.JSONField(default=dict, editable=False)
    formats = models.JSONField(default=list)
    # Ready by default: a release loaded from a fixture or cut inline has its files.
    status = models.CharField(
        max_length=16, choices=ReleaseStatus.choices, default=ReleaseStatus.READY, editable=False
    )
    claim_count = models.PositiveIntegerField(default=0, editable=False)
    evidence_count = models.PositiveIntegerField(default=0, editable=False)
    document_count = models.PositiveIntegerField(default=0, editable=False)
    source_count = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = querysets.ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "version"],
                name="release_unique_version_per_project",
                violation_error_message="This project already has a release with this version.",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="release_version_positive"),
            choices_check("status", ReleaseStatus, "release"),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    def natural_key(self):
        return (*self.project.natural_key(), self.version)

    natural_key.dependencies = ["curation.project"]


class ReleaseFile(models.Model):
    """One downloadable zip of a release in one format, stored in chunks."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=16, choices=ExportFormat.choices)
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256 of the zip", max_length=64)
    # SHA-256 of each data file inside the zip (also written in its manifest.json).
    data_files = models.JSONField(default=dict)

    objects = querysets.ReleaseFileQuerySet.as_manager()

    class Meta:
        ordering = ["release", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "format"], name="release_file_unique_format"
            ),
            choices_check("format", ExportFormat, "release_file"),
        ]

    def __str__(self):
        return self.filename

    def natural_key(self):
        return (*self.release.natural_key(), self.format)

    natural_key.dependencies = ["curation.release"]


class ReleaseChunk(models.Model):
    """Up to 1 MiB of a release file; in PostgreSQL so the web tier stays stateless."""

    file = models.ForeignKey(ReleaseFile, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["file", "index"]
        constraints = [
            models.UniqueConstraint(fields=["file", "index"], name="release_chunk_unique_index")
        ]

    def __str__(self):
        return f"chunk {self.index} of file {self.file_id}"
