"""The Admiralty grade of a claim, written once for models, API, filters and exports.

A claim's grade is its source's reliability letter (A best … F) followed by its
credibility digit (1 best … 6), e.g. "B2". A document without a source cannot
be judged: it counts as F everywhere (shown, filtered and exported as F).
"""

from django.db.models import Q, Value
from django.db.models.functions import Coalesce

from .choices import Reliability

NO_SOURCE = Reliability.F.value


def source_reliability(reliability: str | None) -> str:
    """The letter of a source's reliability; F when there is no source."""
    return reliability or NO_SOURCE


def grade(reliability: str | None, credibility: int) -> str:
    """The combined Admiralty grade, e.g. "B2"."""
    return f"{source_reliability(reliability)}{credibility}"


def source_reliability_column(source: str) -> Coalesce:
    """The same letter in SQL, for the source reached through the path `source`."""
    return Coalesce(f"{source}__reliability", Value(NO_SOURCE))


def reliability_among(source: str, letters) -> Q:
    """Rows whose source (through `source`) is graded one of `letters`; with F, the
    rows without a source too."""
    letters = list(letters)
    condition = Q(**{f"{source}__reliability__in": letters})
    if NO_SOURCE in letters:
        condition |= Q(**{f"{source}__isnull": True})
    return condition


def reliability_at_least(source: str, minimum: str) -> Q:
    """Rows whose source is graded `minimum` or better (A is best)."""
    return reliability_among(source, [r for r in Reliability.values if r <= minimum])
