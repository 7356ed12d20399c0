"""The one row iterator every export format is fed by.

Three queries stream side by side, each ordered by claim id (server-side
cursors on PostgreSQL, batched fetches on SQLite): the claims with their
passage, document and source; their evidence links; their topics. A merge on
claim id assembles one ClaimRow at a time, so memory does not grow with the
release and the number of queries does not grow with the number of claims.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet

from ..choices import ClaimStatus, Reliability
from ..models import Claim, EvidenceLink, Project

CHUNK_SIZE = 2000


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

    def as_dict(self) -> dict:
        return {
            "statuses": list(self.statuses),
            "topics": list(self.topics),
            "documents": list(self.documents),
            "min_credibility": self.min_credibility,
            "min_source_reliability": self.min_source_reliability,
        }

    def claims(self, project: Project) -> QuerySet:
        claims = Claim.objects.filter(project=project, status__in=self.statuses)
        if self.topics:
            claims = claims.filter(
                pk__in=Claim.topics.through.objects.filter(
                    topic__project=project, topic__name__in=self.topics
                ).values("claim_id")
            )
        if self.documents:
            claims = claims.filter(passage__document__in=self.documents)
        if self.min_credibility is not None:
            claims = claims.filter(credibility__lte=self.min_credibility)
        if self.min_source_reliability is not None:
            allowed = [r for r in Reliability.values if r <= self.min_source_reliability]
            condition = Q(passage__document__source__reliability__in=allowed)
            if Reliability.F in allowed:  # no source counts as F (cannot be judged)
                condition |= Q(passage__document__source__isnull=True)
            claims = claims.filter(condition)
        return claims


@dataclass(slots=True)
class PassageRow:
    id: int
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    document_id: int
    document_title: str
    document_url: str
    document_doi: str
    document_sha256: str


@dataclass(slots=True)
class EvidenceRow:
    id: int
    uuid: str
    stance: str
    note: str
    author: str | None
    passage: PassageRow


@dataclass(slots=True)
class ClaimRow:
    id: int
    uuid: str
    statement: str
    kind: str
    attributed_to: str
    credibility: int
    status: str
    review_note: str
    reviewed_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
    author: str | None
    reviewer: str | None
    passage: PassageRow
    source_id: int | None
    source_name: str | None
    source_reliability: str
    topics: list[str] = field(default_factory=list)
    evidence: list[EvidenceRow] = field(default_factory=list)

    @property
    def grade(self) -> str:
        return f"{self.source_reliability}{self.credibility}"


def _passage_columns(prefix: str) -> list[str]:
    return [
        f"{prefix}id",
        f"{prefix}start",
        f"{prefix}end",
        f"{prefix}exact",
        f"{prefix}prefix",
        f"{prefix}suffix",
        f"{prefix}document_id",
        f"{prefix}document__title",
        f"{prefix}document__url",
        f"{prefix}document__doi",
        f"{prefix}document__sha256",
    ]


CLAIM_COLUMNS = [
    "id",
    "uuid",
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
    "author__username",
    "reviewer__username",
    *_passage_columns("passage__"),
    "passage__document__source_id",
    "passage__document__source__name",
    "passage__document__source__reliability",
]
EVIDENCE_COLUMNS = [
    "claim_id",
    "id",
    "uuid",
    "stance",
    "note",
    "author__username",
    *_passage_columns("passage__"),
]


def claim_rows(claims: QuerySet, chunk_size: int = CHUNK_SIZE) -> Iterator[ClaimRow]:
    """ClaimRows of `claims` in id order, with their topics and evidence."""
    claim_ids = claims.values("pk")
    claim_stream = claims.order_by("id").values_list(*CLAIM_COLUMNS).iterator(chunk_size)
    evidence_stream = (
        EvidenceLink.objects.filter(claim__in=claim_ids)
        .order_by("claim_id", "id")
        .values_list(*EVIDENCE_COLUMNS)
        .iterator(chunk_size)
    )
    topic_stream = (
        Claim.topics.through.objects.filter(claim__in=claim_ids)
        .order_by("claim_id", "topic__name")
        .values_list("claim_id", "topic__name")
        .iterator(chunk_size)
    )
    next_evidence = next(evidence_stream, None)
    next_topic = next(topic_stream, None)
    for values in claim_stream:
        row = _claim_row(values)
        while next_topic is not None and next_topic[0] == row.id:
            row.topics.append(next_topic[1])
            next_topic = next(topic_stream, None)
        while next_evidence is not None and next_evidence[0] == row.id:
            row.evidence.append(_evidence_row(next_evidence))
            next_evidence = next(evidence_stream, None)
        yield row


def _passage(values: tuple) -> PassageRow:
    return PassageRow(*values)


def _claim_row(v: tuple) -> ClaimRow:
    return ClaimRow(
        id=v[0],
        uuid=str(v[1]),
        statement=v[2],
        kind=v[3],
        attributed_to=v[4],
        credibility=v[5],
        status=v[6],
        review_note=v[7],
        reviewed_at=v[8],
        version=v[9],
        created_at=v[10],
        updated_at=v[11],
        author=v[12],
        reviewer=v[13],
        passage=_passage(v[14:25]),
        source_id=v[25],
        source_name=v[26],
        source_reliability=v[27] or Reliability.F.value,
    )


def _evidence_row(v: tuple) -> EvidenceRow:
    return EvidenceRow(
        id=v[1], uuid=str(v[2]), stance=v[3], note=v[4], author=v[5], passage=_passage(v[6:17])
    )
