"""Document regions: found at import, marked or unmarked by hand by owners."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from ..bulk import bulk_insert
from ..choices import HistoryAction, Role
from ..extract.language import WINDOW_CHARS, detect_language
from ..extract.regions import BOILERPLATE, FoundRegion
from ..models import Document, DocumentRegion
from ..models.regions import RegionKind, RegionOrigin
from .access import require_role
from .history import history_record


def boilerplate_length(spans: Iterable[tuple[int, int]]) -> int:
    """Code points covered by the union of the (start, end) spans."""
    covered, reach = 0, 0
    for start, end in sorted(spans):
        if end > reach:
            covered += end - max(start, reach)
            reach = end
    return covered


def main_text_sample(text: str, regions: Iterable[FoundRegion], limit: int = WINDOW_CHARS) -> str:
    """The opening of the text outside boilerplate: what the language is judged on."""
    parts, position, size = [], 0, 0
    for region in regions:
        if region.kind != BOILERPLATE:
            continue
        parts.append(text[position : region.start])
        size += region.start - position
        position = region.end
        if size >= limit:
            break
    parts.append(text[position : position + limit])
    return "".join(parts)[:limit]


def document_language(text: str, regions: Iterable[FoundRegion]) -> str:
    """The language of the text's running prose (boilerplate left out), or "" if unsure."""
    return detect_language(main_text_sample(text, regions))


def import_regions(document: Document, found: Iterable[FoundRegion]) -> list[DocumentRegion]:
    """Unsaved regions found at import for a document that is being inserted."""
    return [
        DocumentRegion(
            document=document,
            start=region.start,
            end=region.end,
            kind=region.kind,
            original_start=region.original_start,
            original_end=region.original_end,
            origin=RegionOrigin.IMPORT,
            created_by=document.created_by,
        )
        for region in found
    ]


def regions_insert(regions: list[DocumentRegion]) -> None:
    """Insert the regions of freshly inserted documents (their ids are set by now)."""
    for region in regions:
        region.document_id = region.document.pk
    bulk_insert(regions)


def _refresh_boilerplate_length(document: Document) -> None:
    spans = DocumentRegion.objects.filter(document=document, kind=RegionKind.BOILERPLATE)
    document.boilerplate_length = boilerplate_length(spans.values_list("start", "end"))
    document.save(update_fields=["boilerplate_length"])


@transaction.atomic
def region_create(
    *,
    actor,
    document: Document,
    start: int,
    end: int,
    kind: str,
    original_start: int | None = None,
    original_end: int | None = None,
) -> DocumentRegion:
    """Mark a span of the document as boilerplate or as a repeat of an earlier span."""
    require_role(actor, document.project_id, Role.OWNER)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if end > document.length:
        raise ValidationError(
            {"end": f"end {end} is past the end of the text ({document.length})."}
        )
    if kind == RegionKind.REPEAT:
        if original_start is None or original_end is None:
            raise ValidationError({"original_start": "A repeat names the span it repeats."})
        if original_end > start:
            raise ValidationError({"original_end": "The original must end before the repeat."})
        repeated = " ".join(document.text[start:end].split())
        if repeated != " ".join(document.text[original_start:original_end].split()):
            raise ValidationError({"original_start": "The original span holds other text."})
    region = DocumentRegion(
        document=document,
        start=start,
        end=end,
        kind=kind,
        original_start=original_start,
        original_end=original_end,
        origin=RegionOrigin.MANUAL,
        created_by=actor if actor.is_authenticated else None,
    )
    region.full_clean(exclude=["document", "created_by"])
    region.save()
    _refresh_boilerplate_length(document)
    history_record(
        actor=actor,
        obj=document,
        action=HistoryAction.UPDATED,
        changes={"region": [None, f"{kind} {start}–{end}"]},
    )
    return region


@transaction.atomic
def region_delete(*, actor, region: DocumentRegion) -> None:
    """Unmark a region (found at import or by hand); the text is untouched."""
    document = Document.objects.select_for_update().get(pk=region.document_id)
    require_role(actor, document.project_id, Role.OWNER)
    described = f"{region.kind} {region.start}–{region.end}"
    region.delete()
    _refresh_boilerplate_length(document)
    history_record(
        actor=actor,
        obj=document,
        action=HistoryAction.UPDATED,
        changes={"region": [described, None]},
    )
