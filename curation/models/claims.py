"""Claims, their topics and the evidence linked to them."""

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse

from .. import grading, querysets
from ..choices import (
    ClaimKind,
    ClaimStatus,
    Credibility,
    Stance,
)
from .base import USER, choices_check
from .documents import Passage
from .projects import Project


class Topic(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    objects = querysets.TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                name="topic_unique_name_per_project",
                violation_error_message="This project already has a topic with this name.",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (*self.project.natural_key(), self.name)

    natural_key.dependencies = ["curation.project"]


class Claim(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="claims")
    passage = models.ForeignKey(Passage, on_delete=models.PROTECT, related_name="claims")
    statement = models.TextField(help_text="The claim in the analyst's normalised wording.")
    kind = models.CharField(max_length=16, choices=ClaimKind.choices, default=ClaimKind.FACT)
    attributed_to = models.CharField(
        max_length=300, blank=True, help_text="Who asserts it, e.g. “Moscow”."
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="claims")
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility.choices, default=Credibility.CANNOT_BE_JUDGED
    )
    status = models.CharField(
        max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT, editable=False
    )
    reviewer = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_claims",
        editable=False,
    )
    review_note = models.TextField(blank=True, editable=False)
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Optimistic locking: every write bumps it; a write based on an older value fails.
    version = models.PositiveIntegerField(default=1, editable=False)
    author = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="claims"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = querysets.ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(credibility__gte=1) & Q(credibility__lte=6),
                name="claim_credibility_1_to_6",
                violation_error_message="Credibility is graded 1 to 6.",
            ),
            choices_check("status", ClaimStatus, "claim"),
            choices_check("kind", ClaimKind, "claim"),
            models.CheckConstraint(condition=Q(version__gte=1), name="claim_version_positive"),
            models.CheckConstraint(
                condition=~Q(status__in=[ClaimStatus.ACCEPTED, ClaimStatus.REJECTED])
                | Q(reviewed_at__isnull=False),
                name="claim_decision_has_review_time",
                violation_error_message="An accepted or rejected claim records its review time.",
            ),
        ]
        indexes = [
            # Also the review backlog's oldest submitted claim: a one-row index read.
            models.Index(
                fields=["project", "status", "updated_at"], name="claim_project_status_idx"
            ),
            # Lists sorted by recency (?ordering=-updated_at, cursor-paginated with the
            # id as tie-breaker) read the index backwards instead of sorting every claim.
            models.Index(fields=["updated_at", "id"], name="claim_updated_idx"),
            models.Index(fields=["created_at", "id"], name="claim_created_idx"),
        ]

    def __str__(self):
        text = self.statement if len(self.statement) <= 80 else self.statement[:79] + "…"
        return text

    def get_absolute_url(self):
        return reverse("admin:curation_claim_change", args=[self.pk])

    def natural_key(self):
        return (str(self.uuid),)

    natural_key.dependencies = [
        "curation.passage",
        "curation.topic",
        USER.lower(),
    ]

    @property
    def source_reliability(self) -> str:
        """The source's Admiralty letter; F when the document has no source.

        Needs `passage__document__source` loaded (`Claim.objects.with_related()`).
        """
        source = self.passage.document.source
        return grading.source_reliability(source.reliability if source else None)

    @property
    def grade(self) -> str:
        """Combined Admiralty grade, e.g. "B2"."""
        return grading.grade(self.source_reliability, self.credibility)


class EvidenceLink(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    passage = models.ForeignKey(Passage, on_delete=models.PROTECT, related_name="evidence_links")
    stance = models.CharField(max_length=16, choices=Stance.choices)
    note = models.TextField(blank=True)
    author = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence_links"
    )
    # Optimistic locking, as on claims: every write bumps it (issue 13).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = querysets.EvidenceLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "evidence link"
        ordering = ["claim", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "passage"],
                name="evidence_unique_passage_per_claim",
                violation_error_message="This passage is already evidence for the claim.",
            ),
            choices_check("stance", Stance, "evidence"),
            models.CheckConstraint(condition=Q(version__gte=1), name="evidence_version_positive"),
        ]

    def __str__(self):
        return f"{self.stance} claim {self.claim_id} (passage {self.passage_id})"

    def natural_key(self):
        return (str(self.uuid),)

    natural_key.dependencies = ["curation.claim", "curation.passage"]
