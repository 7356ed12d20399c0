"""Regions of a document's text that are not the document itself (issue 17).

The text never changes; a region only says how to read a span of it: `boilerplate`
(navigation, menus, widgets) or `repeat` (a block that repeats an earlier one, whose
span is `original_start`–`original_end`). Found at import or marked by an owner.
"""

from django.db import models
from django.db.models import Q

from ..querysets import ScopedQuerySet
from .base import USER, choices_check
from .documents import Document


class RegionKind(models.TextChoices):
    BOILERPLATE = "boilerplate", "boilerplate"
    REPEAT = "repeat", "repeat"


class RegionOrigin(models.TextChoices):
    IMPORT = "import", "found at import"
    MANUAL = "manual", "marked by hand"


class DocumentRegionQuerySet(ScopedQuerySet):
    project_path = "document__project"

    def get_by_natural_key(self, slug, sha256, start, end):
        return self.get(document__project__slug=slug, document__sha256=sha256, start=start, end=end)


class DocumentRegion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="regions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=RegionKind.choices)
    original_start = models.PositiveIntegerField(null=True, blank=True)
    original_end = models.PositiveIntegerField(null=True, blank=True)
    origin = models.CharField(
        max_length=8, choices=RegionOrigin.choices, default=RegionOrigin.MANUAL
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentRegionQuerySet.as_manager()

    class Meta:
        ordering = ["document", "start", "end"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "start", "end"],
                name="region_unique_span",
                violation_error_message="This span of the document is already a region.",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="region_start_before_end",
                violation_error_message="A region needs start < end.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=RegionKind.REPEAT,
                        original_start__isnull=False,
                        original_end__gt=models.F("original_start"),
                        original_end__lte=models.F("start"),
                    )
                    | Q(
                        kind=RegionKind.BOILERPLATE,
                        original_start__isnull=True,
                        original_end__isnull=True,
                    )
                ),
                name="region_repeat_points_back",
                violation_error_message=(
                    "A repeat names its original span, which ends before it starts; "
                    "boilerplate names none."
                ),
            ),
            choices_check("kind", RegionKind, "region"),
            choices_check("origin", RegionOrigin, "region"),
        ]

    def __str__(self):
        return f"{self.kind} [{self.start}:{self.end}]"

    def natural_key(self):
        return (*self.document.natural_key(), self.start, self.end)

    natural_key.dependencies = ["curation.document"]
