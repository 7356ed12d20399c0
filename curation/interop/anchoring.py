"""Finding an item's document in the project, and its span in that document.

A document is matched by URL, DOI, SHA-256 of its text or title, in that order
(a criterion that names several documents is passed over), else it is the
document the file carries under that key, created in the project. A span is
taken at its offsets when the quote there matches, else found by its quote with
the API's rules (services.annotations.span_resolve).
"""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Q

from ..choices import Reliability, SourceKind
from ..models import Document, Project
from ..services.annotations import Span, span_resolve
from ..services.documents import DocumentInput, documents_import
from ..services.projects import source_get_or_create, source_update
from .items import DocumentRef, IncludedDocument, SpanRef

CRITERIA = ("url", "doi", "sha256", "title")


def error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in error.message_dict.items())
    return " ".join(error.messages)


class DocumentMatcher:
    """Matches DocumentRefs to the project's documents, creating the carried ones
    that nothing matches. `resolve()` once, after every `want()`."""

    def __init__(self, *, actor, project: Project, carried: dict[str, IncludedDocument], name: str):
        self.actor, self.project, self.carried, self.name = actor, project, carried, name
        self.refs: set[DocumentRef] = set()
        self.matched: dict[DocumentRef, int] = {}
        self.failed: dict[DocumentRef, str] = {}
        self.created: list[Document] = []
        self.texts: dict[int, Document] = {}

    def want(self, ref: DocumentRef) -> None:
        self.refs.add(ref)

    def resolve(self) -> None:
        index = self._index()
        to_create: dict[str, list[DocumentRef]] = defaultdict(list)
        for ref in self.refs:
            found = self._match(ref, index)
            if found is not None:
                self.matched[ref] = found
            elif ref.key and ref.key in self.carried:
                to_create[ref.key].append(ref)
            else:
                self.failed[ref] = f"no document of the project has {ref.describe()}"
        for key, pk in self._create(list(to_create)).items():
            for ref in to_create[key]:
                if isinstance(pk, str):
                    self.failed[ref] = pk
                else:
                    self.matched[ref] = pk
        ids = set(self.matched.values())
        self.texts = Document.objects.filter(project=self.project).in_bulk(ids) if ids else {}

    def document(self, ref: DocumentRef) -> tuple[Document | None, str]:
        pk = self.matched.get(ref)
        if pk is None:
            return None, self.failed.get(ref, f"no document of the project has {ref.describe()}")
        return self.texts[pk], ""

    # -- matching ----------------------------------------------------------------------

    def _index(self) -> dict[str, dict[str, list[int]]]:
        wanted = {name: {getattr(ref, name) for ref in self.refs} - {""} for name in CRITERIA}
        condition = Q(pk__in=[])
        for name, values in wanted.items():
            if values:
                condition |= Q(**{f"{name}__in": values})
        index: dict[str, dict[str, list[int]]] = {name: defaultdict(list) for name in CRITERIA}
        rows = Document.objects.filter(project=self.project).filter(condition)
        for row in rows.order_by("pk").values("pk", *CRITERIA):
            for name in CRITERIA:
                if row[name]:
                    index[name][row[name]].append(row["pk"])
        return index

    def _match(self, ref: DocumentRef, index) -> int | None:
        for name in CRITERIA:
            value = getattr(ref, name)
            found = index[name].get(value, []) if value else []
            if len(found) > 1 and ref.sha256:  # several: the one with this very text
                found = [pk for pk in found if pk in index["sha256"].get(ref.sha256, [])]
            if len(found) == 1:
                return found[0]
        return None

    # -- carried documents -------------------------------------------------------------

    def _create(self, keys: list[str]) -> dict[str, int | str]:
        """Create the carried documents `keys`, grouped by source: key → document
        id, or why it could not be created."""
        groups: dict[str, list[str]] = defaultdict(list)
        for key in keys:
            source = self.carried[key].source
            groups[source["name"] if source else ""].append(key)
        result: dict[str, int | str] = {}
        for source_name, members in groups.items():
            source = self._source(self.carried[members[0]].source) if source_name else None
            inputs = [self._input(self.carried[key]) for key in members]
            outcomes = list(
                documents_import(
                    actor=self.actor, project=self.project, items=inputs, source=source
                )
            )
            for key, outcome in zip(members, outcomes, strict=True):
                if outcome.document is not None:
                    self.created.append(outcome.document)
                    result[key] = outcome.document.pk
                elif outcome.duplicate_of is not None:
                    result[key] = outcome.duplicate_of.pk
                else:
                    result[key] = (
                        f"the document the file carries could not be created: {outcome.error}"
                    )
        return result

    def _source(self, info: dict):
        source, created = source_get_or_create(
            actor=self.actor, project=self.project, name=info["name"].strip()[:200]
        )
        if created:
            fields = {}
            if info.get("reliability") in Reliability.values:
                fields["reliability"] = info["reliability"]
            if info.get("kind") in SourceKind.values:
                fields["kind"] = info["kind"]
            if fields:
                source = source_update(actor=self.actor, source=source, **fields)
        return source

    def _input(self, carried: IncludedDocument) -> DocumentInput:
        try:
            published = (
                datetime.date.fromisoformat(carried.published_on) if carried.published_on else None
            )
        except ValueError:
            published = None
        return DocumentInput(
            text=carried.text,
            title=carried.title,
            authors=[a for a in carried.authors if isinstance(a, str)],
            published_on=published,
            url=carried.url,
            doi=carried.doi,
            language=carried.language[:16],
            metadata=carried.metadata,
            imported_from=f"annotations: {self.name}"[:1000],
        )


def span_anchor(document: Document, span: SpanRef) -> Span:
    """The span by position when its quote matches there, else by quote.
    Raises ValidationError (the API's message) when neither finds it."""
    if span.start is not None and span.end is not None:
        try:
            return span_resolve(document=document, start=span.start, end=span.end, exact=span.exact)
        except ValidationError:
            if not span.exact:
                raise
    if not span.exact:
        raise ValidationError({"exact": "The item gives neither a quote nor offsets."})
    return span_resolve(document=document, exact=span.exact, prefix=span.prefix, suffix=span.suffix)
