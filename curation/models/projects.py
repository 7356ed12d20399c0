"""Projects and who may do what in them."""

from django.db import models
from django.urls import reverse

from .. import querysets
from ..choices import (
    AssessorPool,
    Role,
)
from .base import USER, choices_check


class Project(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    guidelines = models.TextField(
        blank=True, help_text="Annotation guidelines, shown in the workspace."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(USER, through="Membership", related_name="projects")
    # Independent assessments (issue 15): k = 1 is the plain review workflow.
    assessments_per_claim = models.PositiveSmallIntegerField(
        default=1, help_text="k: how many members assess each submitted claim, blind."
    )
    assessor_pool = models.CharField(
        max_length=16, choices=AssessorPool.choices, default=AssessorPool.REVIEWERS
    )
    credibility_tolerance = models.PositiveSmallIntegerField(
        default=0, help_text="Credibility grades assessors may differ by and still agree."
    )
    # Team work (issue 14).
    four_eyes = models.BooleanField(
        default=True,
        help_text="Four eyes: nobody accepts or rejects their own claim; "
        "the review queue hides one's own claims.",
    )
    annotate_unassigned = models.BooleanField(
        default=True,
        help_text="Annotators may annotate documents that are not assigned to them.",
    )
    viewers_may_comment = models.BooleanField(
        default=False, help_text="Viewers may comment on the claims they can see."
    )
    # Round-robin position: the user id last asked to assess (services/assessments.py).
    assessor_cursor = models.PositiveIntegerField(default=0, editable=False)

    objects = querysets.ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(assessments_per_claim__gte=1)
                & models.Q(assessments_per_claim__lte=10),
                name="project_assessments_per_claim_1_to_10",
                violation_error_message="Assessments per claim must be between 1 and 10.",
            ),
            models.CheckConstraint(
                condition=models.Q(credibility_tolerance__lte=5),
                name="project_credibility_tolerance_0_to_5",
                violation_error_message="The credibility tolerance is 0 to 5 grades.",
            ),
            choices_check("assessor_pool", AssessorPool, "project"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:curation_project_change", args=[self.pk])

    def natural_key(self):
        return (self.slug,)


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = querysets.MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["project", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"],
                name="membership_unique_user_per_project",
                violation_error_message="This user is already a member of the project.",
            ),
            choices_check("role", Role, "membership"),
        ]

    def __str__(self):
        return f"{self.user_id} in {self.project_id} as {self.role}"

    def natural_key(self):
        return (*self.project.natural_key(), self.user.get_username())

    natural_key.dependencies = ["curation.project", USER.lower()]
