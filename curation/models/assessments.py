"""Independent assessments of a claim, and the rounds that settle them (issue 15).

A project asking for k > 1 assessments per claim opens one round when a claim
is submitted: k members are asked (one pending Assessment each), assess blind,
and the round is settled either by their agreement or by an adjudicator.
"""

import uuid

from django.db import models
from django.db.models import Q

from .. import querysets
from ..choices import AssessmentStatus, ClaimKind, RoundState, Stance
from .base import USER, choices_check
from .claims import Claim, EvidenceLink
from .projects import Project

OPEN_STATES = (RoundState.OPEN, RoundState.DISPUTED)


class AssessmentRound(models.Model):
    """The k assessments asked for one submission of a claim, and how they were settled."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assessment_rounds")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="assessment_rounds")
    number = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(max_length=16, choices=RoundState.choices, default=RoundState.OPEN)
    required = models.PositiveSmallIntegerField(help_text="k: how many assessments are asked.")
    # The settled values (from agreement or adjudication).
    credibility = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=16, choices=ClaimKind.choices, blank=True)
    agreed = models.BooleanField(
        null=True, blank=True, help_text="Did the assessors agree? Null while open."
    )
    adjudicator = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="adjudications"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    objects = querysets.AssessmentRoundQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "number"],
                name="assessment_round_unique_number",
                violation_error_message="This claim already has a round with this number.",
            ),
            # At most one unsettled round per claim: a claim is assessed once per submission.
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(state__in=OPEN_STATES),
                name="assessment_round_one_open_per_claim",
                violation_error_message="This claim is already being assessed.",
            ),
            choices_check("state", RoundState, "assessment_round"),
            models.CheckConstraint(
                condition=Q(required__gte=2) & Q(required__lte=10),
                name="assessment_round_required_2_to_10",
            ),
            models.CheckConstraint(
                condition=Q(credibility__isnull=True)
                | (Q(credibility__gte=1) & Q(credibility__lte=6)),
                name="assessment_round_credibility_1_to_6",
                violation_error_message="Credibility is graded 1 to 6.",
            ),
            models.CheckConstraint(
                condition=Q(state__in=OPEN_STATES)
                | (Q(settled_at__isnull=False) & Q(credibility__isnull=False) & ~Q(kind="")),
                name="assessment_round_settled_has_values",
                violation_error_message="A settled round records its values and time.",
            ),
            models.CheckConstraint(
                condition=~Q(state=RoundState.ADJUDICATED) | Q(adjudicator__isnull=False),
                name="assessment_round_adjudicated_has_adjudicator",
            ),
        ]
        indexes = [models.Index(fields=["project", "state"], name="round_project_state_idx")]

    def __str__(self):
        return f"round {self.number} of claim {self.claim_id} ({self.state})"

    def natural_key(self):
        return (str(self.uuid),)

    natural_key.dependencies = ["curation.claim", USER.lower()]


class Assessment(models.Model):
    """One member's independent judgement of a claim: credibility, kind, stances."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assessments")
    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="assessments")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="assessments")
    assessor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(
        max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.PENDING
    )
    credibility = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=16, choices=ClaimKind.choices, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = querysets.AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["round", "assessor"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "assessor"],
                name="assessment_unique_assessor_per_round",
                violation_error_message="This member already assesses the claim.",
            ),
            choices_check("status", AssessmentStatus, "assessment"),
            models.CheckConstraint(
                condition=Q(credibility__isnull=True)
                | (Q(credibility__gte=1) & Q(credibility__lte=6)),
                name="assessment_credibility_1_to_6",
                violation_error_message="Credibility is graded 1 to 6.",
            ),
            models.CheckConstraint(
                condition=Q(kind="") | Q(kind__in=ClaimKind.values),
                name="assessment_kind_valid",
                violation_error_message=f"kind must be one of {', '.join(ClaimKind.values)}.",
            ),
            models.CheckConstraint(
                condition=Q(status=AssessmentStatus.PENDING)
                | (Q(credibility__isnull=False) & ~Q(kind="") & Q(submitted_at__isnull=False)),
                name="assessment_submitted_has_values",
                violation_error_message="A submitted assessment records credibility and kind.",
            ),
        ]
        indexes = [
            # The agreement read: a project's submitted assessments, item by item.
            models.Index(fields=["project", "status", "round"], name="assessment_matrix_idx"),
            models.Index(fields=["assessor", "status"], name="assessment_assessor_idx"),
        ]

    def __str__(self):
        return f"assessment of claim {self.claim_id} by user {self.assessor_id} ({self.status})"

    def natural_key(self):
        return (str(self.uuid),)

    natural_key.dependencies = ["curation.assessmentround", USER.lower()]


class AssessedStanceManager(models.Manager):
    def get_by_natural_key(self, assessment, evidence):
        return self.get(assessment__uuid=assessment, evidence__uuid=evidence)


class AssessedStance(models.Model):
    """The stance an assessor gives one evidence link of the claim."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="stances")
    evidence = models.ForeignKey(
        EvidenceLink, on_delete=models.CASCADE, related_name="assessed_stances"
    )
    stance = models.CharField(max_length=16, choices=Stance.choices)

    objects = AssessedStanceManager()

    class Meta:
        ordering = ["assessment", "evidence"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "evidence"],
                name="assessed_stance_unique_link",
                violation_error_message="This evidence link already has a stance here.",
            ),
            choices_check("stance", Stance, "assessed_stance"),
        ]

    def __str__(self):
        return f"{self.stance} for evidence {self.evidence_id}"

    def natural_key(self):
        return (*self.assessment.natural_key(), *self.evidence.natural_key())

    natural_key.dependencies = ["curation.assessment", "curation.evidencelink"]
