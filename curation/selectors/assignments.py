"""Assignment reads (issue 14): lists with each annotator's claim counts, and My work."""

from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)

from ..choices import AssignmentState, ClaimStatus
from ..models import Assignment, Claim

# My work shows what is under way first, then what waits, then what is finished.
STATE_ORDER = Case(
    When(state=AssignmentState.IN_PROGRESS, then=Value(0)),
    When(state=AssignmentState.ASSIGNED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _claims_by(status: str) -> Subquery:
    """How many claims the assignment's annotator made on its document, in `status`:
    a correlated COUNT, so a page of assignments is one query, however long."""
    claims = Claim.objects.filter(
        passage__document=OuterRef("document_id"), author=OuterRef("annotator_id"), status=status
    ).order_by()
    counted = claims.annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def with_claim_counts(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """`draft_count`, `submitted_count`, `accepted_count`, `rejected_count` on each row."""
    return assignments.annotate(
        **{f"{status}_count": _claims_by(status) for status in ClaimStatus.values}
    )


def assignments_listed(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """What a list of assignments shows: people, document title, counts (one query)."""
    return with_claim_counts(
        assignments.select_related("project", "annotator", "reviewer", "assigned_by")
        .select_related("document")
        .only(
            *(f.name for f in Assignment._meta.concrete_fields),
            "project__name",
            "project__slug",
            "document__title",
            "document__project_id",
            "annotator__username",
            "reviewer__username",
            "assigned_by__username",
        )
    )


def my_work(user, state: str | None = None) -> QuerySet[Assignment]:
    """The user's own assignments in projects they still belong to: under way first."""
    mine = Assignment.objects.visible_to(user).filter(annotator=user)
    if state:
        mine = mine.filter(state=state)
    return assignments_listed(mine).order_by(STATE_ORDER, "document__title", "pk")


def my_work_counts(user) -> dict[str, int]:
    """{state: how many} of the user's assignments, for the page's summary."""
    rows = (
        Assignment.objects.visible_to(user)
        .filter(annotator=user)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    counts = dict.fromkeys(AssignmentState.values, 0)
    counts.update(dict(rows))
    return counts


def document_assignment(user, document_id: int) -> Assignment | None:
    """The user's assignment of this document (for the workspace's Start / Mark done)."""
    return (
        Assignment.objects.visible_to(user)
        .filter(document_id=document_id, annotator=user)
        .only("pk", "state", "version", "annotator_id", "project_id", "document_id")
        .first()
    )
