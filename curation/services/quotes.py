"""Why a quote could not be placed, in a form a script (or the workspace) can act on.

The quote rules are text.locate_quote's; this adds what needs the database: which
occurrences lie in a repeat or boilerplate region.
"""

from django.core.exceptions import ValidationError

from ..models import Document, DocumentRegion
from ..text import QuoteAmbiguous, QuoteNotFound, SpanError, quote_context

# Occurrences listed in one answer (a quote of one word may occur thousands of times).
MAX_OCCURRENCES = 50


class QuoteNotPlaced(ValidationError):
    """A ValidationError whose `extra` (occurrences, suggestion) joins the 400 answer."""

    def __init__(self, message, extra: dict) -> None:
        super().__init__(message, code="invalid_span")
        self.extra = extra


def _occurrence(text: str, start: int, end: int, regions: list[tuple[int, int, str]]) -> dict:
    prefix, exact, suffix = quote_context(text, start, end)
    inside = next((kind for s, e, kind in regions if s <= start and end <= e), None)
    return {
        "start": start,
        "end": end,
        "prefix": prefix,
        "exact": exact,
        "suffix": suffix,
        "region": inside,
    }


def span_error(document: Document, error: SpanError) -> ValidationError:
    """The ValidationError for a span or quote that does not fit the document."""
    if isinstance(error, QuoteAmbiguous) and error.occurrences:
        regions = list(
            DocumentRegion.objects.filter(document_id=document.pk).values_list(
                "start", "end", "kind"
            )
        )
        listed = error.occurrences[:MAX_OCCURRENCES]
        return QuoteNotPlaced(
            {error.field: error.message},
            {
                "occurrences": [_occurrence(document.text, s, e, regions) for s, e in listed],
                "occurrence_count": error.count,
                "loose": error.loose,
            },
        )
    if isinstance(error, QuoteNotFound) and error.suggestion is not None:
        start, end = error.suggestion
        prefix, exact, suffix = quote_context(document.text, start, end)
        return QuoteNotPlaced(
            {error.field: error.message},
            {
                "did_you_mean": {
                    "start": start,
                    "end": end,
                    "prefix": prefix,
                    "exact": exact,
                    "suffix": suffix,
                }
            },
        )
    return ValidationError({error.field: error.message}, code="invalid_span")
