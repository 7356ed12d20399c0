"""Benchmark: the agreement endpoint (issue 15) on PostgreSQL.

For each size (default 10,000 and 100,000 claims), drops and recreates a
PostgreSQL database, seeds the claims of bench/api.py (2 evidence links each)
and then, by COPY, one settled round and 3 submitted assessments per claim
(credibility, kind and a stance for each link: 3 assessments × 2 stances) by
6 assessors, spread over six months; runs ANALYZE; then measures in-process
(Django's test client through the whole stack: URL, auth, view, selector, JSON):

  a. GET /api/v1/projects/{id}/agreement/ (median of --repeat), its queries,
     and how often krippendorff.alpha was called
  b. the same with ?topic= (half the claims)
  c. GET …/agreement/matrix.csv streamed to the end
  d. the selector's phases: streamed read of the matrix, α, bootstrap, pairs, spans

    .venv/bin/python bench/agreement.py [--sizes 10000 100000]
        [--database-url postgres://postgres@127.0.0.1:5432/wt_agreement_bench]
        [--repeat 3] [--keep]

The database is dropped at the end unless --keep.
"""

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import common
from common import ROOT, python_speed_ms, recreate_database

ASSESSORS = 6
K = 3


def seed_assessments(project_id: int, claim_ids: list[int], rng: random.Random) -> int:
    """One round and K assessments per claim, with a stance per evidence link (COPY)."""
    from api import BATCH, analyze
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from curation.bulk import bulk_insert
    from curation.choices import ClaimKind, Role, RoundState, Stance
    from curation.models import (
        AssessedStance,
        Assessment,
        AssessmentRound,
        EvidenceLink,
        Membership,
        Project,
    )

    users = [
        get_user_model().objects.create(username=f"assessor{i}", password="!")  # noqa: S106
        for i in range(ASSESSORS)
    ]
    Membership.objects.bulk_create(
        Membership(project_id=project_id, user=user, role=Role.REVIEWER) for user in users
    )
    Project.objects.filter(pk=project_id).update(assessments_per_claim=K, credibility_tolerance=1)
    links: dict[int, list[tuple[int, str]]] = {}
    for pk, claim_id, stance in EvidenceLink.objects.values_list("pk", "claim_id", "stance"):
        links.setdefault(claim_id, []).append((pk, stance))
    kinds, stances = ClaimKind.values, Stance.values
    start = datetime(2026, 6, 1, tzinfo=UTC)
    written = 0
    for i in range(0, len(claim_ids), BATCH):
        batch = claim_ids[i : i + BATCH]
        rounds, assessments, judged = [], [], []
        for n, claim_id in enumerate(batch, start=i):
            truth, kind = 1 + n % 6, kinds[n % len(kinds)]
            when = start + timedelta(minutes=n * 260_000 // len(claim_ids))
            state = RoundState.AGREED if rng.random() < 0.75 else RoundState.ADJUDICATED
            rounds.append(
                AssessmentRound(
                    project_id=project_id,
                    claim_id=claim_id,
                    number=1,
                    state=state,
                    required=K,
                    credibility=truth,
                    kind=kind,
                    agreed=state == RoundState.AGREED,
                    adjudicator_id=users[0].pk if state == RoundState.ADJUDICATED else None,
                    settled_at=when,
                )
            )
            first = n % ASSESSORS
            for j in range(K):
                noise = rng.choice((-1, 0, 0, 0, 1)) if state != RoundState.AGREED else 0
                assessments.append(
                    Assessment(
                        uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                        project_id=project_id,
                        claim_id=claim_id,
                        assessor_id=users[(first + j) % ASSESSORS].pk,
                        status="submitted",
                        credibility=min(6, max(1, truth + noise)),
                        kind=kind if rng.random() < 0.9 else kinds[(n + 1) % len(kinds)],
                        submitted_at=when,
                    )
                )
                judged.append(claim_id)
        with transaction.atomic():
            bulk_insert(rounds)
            by_claim = {r.claim_id: r.pk for r in rounds}
            for assessment in assessments:
                assessment.round_id = by_claim[assessment.claim_id]
            bulk_insert(assessments)
            bulk_insert(
                [
                    AssessedStance(
                        assessment_id=assessment.pk,
                        evidence_id=pk,
                        stance=stance if rng.random() < 0.85 else rng.choice(stances),
                    )
                    for assessment, claim_id in zip(assessments, judged, strict=True)
                    for pk, stance in links.get(claim_id, [])
                ]
            )
        written += len(assessments)
    analyze(AssessmentRound, Assessment, AssessedStance)
    return written


def measure(project, repeat: int) -> dict:
    import krippendorff
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from curation.selectors import agreement as selector
    from curation.selectors import alpha as alpha_selector

    # As the test client in tests: the connection stays open across requests, so
    # the queries of each request are captured on it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    owner = project.memberships.get(role="owner").user
    client = APIClient(HTTP_HOST="localhost")
    client.force_authenticate(owner)
    url = f"/api/v1/projects/{project.pk}/agreement/"
    calls = []
    library = krippendorff.alpha

    def counted(*args, **kwargs):
        calls.append(1)
        return library(*args, **kwargs)

    alpha_selector.krippendorff.alpha = counted
    try:
        times, figures = [], None
        for _ in range(repeat):
            calls.clear()
            # Seeding filled DEBUG's query log (a deque of 9,000): captures would see none.
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            # Read now: captured_queries slices the log, which later requests change.
            sql = [q["sql"][:120] for q in queries.captured_queries]
            assert response.status_code == 200, response.content[:300]
            figures = response.json()
        alpha_calls = len(calls)
        started = time.perf_counter()
        topic = project.topics.order_by("pk").first()
        assert client.get(url, {"topic": topic.pk}).status_code == 200
        topic_s = time.perf_counter() - started
    finally:
        alpha_selector.krippendorff.alpha = library
    started = time.perf_counter()
    download = client.get(f"{url}matrix.csv")
    size = sum(len(chunk) for chunk in download.streaming_content)
    csv_s = time.perf_counter() - started

    phases = {}
    from curation.selectors.agreement import AgreementFilter

    f = AgreementFilter()
    t = time.perf_counter()
    matrix = selector.read_matrix(selector.assessment_matrix(project.pk, f))
    phases["read matrix (streamed)"] = time.perf_counter() - t
    t = time.perf_counter()
    n = len(matrix.rounds)
    cred = alpha_selector.value_counts(matrix.item, [c - 1 for c in matrix.credibility], n, 6)
    phases["value counts"] = time.perf_counter() - t
    t = time.perf_counter()
    alpha_selector.alpha(cred, "ordinal", selector.CREDIBILITY_DOMAIN)
    phases["α credibility (library)"] = time.perf_counter() - t
    t = time.perf_counter()
    alpha_selector.bootstrap_alphas(cred, "ordinal")
    phases["bootstrap (1,000)"] = time.perf_counter() - t
    t = time.perf_counter()
    selector.pairwise(matrix, 1)
    phases["pairwise"] = time.perf_counter() - t
    t = time.perf_counter()
    selector.span_agreement(project.pk, f)
    phases["span agreement"] = time.perf_counter() - t
    return {
        "median_s": statistics.median(times),
        "times": times,
        "queries": len(queries),
        "sql": sql,
        "alpha_calls": alpha_calls,
        "topic_s": topic_s,
        "csv_s": csv_s,
        "csv_bytes": size,
        "figures": figures,
        "phases": phases,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/wt_agreement_bench",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the last database")
    parser.add_argument(
        "--corpus",
        help="the sample texts (default ../shared/corpus, or ../../shared/corpus from a worktree)",
    )
    args = parser.parse_args()
    if args.corpus:
        common.CORPUS = Path(args.corpus)
    elif not common.CORPUS.is_dir():
        common.CORPUS = ROOT.parent.parent / "shared" / "corpus"
    os.environ.update(DATABASE_URL=args.database_url, DEBUG="1")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from api import seed
    from django.core.management import call_command
    from django.db import connections

    from curation.models import Project

    print(f"python speed: {python_speed_ms():.0f} ms (fixed loop; lower is faster)")
    results = {}
    try:
        for size in args.sizes:
            connections.close_all()
            recreate_database(args.database_url)
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            data = seed(size, max(200, size // 50))
            project = Project.objects.get(slug="bench")
            n = seed_assessments(project.pk, data["claim_ids"], random.Random(15))
            print(
                f"seeded {size:,} claims and {n:,} assessments "
                f"in {time.perf_counter() - started:.1f} s"
            )
            result = measure(project, args.repeat)
            results[size] = (n, result)
            alpha = result["figures"]["alpha"]
            print(
                f"  GET agreement/: median {result['median_s']:.3f} s "
                f"({', '.join(f'{t:.3f}' for t in result['times'])}), "
                f"{result['queries']} queries, krippendorff.alpha called {result['alpha_calls']}×"
            )
            for sql in result["sql"]:
                print(f"    {sql}")
            print(
                f"  α credibility {alpha['credibility']['alpha']} {alpha['credibility']['ci95']} "
                f"n={alpha['credibility']['items']:,}; kind {alpha['kind']['alpha']}; "
                f"stance {alpha['stance']['alpha']} n={alpha['stance']['items']:,}"
            )
            print(f"  ?topic=: {result['topic_s']:.3f} s")
            print(f"  matrix.csv: {result['csv_bytes']:,} bytes in {result['csv_s']:.3f} s")
            for name, seconds in result["phases"].items():
                print(f"    {name:26} {seconds:7.3f} s")
    finally:
        connections.close_all()
        if not args.keep:
            recreate_database(args.database_url, drop_only=True)
    if len(results) > 1:
        (small_n, small), (large_n, large) = results[min(results)], results[max(results)]
        print(
            f"growth: assessments ×{large_n / small_n:.1f}, "
            f"time ×{large['median_s'] / small['median_s']:.1f}, "
            f"queries {small['queries']} → {large['queries']}"
        )


if __name__ == "__main__":
    main()
