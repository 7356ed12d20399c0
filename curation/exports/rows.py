"""The one row iterator every export format is fed by.

Five queries stream side by side, each ordered by claim id (server-side
cursors on PostgreSQL, batched fetches on SQLite): the claims with their
passage, document and source; their evidence links; their topics; their
settled assessments (issue 15); their comments (issue 14). A merge on
claim id assembles one ClaimRow at a time, so memory does not grow with the
release and the number of queries does not grow with the number of claims.

On PostgreSQL each stream fetches its next batch on a helper thread while the
formats work on the current one. Given an exported snapshot, each stream also
runs on a connection of its own that imports it, so the three queries run on
three server processes at once and still read one consistent state of the
data (as `pg_dump --jobs` does). The database hands over UUIDs and timestamps
as the text the formats write (see sql.py): no per-value conversion in Python.
"""

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from itertools import chain

from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connections
from django.db.models import QuerySet
from psycopg import sql as pg_sql

from .. import grading
from ..models import Assessment, Claim, Comment, EvidenceLink
from ..selectors.releases import ReleaseFilter  # noqa: F401 (where callers found it)
from .background import prefetched
from .sql import IsoTimestamp, UuidText

CHUNK_SIZE = 2000
logger = logging.getLogger(__name__)


# The row classes are built positionally from the query's columns (CLAIM_COLUMNS,
# EVIDENCE_COLUMNS, _passage_columns): their fields keep the columns' order.
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
    reviewed_at: str | None  # ISO 8601, UTC, "Z"
    version: int
    created_at: str
    updated_at: str
    author: str | None
    reviewer: str | None
    source_id: int | None
    source_name: str | None
    source_reliability: str  # F when there is no source
    passage: PassageRow
    topics: list[str] = field(default_factory=list)
    evidence: list[EvidenceRow] = field(default_factory=list)
    # Issue 15: assessments of the claim's settled rounds (open ones are blind).
    assessments: list["AssessmentRow"] = field(default_factory=list)
    # Issue 14: the claim's discussion, oldest first (retracted ones keep their place).
    comments: list["CommentRow"] = field(default_factory=list)

    @property
    def grade(self) -> str:
        return grading.grade(self.source_reliability, self.credibility)


@dataclass(slots=True)
class AssessmentRow:
    uuid: str
    round: int
    state: str  # how the round was settled: agreed, disputed, adjudicated
    assessor: str
    credibility: int
    kind: str
    submitted_at: str
    stances: dict[str, str] = field(default_factory=dict)  # evidence uuid -> stance


@dataclass(slots=True)
class CommentRow:
    uuid: str
    parent: str | None  # the uuid of the comment it replies to
    author: str | None
    body: str  # empty once retracted
    created_at: str
    edited_at: str | None
    retracted_at: str | None


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


PASSAGE_WIDTH = len(_passage_columns(""))
CLAIM_COLUMNS = [
    "id",
    UuidText("uuid"),
    "statement",
    "kind",
    "attributed_to",
    "credibility",
    "status",
    "review_note",
    IsoTimestamp("reviewed_at"),
    "version",
    IsoTimestamp("created_at"),
    IsoTimestamp("updated_at"),
    "author__username",
    "reviewer__username",
    "passage__document__source_id",
    "passage__document__source__name",
    grading.source_reliability_column("passage__document__source"),
    *_passage_columns("passage__"),
]
ASSESSMENT_COLUMNS = [
    "claim_id",
    UuidText("uuid"),
    "round__number",
    "round__state",
    "assessor__username",
    "credibility",
    "kind",
    IsoTimestamp("submitted_at"),
    UuidText("stances__evidence__uuid"),
    "stances__stance",
]
COMMENT_COLUMNS = [
    "claim_id",
    UuidText("uuid"),
    UuidText("parent__uuid"),
    "author__username",
    "body",
    IsoTimestamp("created_at"),
    IsoTimestamp("edited_at"),
    IsoTimestamp("retracted_at"),
]
EVIDENCE_COLUMNS = [
    "claim_id",
    "id",
    UuidText("uuid"),
    "stance",
    "note",
    "author__username",
    *_passage_columns("passage__"),
]


def claim_rows(
    claims: QuerySet, chunk_size: int = CHUNK_SIZE, *, snapshot: str | None = None
) -> Iterator[ClaimRow]:
    """ClaimRows of `claims` in id order, with their topics and evidence.

    `snapshot`: an id from `pg_export_snapshot()` in the caller's open transaction;
    the streams then read on their own connections, in that snapshot. (They do not
    see that transaction's own uncommitted writes: pass it only when the claims
    were all committed before it began.)

    Close the iterator (or exhaust it) to stop its helper threads.
    """
    claim_ids = claims.values("pk")
    querysets = [
        claims.order_by("id").values_list(*CLAIM_COLUMNS),
        EvidenceLink.objects.filter(claim__in=claim_ids)
        .order_by("claim_id", "id")
        .values_list(*EVIDENCE_COLUMNS),
        Claim.topics.through.objects.filter(claim__in=claim_ids)
        .order_by("claim_id", "topic__name")
        .values_list("claim_id", "topic__name"),
        Assessment.objects.filter(claim__in=claim_ids, status="submitted")
        .exclude(round__state="open")
        .order_by("claim_id", "round__number", "assessor__username", "id", "stances__id")
        .values_list(*ASSESSMENT_COLUMNS),
        Comment.objects.filter(claim__in=claim_ids)
        .order_by("claim_id", "created_at", "id")
        .values_list(*COMMENT_COLUMNS),
    ]
    # psycopg's connections are thread-safe (one statement at a time); sqlite3's are
    # not shared between threads here, and a local file has no wait worth overlapping.
    read_ahead = connections[claims.db].vendor == "postgresql"
    with ExitStack() as stack:  # helper threads stop before their cursors close
        streams = []
        for queryset in querysets:
            connection = None
            if snapshot is not None:
                connection = stack.enter_context(_connection_in(snapshot, queryset.db))
            connection = connection or connections[queryset.db]
            batches = _batches(stack.enter_context(_cursor(queryset, connection)), chunk_size)
            if read_ahead:
                batches = stack.enter_context(prefetched(batches, name="release-rows"))
            streams.append(chain.from_iterable(batches))
        yield from _merged(*streams)


@contextmanager
def _connection_in(snapshot: str, alias: str):
    """A new connection whose read-only transaction sees exactly `snapshot`, or None
    when there is none to be had (the server's connection limit, a pooler that
    cannot share snapshots): the stream then reads on the cut's own connection,
    which sees the same snapshot, only without the parallelism."""
    connection = connections.create_connection(alias)
    try:
        yield connection if _imports(connection, snapshot) else None
    finally:
        connection.close()  # ends (rolls back) the read-only transaction


def _imports(connection, snapshot: str) -> bool:
    try:
        connection.set_autocommit(False)  # a server-side cursor lives in a transaction
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            # A utility statement takes no bound parameters (server-side binding):
            # the id goes in as a literal, quoted by psycopg.
            quoted = pg_sql.quote(snapshot, connection.connection)
            cursor.execute(f"SET TRANSACTION SNAPSHOT {quoted}")
    except DatabaseError:
        logger.warning(
            "A release stream could not open its own connection; it reads on the cut's.",
            exc_info=True,
        )
        return False
    return True


@contextmanager
def _cursor(queryset: QuerySet, connection):
    """The driver's cursor over the rows of `queryset`, executed on this thread."""
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        yield _NoRows()
        return
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        yield cursor.cursor


class _NoRows:
    def fetchmany(self, size: int) -> list:
        return []


def _batches(cursor, size: int) -> Iterator[list[tuple]]:
    while batch := cursor.fetchmany(size):
        yield batch


def _merged(
    claims: Iterator,
    evidence: Iterator,
    topics: Iterator,
    assessments: Iterator | None = None,
    comments: Iterator | None = None,
) -> Iterator[ClaimRow]:
    next_comment = next(comments, None) if comments is not None else None
    next_evidence = next(evidence, None)
    next_topic = next(topics, None)
    next_assessment = next(assessments, None) if assessments is not None else None
    split = -PASSAGE_WIDTH
    for values in claims:
        row = ClaimRow(*values[:split], PassageRow(*values[split:]))
        claim_id = row.id
        while next_topic is not None and next_topic[0] == claim_id:
            row.topics.append(next_topic[1])
            next_topic = next(topics, None)
        while next_evidence is not None and next_evidence[0] == claim_id:
            row.evidence.append(
                EvidenceRow(*next_evidence[1:split], PassageRow(*next_evidence[split:]))
            )
            next_evidence = next(evidence, None)
        while next_assessment is not None and next_assessment[0] == claim_id:
            # One row per stance (or one with none): consecutive rows of one assessment.
            if not row.assessments or row.assessments[-1].uuid != next_assessment[1]:
                row.assessments.append(AssessmentRow(*next_assessment[1:8]))
            if next_assessment[8] is not None:
                row.assessments[-1].stances[next_assessment[8]] = next_assessment[9]
            next_assessment = next(assessments, None)
        while next_comment is not None and next_comment[0] == claim_id:
            row.comments.append(CommentRow(*next_comment[1:]))
            next_comment = next(comments, None)
        yield row
