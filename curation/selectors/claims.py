"""Claims as the API shows them: one read for lists, details and the answers to writes."""

from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, prefetch_related_objects

from ..models import AssessmentRound, Claim, EvidenceLink, Topic
from ..models.assessments import OPEN_STATES

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
    """`claims` (scoped and filtered by the caller) joined to what `ClaimSerializer`
    shows: passage, document title, source grade, usernames; and whether each has
    topics and evidence, which `claims_complete` then loads for the page."""
    return (
        claims.select_related("passage__document__source", "author", "reviewer")
        .only(*_CLAIM)
        .annotate(
            has_topics=Exists(Claim.topics.through.objects.filter(claim=OuterRef("pk"))),
            has_evidence=Exists(EvidenceLink.objects.filter(claim=OuterRef("pk"))),
            # Issue 15: accept/reject wait for its assessments (claim_permissions reads it,
            # so the review queue offers only the moves the server would allow).
            assessments_open=Exists(
                AssessmentRound.objects.filter(claim=OuterRef("pk"), state__in=OPEN_STATES)
            ),
            # Issue 14: four eyes, so one's own claim offers no accept/reject.
            project_four_eyes=F("project__four_eyes"),
        )
    )


def _related():
    evidence = (
        EvidenceLink.objects.select_related("passage__document", "author")
        .only(*_EVIDENCE)
        .order_by("claim_id", "pk")
    )
    return {
        # The serializer sorts topic names itself (by code point).
        "has_topics": Prefetch("topics", Topic.objects.only("name").order_by()),
        "has_evidence": Prefetch("evidence", evidence),
    }


def claims_complete(claims: list[Claim]) -> list[Claim]:
    """The topics and evidence of a page of `claims_for_api`: one query each for
    the claims that have some, none when none has (claims often have neither)."""
    for flag, lookup in _related().items():
        some = [claim for claim in claims if getattr(claim, flag)]
        if some:
            prefetch_related_objects(some, lookup)
        # The others get an empty, already evaluated result, as prefetch_related
        # stores one (no query, and no SQL compiled for a none()).
        empty = lookup.queryset.none()
        empty._result_cache, empty._prefetch_done = [], True
        for claim in claims:
            if not getattr(claim, flag):
                claim.__dict__.setdefault("_prefetched_objects_cache", {})
                claim._prefetched_objects_cache[lookup.prefetch_to] = empty
    return claims


def claims_read(ids: Iterable[int]) -> list[Claim]:
    """The claims with these ids as the API shows them, in the order given (the
    answer to a create: no scoping, the caller wrote them)."""
    ids = list(ids)
    found = claims_for_api(Claim.objects.filter(pk__in=ids)).in_bulk()
    return claims_complete([found[pk] for pk in ids])


def topics_named(project_id: int, names: Iterable[str]) -> dict[str, Topic]:
    """The project's topics among `names`, by name (unknown names are absent)."""
    return {
        topic.name: topic
        for topic in Topic.objects.filter(project_id=project_id, name__in=list(names)).order_by()
    }
