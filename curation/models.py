"""Claimdesk's domain model (see DESIGN.md): the names are the contract.

Invariants live in the database first (check and unique constraints here,
cross-table triggers in migration 0002); services add what only Python can say.
Every model has a natural key so fixtures move between instances unchanged.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone

from . import querysets
from .choices import (
    ClaimKind,
    ClaimStatus,
    Credibility,
    ExportFormat,
    HistoryAction,
    Reliability,
    Role,
    SourceKind,
    Stance,
)

USER = settings.AUTH_USER_MODEL


def _choices_check(field: str, choices: type[models.Choices], model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}),
        name=f"{model}_{field}_valid",
        violation_error_message=f"{field} must be one of {', '.join(map(str, choices.values))}.",
    )


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
            _choices_check("role", Role, "membership"),
        ]

    def __str__(self):
        return f"{self.user_id} in {self.project_id} as {self.role}"

    def natural_key(self):
        return (*self.project.natural_key(), self.user.get_username())

    natural_key.dependencies = ["curation.project", settings.AUTH_USER_MODEL.lower()]


class Source(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sources")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=SourceKind.choices, default=SourceKind.OTHER)
    url = models.URLField(max_length=2000, blank=True)
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default=Reliability.F)
    reliability_rationale = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = querysets.SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                name="source_unique_name_per_project",
                violation_error_message="A source with this name already exists in the project.",
            ),
            _choices_check("reliability", Reliability, "source"),
            _choices_check("kind", SourceKind, "source"),
        ]

    def __str__(self):
        return f"{self.name} ({self.reliability})"

    def natural_key(self):
        return (*self.project.natural_key(), self.name)

    natural_key.dependencies = ["curation.project"]


class Document(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="documents")
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    title = models.CharField(max_length=500)
    authors = models.JSONField(default=list, blank=True)
    published_on = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    doi = models.CharField("DOI", max_length=255, blank=True)
    language = models.CharField(max_length=16, blank=True)
    # Normalised on import (text.normalize_text) and immutable afterwards: a
    # corrected text is a new document. A trigger refuses updates of text.
    text = models.TextField()
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    length = models.PositiveIntegerField(
        editable=False, help_text="Length of the text in Unicode code points."
    )
    metadata = models.JSONField(default=dict, blank=True)
    imported_from = models.CharField(max_length=1000, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = querysets.DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "sha256"],
                name="document_unique_text_per_project",
                violation_error_message="This project already holds a document with this text.",
            ),
            models.CheckConstraint(
                condition=Q(length=Length("text")) & Q(length__gt=0),
                name="document_length_matches_text",
                violation_error_message="A document needs a non-empty text.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("admin:curation_document_change", args=[self.pk])

    def natural_key(self):
        return (*self.project.natural_key(), self.sha256)

    natural_key.dependencies = ["curation.project", "curation.source"]


class Passage(models.Model):
    """A span of a document: offsets in code points, end excluded."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="passages")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # W3C Web Annotation TextQuoteSelector: the quote and its context.
    exact = models.TextField()
    prefix = models.TextField(blank=True)
    suffix = models.TextField(blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = querysets.PassageQuerySet.as_manager()

    class Meta:
        ordering = ["document", "start", "end"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "start", "end"],
                name="passage_unique_span",
                violation_error_message="This span of the document is already a passage.",
            ),
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(end__gt=models.F("start")),
                name="passage_start_before_end",
                violation_error_message="A passage needs 0 ≤ start < end.",
            ),
            models.CheckConstraint(
                condition=Q(end=models.F("start") + Length("exact")),
                name="passage_exact_length_matches_span",
                violation_error_message="The quote's length must equal end − start.",
            ),
        ]

    def __str__(self):
        quote = self.exact if len(self.exact) <= 60 else self.exact[:59] + "…"
        return f"“{quote}” [{self.start}:{self.end}]"

    def natural_key(self):
        return (*self.document.natural_key(), self.start, self.end)

    natural_key.dependencies = ["curation.document"]


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
            _choices_check("status", ClaimStatus, "claim"),
            _choices_check("kind", ClaimKind, "claim"),
            models.CheckConstraint(condition=Q(version__gte=1), name="claim_version_positive"),
            models.CheckConstraint(
                condition=~Q(status__in=[ClaimStatus.ACCEPTED, ClaimStatus.REJECTED])
                | Q(reviewed_at__isnull=False),
                name="claim_decision_has_review_time",
                violation_error_message="An accepted or rejected claim records its review time.",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "status"], name="claim_project_status_idx"),
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
        settings.AUTH_USER_MODEL.lower(),
    ]

    @property
    def source_reliability(self) -> str:
        """The source's Admiralty letter; F when the document has no source.

        Needs `passage__document__source` loaded (`Claim.objects.with_related()`).
        """
        source = self.passage.document.source
        return source.reliability if source else Reliability.F.value

    @property
    def grade(self) -> str:
        """Combined Admiralty grade, e.g. "B2"."""
        return f"{self.source_reliability}{self.credibility}"


class EvidenceLink(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    passage = models.ForeignKey(Passage, on_delete=models.PROTECT, related_name="evidence_links")
    stance = models.CharField(max_length=16, choices=Stance.choices)
    note = models.TextField(blank=True)
    author = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence_links"
    )
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
            _choices_check("stance", Stance, "evidence"),
        ]

    def __str__(self):
        return f"{self.stance} claim {self.claim_id} (passage {self.passage_id})"

    def natural_key(self):
        return (str(self.uuid),)

    natural_key.dependencies = ["curation.claim", "curation.passage"]


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
        constraints = [_choices_check("action", HistoryAction, "history")]

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


class Release(models.Model):
    """A frozen, versioned, checksummed dataset cut from a project.

    Its files are generated once, at cut time, and stored (ReleaseFile): later
    edits to claims never change a release, and every download is byte-identical.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="releases")
    version = models.PositiveIntegerField(editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    filter = models.JSONField(default=dict, editable=False)
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
            _choices_check("format", ExportFormat, "release_file"),
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
