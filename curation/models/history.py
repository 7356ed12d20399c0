"""Who changed what, when and why."""

import uuid

from django.db import models
from django.utils import timezone

from .. import querysets
from ..choices import (
    HistoryAction,
)
from .base import USER, choices_check
from .claims import Claim, EvidenceLink
from .documents import Document, Source
from .projects import Project


class HistoryEntry(models.Model):
    """One recorded change: who, when, what changed and, for review moves, why."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=16, choices=HistoryAction.choices)
    # Exactly one target; SET_NULL keeps the record (with its repr) after a delete.
    claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="history"
    )
    evidence = models.ForeignKey(
        EvidenceLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="history"
    )
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="history"
    )
    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="history"
    )
    object_type = models.CharField(max_length=32)
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True, help_text="{field: [old, new]}")
    note = models.TextField(blank=True)

    objects = querysets.HistoryEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "history entries"
        ordering = ["-at", "-pk"]
        constraints = [choices_check("action", HistoryAction, "history")]

    def __str__(self):
        return f"{self.action} {self.object_type} “{self.object_repr}”"

    def natural_key(self):
        return (str(self.uuid),)

    natural_key.dependencies = [
        "curation.claim",
        "curation.evidencelink",
        "curation.source",
        "curation.document",
    ]
