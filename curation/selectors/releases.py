"""Which claims a release holds: one filter, read by the release cut and the exports."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from ..choices import ClaimStatus
from ..grading import reliability_at_least
from ..models import AssessmentRound, Claim, Document, EvidenceLink, Passage, Project


@dataclass(frozen=True)
class ReleaseFilter:
    """What goes into a release: by default accepted claims only."""

    statuses: tuple[str, ...] = (ClaimStatus.ACCEPTED,)
    topics: tuple[str, ...] = ()
    documents: tuple[int, ...] = ()
    # Admiralty scales run from best to worst: credibility 1 and reliability A are best,
    # so a minimum of 2 keeps 1 and 2, and a minimum of "B" keeps A and B.
    min_credibility: int | None = None
    min_source_reliability: str | None = None
    # Issue 15: "agreed" keeps claims whose assessors agreed; "adjudicated" also
    # those an adjudicator settled.
    min_agreement: str | None = None

    def as_dict(self) -> dict:
        return {
            "statuses": list(self.statuses),
            "topics": list(self.topics),
            "documents": list(self.documents),
            "min_credibility": self.min_credibility,
            "min_source_reliability": self.min_source_reliability,
            # Only when asked for: earlier releases' filters read as before.
            **({"min_agreement": self.min_agreement} if self.min_agreement else {}),
        }


def release_claims(*, project: Project | int, filter: ReleaseFilter) -> QuerySet:
    """The claims of `project` that `filter` selects (unordered, not scoped to a user:
    the caller checked the role)."""
    project_id = getattr(project, "pk", project)
    claims = Claim.objects.filter(project_id=project_id, status__in=filter.statuses)
    if filter.topics:
        claims = claims.filter(
            pk__in=Claim.topics.through.objects.filter(
                topic__project_id=project_id, topic__name__in=filter.topics
            ).values("claim_id")
        )
    if filter.documents:
        claims = claims.filter(passage__document__in=filter.documents)
    if filter.min_credibility is not None:
        claims = claims.filter(credibility__lte=filter.min_credibility)
    if filter.min_source_reliability is not None:
        claims = claims.filter(
            reliability_at_least("passage__document__source", filter.min_source_reliability)
        )
    if filter.min_agreement is not None:
        states = ["agreed"] if filter.min_agreement == "agreed" else ["agreed", "adjudicated"]
        settled = AssessmentRound.objects.filter(project_id=project_id, state__in=states)
        claims = claims.filter(pk__in=settled.values("claim_id"))
    return claims


def release_preview(*, project: Project | int, filter: ReleaseFilter) -> dict[str, int]:
    """What a cut with `filter` would hold, counted as the cut counts it: the claims,
    their evidence links, and the documents of both (the claims' passages and the
    evidence's). Three aggregate queries over the same release_claims()."""
    claims = release_claims(project=project, filter=filter)
    claim_ids = claims.values("pk")
    evidence = EvidenceLink.objects.filter(claim__in=claim_ids)
    passages = Passage.objects.filter(
        Q(claims__in=claim_ids) | Q(evidence_links__in=evidence.values("pk"))
    )
    documents = Document.objects.filter(pk__in=passages.values("document_id"))
    return {
        "claims": claims.count(),
        "evidence_links": evidence.count(),
        "documents": documents.count(),
    }
