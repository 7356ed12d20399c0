"""How far a project's assessors agree (issue 15): α, pairs, spans, time.

The assessment matrix is read in one streamed query (`assessment_matrix`), turned
into numpy value counts, and Krippendorff's α comes from the `krippendorff`
package, one call per measure. Only rounds no longer open count: while a round
is open its assessments are blind, and figures over them could unblind them.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth, ExtractYear

from ..choices import AssessmentStatus, ClaimKind, RoundState, Stance
from ..models import Assessment, AssessmentRound, Claim, Project
from .alpha import (  # noqa: F401  (re-exported: the statistics' tests import them here)
    alpha,
    alphas_for_weights,
    bootstrap_alphas,
    measure,
    value_counts,
)

CREDIBILITY_DOMAIN = [1, 2, 3, 4, 5, 6]
KINDS = list(ClaimKind.values)
STANCES = list(Stance.values)
MATRIX_COLUMNS = (
    "round_id",
    "claim_id",
    "assessor_id",
    "credibility",
    "kind",
    "month",
    "stances__evidence_id",
    "stances__stance",
)


@contextmanager
def whole_reads():
    """A transaction whose cursors PostgreSQL plans for reading every row.

    A declared (server-side) cursor is planned for its first 10 % of rows
    (cursor_tuple_fraction), which favours index-ordered nested loops: right for
    a page, slow for the whole matrix. These reads consume all their rows.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        yield


@dataclass(frozen=True)
class AgreementFilter:
    """Which claims count: a topic, a set of documents, a date range (inclusive)."""

    topic: int | None = None
    documents: tuple[int, ...] = ()
    since: datetime.date | None = None
    until: datetime.date | None = None

    def as_dict(self) -> dict:
        return {
            "topic": self.topic,
            "documents": list(self.documents),
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }


def _claim_filter(prefix: str, filters: AgreementFilter) -> Q:
    q = Q()
    if filters.topic is not None:
        q &= Q(**{f"{prefix}topics": filters.topic})
    if filters.documents:
        q &= Q(**{f"{prefix}passage__document__in": filters.documents})
    return q


def assessment_matrix(
    project: Project | int, filters: AgreementFilter, *, timestamps: bool = False
) -> Iterator[tuple]:
    """Submitted assessments of settled or disputed rounds, one row per stance
    (or one with stance None), ordered by round and assessor: one streamed query."""
    rows = Assessment.objects.filter(
        _claim_filter("claim__", filters),
        project=project,
        status=AssessmentStatus.SUBMITTED,
    ).exclude(round__state=RoundState.OPEN)
    if filters.since:
        rows = rows.filter(submitted_at__date__gte=filters.since)
    if filters.until:
        rows = rows.filter(submitted_at__date__lte=filters.until)
    # The month as a number (YYYYMM), computed by the database: an aware datetime
    # per row would be most of the read's Python time.
    month = ExtractYear("submitted_at") * 100 + ExtractMonth("submitted_at")
    columns = list(MATRIX_COLUMNS)
    if timestamps:  # the CSV download: when, exactly
        columns[5] = "submitted_at"
    return (
        rows.annotate(month=month)
        .order_by("round_id", "assessor_id", "stances__evidence_id")
        .values_list(*columns)
        .iterator(chunk_size=10_000)
    )


@dataclass
class Matrix:
    """The assessment matrix as parallel arrays, one entry per assessment."""

    item: list[int] = field(default_factory=list)  # index of the round
    assessor: list[int] = field(default_factory=list)  # user id
    credibility: list[int] = field(default_factory=list)
    kind: list[int] = field(default_factory=list)  # index in KINDS
    period: list[str] = field(default_factory=list)  # "YYYY-MM" of submission
    stance_item: list[int] = field(default_factory=list)  # index of (round, evidence)
    stance: list[int] = field(default_factory=list)  # index in STANCES
    rounds: list[int] = field(default_factory=list)  # round id per item index
    stance_items: int = 0


def read_matrix(rows) -> Matrix:
    matrix = Matrix()
    kinds = {kind: i for i, kind in enumerate(KINDS)}
    stances = {stance: i for i, stance in enumerate(STANCES)}
    stance_keys: dict[tuple[int, int], int] = {}
    last = None
    for round_id, _claim, assessor, credibility, kind, submitted, evidence, stance in rows:
        if (round_id, assessor) != last:
            if not matrix.rounds or matrix.rounds[-1] != round_id:
                matrix.rounds.append(round_id)
            last = (round_id, assessor)
            matrix.item.append(len(matrix.rounds) - 1)
            matrix.assessor.append(assessor)
            matrix.credibility.append(credibility)
            matrix.kind.append(kinds[kind])
            matrix.period.append(f"{submitted // 100:04d}-{submitted % 100:02d}")
        if evidence is not None:
            key = stance_keys.setdefault((round_id, evidence), len(stance_keys))
            matrix.stance_item.append(key)
            matrix.stance.append(stances[stance])
    matrix.stance_items = len(stance_keys)
    return matrix


def pairwise(matrix: Matrix, tolerance: int) -> dict[tuple[int, int], list[int]]:
    """{(a, b): [items in common, credibility agreed, kind agreed, both agreed]}, a < b.

    Each item's assessments are adjacent (the read is ordered by round), so the
    pairs are entries i and i + j of the same item: vectorised, no loop per item.
    """
    item = np.asarray(matrix.item)
    who = np.asarray(matrix.assessor)
    cred = np.asarray(matrix.credibility)
    kind = np.asarray(matrix.kind)
    result: dict[tuple[int, int], np.ndarray] = defaultdict(lambda: np.zeros(4, dtype=np.int64))
    if not len(item):
        return {}
    longest = int(np.bincount(item).max())
    for j in range(1, longest):
        same = item[:-j] == item[j:]
        a, b = who[:-j][same], who[j:][same]
        c = np.abs(cred[:-j][same] - cred[j:][same]) <= tolerance
        k = kind[:-j][same] == kind[j:][same]
        low, high = np.minimum(a, b), np.maximum(a, b)
        for key in set(zip(low.tolist(), high.tolist(), strict=True)):
            pick = (low == key[0]) & (high == key[1])
            result[key] += [int(pick.sum()), int(c[pick].sum()), int(k[pick].sum()),
                            int((c & k)[pick].sum())]  # fmt: skip
    return {key: value.tolist() for key, value in result.items()}


def over_time(matrix: Matrix) -> list[dict]:
    """α of credibility and kind per month in which the assessments were submitted."""
    if not matrix.item:
        return []
    item = np.asarray(matrix.item)
    period_of_item = {}
    for i, period in zip(matrix.item, matrix.period, strict=True):
        period_of_item[i] = max(period, period_of_item.get(i, ""))
    periods = sorted(set(period_of_item.values()))
    item_period = np.array([period_of_item[i] for i in range(len(matrix.rounds))])
    cred = value_counts(item, np.asarray(matrix.credibility) - 1, len(matrix.rounds), 6)
    kind = value_counts(item, matrix.kind, len(matrix.rounds), len(KINDS))
    rows = []
    for period in periods:
        chosen = item_period == period
        rows.append(
            {
                "period": period,
                "items": int(chosen.sum()),
                "credibility": _rounded(alpha(cred[chosen], "ordinal", CREDIBILITY_DOMAIN)),
                "kind": _rounded(alpha(kind[chosen], "nominal", KINDS)),
            }
        )
    return rows


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def span_agreement(project: Project | int, filters: AgreementFilter) -> dict[tuple, dict]:
    """Claim passages of each pair of annotators on the documents both annotated.

    Exact: the same [start, end). Overlap: sharing at least one character. For the
    pair (a, b), precision is the share of b's passages that a also marked, recall
    the share of a's that b also marked (a < b by user id). One streamed query.
    """
    claims = Claim.objects.filter(_claim_filter("", filters), project=project, author__isnull=False)
    if filters.since:
        claims = claims.filter(created_at__date__gte=filters.since)
    if filters.until:
        claims = claims.filter(created_at__date__lte=filters.until)
    rows = (
        claims.order_by("passage__document_id")
        .values_list("passage__document_id", "author_id", "passage__start", "passage__end")
        .distinct()
        .iterator(chunk_size=10_000)
    )
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0] * 6)
    for _document, spans in itertools.groupby(rows, key=lambda row: row[0]):
        by_author: dict[int, set] = defaultdict(set)
        for _doc, author, start, end in spans:
            by_author[author].add((start, end))
        for a, b in itertools.combinations(sorted(by_author), 2):
            first, second = by_author[a], by_author[b]
            exact = len(first & second)
            t = totals[(a, b)]
            t[0] += 1  # documents
            t[1] += len(first)
            t[2] += len(second)
            t[3] += exact
            t[4] += _overlapping(second, first)  # b's passages that a also marked
            t[5] += _overlapping(first, second)  # a's passages that b also marked
    return {
        pair: {
            "documents": t[0],
            "passages_a": t[1],
            "passages_b": t[2],
            "exact": _prf(t[3], t[2], t[3], t[1]),
            "overlap": _prf(t[4], t[2], t[5], t[1]),
        }
        for pair, t in totals.items()
    }


def _overlapping(spans: set, reference: set) -> int:
    """How many of `spans` share a character with some span of `reference`."""
    ordered = sorted(reference)
    starts = [start for start, _ in ordered]
    reach = list(itertools.accumulate((end for _, end in ordered), max))
    found = 0
    for start, end in spans:
        before = bisect.bisect_left(starts, end)  # reference spans starting before `end`
        if before and reach[before - 1] > start:
            found += 1
    return found


def _prf(matched_b: int, total_b: int, matched_a: int, total_a: int) -> dict:
    precision = matched_b / total_b if total_b else None
    recall = matched_a / total_a if total_a else None
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision is not None and recall is not None and precision + recall
        else 0.0
        if precision is not None and recall is not None
        else None
    )
    return {
        "precision": _rounded(precision),
        "recall": _rounded(recall),
        "f1": _rounded(f1),
    }


def round_counts(project: Project | int, filters: AgreementFilter) -> dict[str, int]:
    rounds = AssessmentRound.objects.filter(_claim_filter("claim__", filters), project=project)
    if filters.since:
        rounds = rounds.filter(created_at__date__gte=filters.since)
    if filters.until:
        rounds = rounds.filter(created_at__date__lte=filters.until)
    counts = dict(rounds.order_by().values_list("state").annotate(n=Count("id")))
    return {state: counts.get(state, 0) for state in RoundState.values}


def project_agreement(project: Project, filters: AgreementFilter | None = None) -> dict:
    """Every agreement figure of a project, as the API and the admin page show them."""
    filters = filters or AgreementFilter()
    with whole_reads():
        matrix = read_matrix(assessment_matrix(project.pk, filters))
        spans = span_agreement(project.pk, filters)
    assessors = sorted(set(matrix.assessor))
    n_items = len(matrix.rounds)
    cred = value_counts(matrix.item, np.asarray(matrix.credibility) - 1, n_items, 6)
    kinds = value_counts(matrix.item, matrix.kind, n_items, len(KINDS))
    stances = value_counts(matrix.stance_item, matrix.stance, matrix.stance_items, len(STANCES))
    pairs = pairwise(matrix, project.credibility_tolerance)
    people = {*assessors, *itertools.chain.from_iterable(spans)}
    names = dict(get_user_model().objects.filter(pk__in=people).values_list("pk", "username"))
    per_assessor = defaultdict(int)
    for pk in matrix.assessor:
        per_assessor[pk] += 1
    return {
        "project": project.pk,
        "filters": filters.as_dict(),
        "assessments_per_claim": project.assessments_per_claim,
        "credibility_tolerance": project.credibility_tolerance,
        "rounds": round_counts(project.pk, filters),
        "items": n_items,
        "assessments": len(matrix.item),
        "alpha": {
            "credibility": measure(cred, "ordinal", CREDIBILITY_DOMAIN, len(assessors)),
            "kind": measure(kinds, "nominal", KINDS, len(assessors)),
            "stance": measure(stances, "nominal", STANCES, len(assessors)),
        },
        "assessors": [
            {"id": pk, "username": names.get(pk, ""), "assessments": per_assessor[pk]}
            for pk in assessors
        ],
        "pairwise": [
            {
                "assessor_a": names.get(a, ""),
                "assessor_b": names.get(b, ""),
                "items": n,
                "credibility": _rounded(c / n),
                "kind": _rounded(k / n),
                "both": _rounded(both / n),
            }
            for (a, b), (n, c, k, both) in sorted(pairs.items())
        ],
        "over_time": over_time(matrix),
        "spans": [
            {"annotator_a": names.get(a, ""), "annotator_b": names.get(b, ""), **figures}
            for (a, b), figures in sorted(spans.items())
        ],
    }


def matrix_csv_rows(project: Project | int, filters: AgreementFilter) -> Iterator[list]:
    """The assessment matrix for a CSV download: one row per assessment (long form),
    stances as "link:stance" pairs; streamed from the same one query."""
    yield ["round", "claim", "assessor", "credibility", "kind", "submitted_at", "stances"]
    # Usernames up front (members, one query) so nothing else runs while rows stream.
    names = dict(
        get_user_model().objects.filter(memberships__project=project).values_list("pk", "username")
    )
    with whole_reads():
        rows = assessment_matrix(project, filters, timestamps=True)
        for (round_id, assessor), group in itertools.groupby(rows, key=lambda r: (r[0], r[2])):
            group = list(group)
            first = group[0]
            stances = " ".join(f"{r[6]}:{r[7]}" for r in group if r[6] is not None)
            yield [
                round_id,
                first[1],
                names.get(assessor, str(assessor)),
                first[3],
                first[4],
                first[5].isoformat().replace("+00:00", "Z"),
                stances,
            ]
