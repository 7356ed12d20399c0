"""Projects and who may do what in them."""

from django.db import models
from django.urls import reverse

from .. import querysets
from ..choices import (
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

    objects = querysets.ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

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
