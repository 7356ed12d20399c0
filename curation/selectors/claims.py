"""Claims as the API shows them: one read for lists, details and the answers to writes."""

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from ..models import Claim, EvidenceLink, Topic

# What `ClaimSerializer` reads of a passage: never the document's text.
_PASSAGE = ("document_id", "start", "end", "exact", "prefix", "suffix", "document__title")
_CLAIM = (
    "uuid",
    "project_id",
    "statement",
    "kind",
    "attributed_to",
    "credibility",
    "status",
    "review_note",
    "reviewed_at",
    "version",
    "created_at",
    "updated_at",
    *(f"passage__{name}" for name in _PASSAGE),
    "passage__document__source__reliability",
    "author__username",
    "reviewer__username",
)
_EVIDENCE = (
    "claim_id",
    "stance",
    "note",
    "created_at",
    *(f"passage__{name}" for name in _PASSAGE),
    "author__username",
)


def claims_for_api(claims: QuerySet) -> QuerySet:
    """`claims` (scoped and filtered by the caller) with what `ClaimSerializer` shows,
    in three queries whatever the page size: the claims joined to their passage,
    document title, source grade and usernames; their topics; their evidence."""
    evidence = (
        EvidenceLink.objects.select_related("passage__document", "author")
        .only(*_EVIDENCE)
        .order_by("claim_id", "pk")
    )
    return (
        claims.select_related("passage__document__source", "author", "reviewer")
        .only(*_CLAIM)
        .prefetch_related(
            # The serializer sorts topic names itself (by code point).
            Prefetch("topics", Topic.objects.only("name").order_by()),
            Prefetch("evidence", evidence),
        )
    )


def claims_read(ids: Iterable[int]) -> list[Claim]:
    """The claims with these ids as the API shows them, in the order given (the
    answer to a create: no scoping, the caller wrote them)."""
    ids = list(ids)
    found = claims_for_api(Claim.objects.filter(pk__in=ids)).in_bulk()
    return [found[pk] for pk in ids]


def topics_named(project_id: int, names: Iterable[str]) -> dict[str, Topic]:
    """The project's topics among `names`, by name (unknown names are absent)."""
    return {
        topic.name: topic
        for topic in Topic.objects.filter(project_id=project_id, name__in=list(names)).order_by()
    }
