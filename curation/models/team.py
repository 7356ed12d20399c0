"""Team work (issue 14): who works on which document, discussion, notifications."""

import uuid

from django.db import models
from django.db.models import F, Q

from .. import querysets
from ..choices import AssignmentState, NotificationKind
from .base import USER, choices_check
from .claims import Claim
from .documents import Document
from .projects import Project
from .releases import Release


class Assignment(models.Model):
    """A document given to an annotator (and optionally a reviewer) by an owner.

    The annotator moves it assigned → in_progress → done; an owner may reopen it
    (services/assignments.py, under a row lock, with history on the document).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="assignments")
    annotator = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="review_assignments"
    )
    state = models.CharField(
        max_length=16, choices=AssignmentState.choices, default=AssignmentState.ASSIGNED
    )
    assigned_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = querysets.AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["project", "document", "annotator"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "annotator"],
                name="assignment_unique_annotator_per_document",
                violation_error_message="This document is already assigned to this annotator.",
            ),
            choices_check("state", AssignmentState, "assignment"),
            models.CheckConstraint(condition=Q(version__gte=1), name="assignment_version_positive"),
            models.CheckConstraint(
                condition=Q(reviewer__isnull=True) | ~Q(reviewer=F("annotator")),
                name="assignment_reviewer_is_not_annotator",
                violation_error_message="The reviewer cannot be the annotator.",
            ),
            models.CheckConstraint(
                condition=Q(state=AssignmentState.DONE, done_at__isnull=False)
                | (~Q(state=AssignmentState.DONE) & Q(done_at__isnull=True)),
                name="assignment_done_has_time",
                violation_error_message="A done assignment records when it was done.",
            ),
        ]
        indexes = [
            models.Index(fields=["annotator", "state"], name="assignment_annotator_state_idx"),
            models.Index(fields=["project", "state"], name="assignment_project_state_idx"),
        ]

    def __str__(self):
        return f"document {self.document_id} → user {self.annotator_id} ({self.state})"

    def natural_key(self):
        return (str(self.uuid),)

    natural_key.dependencies = ["curation.document", USER.lower()]


class Comment(models.Model):
    """A member's remark on a claim; a reply names its parent (one thread per claim).

    Never deleted silently: an author edits or retracts their own, and each
    change is a HistoryEntry on the claim with the old and new body.
    """

    MAX_LENGTH = 10_000

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    body = models.TextField(blank=True)
    mentions = models.ManyToManyField(USER, blank=True, related_name="mentioned_in")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    retracted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = querysets.CommentQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(retracted_at__isnull=False) | ~Q(body=""),
                name="comment_body_not_empty",
                violation_error_message="A comment needs some text.",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="comment_version_positive"),
        ]
        indexes = [models.Index(fields=["claim", "created_at"], name="comment_claim_time_idx")]

    def __str__(self):
        text = self.body if len(self.body) <= 60 else self.body[:59] + "…"
        return text or "(retracted)"

    def natural_key(self):
        return (str(self.uuid),)

    natural_key.dependencies = ["curation.claim", USER.lower()]


class Notification(models.Model):
    """Something a member should know: a review decision, a comment, an assignment."""

    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notifications")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    release = models.ForeignKey(
        Release, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.TextField(blank=True, help_text="The note of a review move, or a summary.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = querysets.NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [choices_check("kind", NotificationKind, "notification")]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["recipient", "created_at"], name="notification_recipient_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} (to user {self.recipient_id})"
