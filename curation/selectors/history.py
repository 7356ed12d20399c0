"""One object's change history: what the admin's History page and the API both show."""

from __future__ import annotations

from django.db import models

from ..models import HistoryEntry

# Newest first, as the admin lists it; the id breaks ties between equal timestamps.
HISTORY_ORDER = ("-at", "-pk")


def history_of(target: models.Model) -> models.QuerySet[HistoryEntry]:
    """The entries recorded on `target` (a claim, evidence link, source or document),
    with their actors, newest first. The caller has already scoped `target`."""
    return target.history.select_related("actor").order_by(*HISTORY_ORDER)
