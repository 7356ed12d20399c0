"""A claim's recent changes: who made them and what they changed (the admin's
stale-edit message and merge)."""

from ..models import Claim, HistoryEntry


def claim_recent_changes(claim: Claim, count: int) -> list[HistoryEntry]:
    """The claim's `count` newest history entries with their actors, oldest first.
    Every write that bumps a claim's version records one entry."""
    if count <= 0:
        return []
    entries = (
        HistoryEntry.objects.filter(claim_id=claim.pk)
        .select_related("actor")
        .order_by("-at", "-pk")[:count]
    )
    return list(reversed(entries))
