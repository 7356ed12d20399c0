"""Where text comes from: sources, documents and the passages marked in them."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.urls import reverse

from .. import querysets
from ..choices import (
    Reliability,
    SourceKind,
)
from .base import USER, choices_check
from .projects import Project


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
            choices_check("reliability", Reliability, "source"),
            choices_check("kind", SourceKind, "source"),
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
    # The publication date as precisely as the document states it: "2024-10-24", or
    # "2024-10" / "2019" when it states no day (then published_on stays empty).
    published = models.CharField(max_length=10, blank=True)
    # The journal, blog or publisher's series the document appeared in.
    container = models.CharField(max_length=300, blank=True)
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
    # Code points inside boilerplate regions (kept by the region services).
    boilerplate_length = models.PositiveIntegerField(default=0, editable=False)
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
            models.CheckConstraint(
                condition=Q(published="")
                | Q(published__regex=r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"),
                name="document_published_is_iso",
                violation_error_message="published is YYYY, YYYY-MM or YYYY-MM-DD.",
            ),
            models.CheckConstraint(
                condition=Q(boilerplate_length__lte=models.F("length")),
                name="document_boilerplate_within_text",
                violation_error_message="Boilerplate cannot be longer than the text.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("admin:curation_document_change", args=[self.pk])

    @property
    def boilerplate_share(self) -> float:
        """The fraction of the text inside boilerplate regions (0 to 1)."""
        return round(self.boilerplate_length / self.length, 4) if self.length else 0.0

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
