"""Passages: checked spans of a document's text, found or created once."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q

from ...choices import Role
from ...models import Document, Passage
from ...text import SpanError, check_span, locate_quote, normalize_quote, quote_context
from ..access import require_role
from ..quotes import span_error


@dataclass(frozen=True)
class Span:
    """A span of a document's text, checked: offsets, quote and its context."""

    document: Document
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    loose: bool = False  # found by a quote that matched only loosely (text.locate_quote)

    def passage(self, actor) -> Passage:
        """The unsaved passage of this span, created by `actor`."""
        return Passage(
            document=self.document,
            start=self.start,
            end=self.end,
            exact=self.exact,
            prefix=self.prefix,
            suffix=self.suffix,
            created_by=actor if actor.is_authenticated else None,
        )


def span_resolve(
    *,
    document: Document,
    start: int | None = None,
    end: int | None = None,
    exact: str | None = None,
    prefix: str = "",
    suffix: str = "",
) -> Span:
    """The span at start/end (checked against `exact` if given) or found by quote.

    Offsets are code points of the normalised text. Reads the text only: a
    ValidationError names the field that is wrong, and nothing was written.
    """
    text = document.text
    loose = False
    if exact is not None:
        exact = normalize_quote(exact)
    try:
        if start is None and end is None:
            if not exact:
                raise SpanError("exact", "Give start and end, or the quote to find.")
            start, end, loose = locate_quote(
                text, exact, normalize_quote(prefix or ""), normalize_quote(suffix or "")
            )
        elif start is None or end is None:
            missing = "start" if start is None else "end"
            raise SpanError(missing, "Give both start and end (or neither, with a quote).")
        else:
            check_span(text, start, end, exact)
    except SpanError as error:
        raise span_error(document, error) from None
    before, quote, after = quote_context(text, start, end)
    return Span(document, start, end, quote, before, after, loose)


def passages_for(actor, spans: Sequence[Span]) -> list[Passage]:
    """The passage of each span, created where it does not exist yet.

    One INSERT … ON CONFLICT DO NOTHING and one SELECT for all of them: no
    savepoints, and a span created meanwhile by someone else is simply found.
    (No RETURNING: it is empty for the rows that conflicted.)
    """
    if not spans:
        return []
    new = {(span.document.pk, span.start, span.end): span.passage(actor) for span in spans}
    Passage.objects.bulk_create(new.values(), ignore_conflicts=True)
    which = reduce(or_, (Q(document_id=d, start=s, end=e) for d, s, e in new))
    found = {(p.document_id, p.start, p.end): p for p in Passage.objects.filter(which)}
    try:
        passages = [found[span.document.pk, span.start, span.end] for span in spans]
    except KeyError:
        # SQLite's INSERT OR IGNORE also skips rows a CHECK refuses; the spans
        # were checked above, so this is a bug, not bad input.
        raise IntegrityError("A passage was not stored: a constraint refused it.") from None
    for span, passage in zip(spans, passages, strict=True):
        passage.document = span.document  # loaded already, text included
    return passages


def passage_create(
    *,
    actor,
    document: Document,
    start: int | None = None,
    end: int | None = None,
    exact: str | None = None,
    prefix: str = "",
    suffix: str = "",
) -> Passage:
    """The passage at start/end or found by quote (see `span_resolve`).

    An existing passage with the same span is returned rather than duplicated.
    """
    require_role(actor, document.project_id, Role.ANNOTATOR)
    span = span_resolve(
        document=document, start=start, end=end, exact=exact, prefix=prefix, suffix=suffix
    )
    passage = passages_for(actor, [span])[0]
    passage.quote_match = "loose" if span.loose else "exact"
    return passage


@transaction.atomic
def passage_delete(*, actor, passage: Passage) -> None:
    """Delete an unused passage (its author, or a reviewer); a used one is protected."""
    role = require_role(actor, passage.document.project_id, Role.ANNOTATOR)
    if not role.allows(Role.REVIEWER) and passage.created_by_id != actor.pk:
        raise PermissionDenied("Annotators delete only passages they created.")
    passage.delete()
