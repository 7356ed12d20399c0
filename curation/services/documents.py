"""Importing documents (one or many) and editing their metadata.

The text is normalised here and never changes afterwards. Bulk imports run in
batched transactions for speed, yet each document stays all-or-nothing: a
document and its history entry are inserted together or not at all, and a
batch that meets a conflict is replayed one document per transaction.
"""

import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..bulk import bulk_insert
from ..choices import HistoryAction, Role
from ..extract.regions import detect_regions
from ..models import Document, HistoryEntry, Project, Source
from ..text import normalize_text, scrub_json, text_sha256
from .access import require_role
from .history import history_entry, tracked_update
from .regions import boilerplate_length, document_language, import_regions, regions_insert

DOCUMENT_METADATA_FIELDS = (
    "title",
    "authors",
    "published_on",
    "published",
    "container",
    "url",
    "doi",
    "language",
    "source",
    "metadata",
)


@dataclass
class DocumentInput:
    """One document to import: its raw text and whatever metadata is known."""

    text: str
    title: str
    authors: list[str] = field(default_factory=list)
    published_on: datetime.date | None = None
    url: str = ""
    doi: str = ""
    language: str = ""
    metadata: dict = field(default_factory=dict)
    imported_from: str = ""
    # Issue 17: a date as precise as the text states it ("2019"), the journal or blog,
    # and the regions found by importing.document_input (None: not looked for yet).
    published: str = ""
    container: str = ""
    regions: list | None = None
    # True when `text` is already normalised (importing.document_input: decoded files
    # are), so that document_prepare does not check it a second time.
    normalized: bool = False
    # The document's row, checked by document_prepare (None: not yet); its project,
    # source and creator are set when it is written.
    row: Document | None = None


@dataclass
class ImportOutcome:
    """What happened to one input: imported, skipped (duplicate) or failed."""

    item: DocumentInput
    document: Document | None = None
    duplicate_of: Document | None = None
    error: str = ""

    @property
    def status(self) -> str:
        if self.document is not None:
            return "imported"
        return "skipped" if self.duplicate_of is not None else "failed"


def _published(item: DocumentInput) -> tuple[datetime.date | None, str]:
    """published_on and published agree: a full date is both, a partial one only the latter."""
    if item.published and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", item.published):
        raise ValidationError({"published": "Give the date as YYYY, YYYY-MM or YYYY-MM-DD."})
    if item.published_on is not None:
        return item.published_on, item.published_on.isoformat()
    if len(item.published) == 10:
        try:
            return datetime.date.fromisoformat(item.published), item.published
        except ValueError:
            raise ValidationError({"published": "Not a date."}) from None
    return None, item.published


def document_prepare(item: DocumentInput) -> DocumentInput:
    """The item with its text normalised, its regions and language found and its column
    values checked (the model's own field rules): all of an import's per-document work
    that needs no database, so that import readers do it in their own processes
    (importing.in_readers) while the caller writes. Raises ValidationError."""
    if item.row is not None:
        return item
    text = item.text if item.normalized else normalize_text(item.text)
    regions, language = item.regions, item.language
    if regions is None:
        regions = detect_regions(text)
    if not language:
        language = document_language(text, regions)
    published_on, published = _published(item)
    row = Document(
        title=item.title.strip()[:500],
        authors=scrub_json(list(item.authors)),
        published_on=published_on,
        published=published,
        container=item.container.strip()[:300],
        url=item.url,
        doi=item.doi,
        language=language,
        text=text,
        sha256=text_sha256(text),
        length=len(text),
        metadata=scrub_json(item.metadata),
        imported_from=item.imported_from,
    )
    # Uniqueness is the database's job (a unique constraint), not a racy pre-check.
    row.full_clean(
        exclude=["project", "source", "created_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    if not text.strip():
        raise ValidationError({"text": "The document has no text after normalisation."})
    return replace(item, text=text, regions=regions, language=language, row=row)


def _build(*, actor, project: Project, source: Source | None, item: DocumentInput) -> Document:
    item = document_prepare(item)
    document = item.row
    document.project = project
    document.source = source
    document.created_by = actor if actor is not None and actor.is_authenticated else None
    document.boilerplate_length = boilerplate_length(
        (r.start, r.end) for r in item.regions if r.kind == "boilerplate"
    )
    document.found_regions = item.regions
    return document


def _created_entry(actor, document: Document) -> HistoryEntry:
    return history_entry(
        actor=actor,
        obj=document,
        action=HistoryAction.CREATED,
        changes={"title": [None, document.title], "sha256": [None, document.sha256]},
    )


def error_text(error: ValidationError) -> str:
    """A ValidationError as the one line an import reports for a file or line."""
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def document_import(
    *, actor, project: Project, item: DocumentInput, source: Source | None = None
) -> Document:
    """Import one document; a text the project already holds is a ValidationError."""
    require_role(actor, project, Role.OWNER)
    _check_source(project, source)
    document = _build(actor=actor, project=project, source=source, item=item)
    with transaction.atomic():
        existing = Document.objects.filter(project=project, sha256=document.sha256).first()
        if existing is not None:
            raise ValidationError(
                {"text": f"This project already holds this text (document {existing.pk})."},
                code="duplicate",
            )
        document.save()
        regions_insert(import_regions(document, document.found_regions))
        _created_entry(actor, document).save()
    return document


def documents_import(
    *,
    actor,
    project: Project,
    items: Iterable[DocumentInput | ImportOutcome],
    source: Source | None = None,
    batch_size: int = 500,
) -> Iterator[ImportOutcome]:
    """Import many documents, yielding one outcome per input in input order.

    Inputs that already failed upstream (an ImportOutcome with an error, e.g. a
    file that is not UTF-8) pass through so callers can report in order.
    Permission and source are checked at the call, before any input is read.
    """
    require_role(actor, project, Role.OWNER)
    _check_source(project, source)
    return _import_batches(actor, project, source, items, batch_size)


def _import_batches(actor, project, source, items, batch_size) -> Iterator[ImportOutcome]:
    batch: list[ImportOutcome] = []
    for item in items:
        outcome = item if isinstance(item, ImportOutcome) else ImportOutcome(item=item)
        batch.append(outcome)
        if len(batch) >= batch_size:
            yield from _import_batch(actor, project, source, batch)
            batch = []
    if batch:
        yield from _import_batch(actor, project, source, batch)


def _import_batch(actor, project, source, batch: list[ImportOutcome]) -> list[ImportOutcome]:
    pending: list[tuple[ImportOutcome, Document]] = []
    for outcome in batch:
        if outcome.error:
            continue
        try:
            pending.append(
                (outcome, _build(actor=actor, project=project, source=source, item=outcome.item))
            )
        except ValidationError as error:
            outcome.error = error_text(error)
    try:
        with transaction.atomic():
            _insert_new(actor, project, pending)
    except IntegrityError:
        # Someone imported the same text meanwhile: replay one document per
        # transaction so that only the conflicting ones are skipped.
        for outcome, document in pending:
            outcome.document = outcome.duplicate_of = None
            document.pk = None
            with transaction.atomic():
                _insert_new(actor, project, [(outcome, document)])
    return batch


def _insert_new(actor, project, pending: list[tuple[ImportOutcome, Document]]) -> None:
    hashes = {document.sha256 for _, document in pending}
    known = {
        doc.sha256: doc
        for doc in Document.objects.filter(project=project, sha256__in=hashes).only(
            "pk", "title", "sha256", "project_id"
        )
    }
    fresh: list[Document] = []
    for outcome, document in pending:
        if document.sha256 in known:
            outcome.duplicate_of = known[document.sha256]
            continue
        known[document.sha256] = document
        outcome.document = document
        fresh.append(document)
    bulk_insert(fresh)
    regions_insert(
        [r for document in fresh for r in import_regions(document, document.found_regions)]
    )
    bulk_insert([_created_entry(actor, document) for document in fresh])


def _check_source(project: Project, source: Source | None) -> None:
    if source is not None and source.project_id != project.pk:
        raise ValidationError({"source": "The source belongs to another project."})


@transaction.atomic
def document_update(*, actor, document: Document, **fields) -> Document:
    """Change a document's metadata; its text is immutable."""
    require_role(actor, document.project_id, Role.OWNER)
    unknown = set(fields) - set(DOCUMENT_METADATA_FIELDS)
    if unknown:
        raise ValidationError(
            dict.fromkeys(
                sorted(unknown), "Only metadata can change; a corrected text is a new document."
            )
        )
    # Lock and re-read the row: the caller's instance may already hold the new
    # values (a bound ModelForm mutates it), which would hide the change.
    document = Document.objects.select_for_update().get(pk=document.pk)
    if "source" in fields:
        _check_source(document.project, fields["source"])
    for name in ("metadata", "authors"):
        if name in fields:
            fields[name] = scrub_json(fields[name])
    if "published_on" in fields or "published" in fields:
        # published_on and published agree; a new partial date replaces an old full one.
        dates = SimpleNamespace(
            published_on=fields.get("published_on"),
            published=fields.get("published", ""),
        )
        fields["published_on"], fields["published"] = _published(dates)
    tracked_update(
        actor=actor,
        obj=document,
        data=fields,
        fields=DOCUMENT_METADATA_FIELDS,
        clean={
            "exclude": ["project", "created_by"],
            "validate_unique": False,
            "validate_constraints": False,
        },
    )
    return document


@transaction.atomic
def document_delete(*, actor, document: Document) -> None:
    """Delete a document without annotations; one with passages is protected."""
    require_role(actor, document.project_id, Role.OWNER)
    document.delete()
