"""Benchmark: the REST API under gunicorn on PostgreSQL.

Seeds a PostgreSQL database (dropped and recreated) with N claims (default
100,000) and 2 evidence links each over 2,000 documents built from the
paragraphs of ../shared/corpus/ (deterministic: seeded; rows written by COPY
through curation.bulk.bulk_insert, so every constraint and trigger runs), an
owner and a token. Then starts gunicorn exactly as the Dockerfile does (4
workers, 2 threads, heartbeat files in /dev/shm, no access log; bound to
127.0.0.1, production settings: DEBUG unset, SECURE_SSL_REDIRECT=0 because
this is plain HTTP on loopback) and measures from a separate load process
(threads, each with a keep-alive http.client connection; --client requests
for requests sessions):

  a. POST /claims/ with an inline passage (passage_input by offsets), 1 and 8
     clients; one claim per request, and lists of --bulk claims per request
  b. GET /claims/?page_size=100: latency (1 client) and pages/s (8 clients)
  c. GET /claims/{id}/ latency
  d. GET /claims/?status=accepted&kind=fact&q=WORD latency
  e. a full cursor walk of every claim with page_size=1000
  f. queries per list page (in-process, CaptureQueriesContext), page 1 vs a late page

    .venv/bin/python bench/api.py [--claims 100000] [--documents 2000]
        [--database-url postgres://…/claimdesk_bench_api] [--port 0 (a free one)]
        [--seconds 20] [--walk-seconds 180] [--bulk 100] [--word cooperation] [--profile]
        [--client http.client|requests]

Every phase is bounded by a count and a time limit; gunicorn is always stopped.
"""

import argparse
import base64
import concurrent.futures
import cProfile
import http.client
import io
import multiprocessing
import os
import pstats
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from json import dumps, loads
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from common import (
    ROOT,
    corpus_paragraphs,
    postmaster_pid,
    process_tree_cpu_seconds,
    python_speed_ms,
    recreate_database,
)

PASSAGES_PER_DOCUMENT = 50
BATCH = 10_000

TARGETS = {
    "create_1": 175.0,  # claims/s, one client
    "create_8": 300.0,  # claims/s, eight clients
    "list_p95_ms": 100.0,
    "list_pages_s": 50.0,
    "walk_s": 60.0,
}


# -- seeding (in-process, Django) ----------------------------------------------------


def spans_of(length: int) -> list[tuple[int, int]]:
    """PASSAGES_PER_DOCUMENT distinct spans of 40–200 code points, spread over the text."""
    step = length // PASSAGES_PER_DOCUMENT
    return [
        (k * step, min(length, k * step + 40 + (k * 37) % 160))
        for k in range(PASSAGES_PER_DOCUMENT)
    ]


def analyze(*models) -> None:
    """Fresh statistics: the invariant triggers' lookups of the next table's rows
    would otherwise be planned for empty tables (sequential scans, quadratic)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def seed(n_claims: int, n_documents: int) -> dict:
    """Write the bench data set with COPY; returns what the load phases need."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from knox.models import AuthToken

    from curation.bulk import bulk_insert
    from curation.choices import ClaimKind, ClaimStatus, Reliability, Role, SourceKind, Stance
    from curation.models import (
        Claim,
        Document,
        EvidenceLink,
        Membership,
        Passage,
        Project,
        Source,
        Topic,
    )
    from curation.text import normalize_text, quote_context, text_sha256

    rng = random.Random(20261122)
    pool = corpus_paragraphs()
    laps = [time.perf_counter()]

    def lap(name: str) -> None:
        laps.append(time.perf_counter())
        print(f"  seed {name:18} {laps[-1] - laps[-2]:6.1f} s")

    user_model = get_user_model()
    # Token auth only: no password (hashing one costs a second of PBKDF2).
    owner = user_model.objects.create(username="olga", password="!", is_staff=True)  # noqa: S106
    reviewer = user_model.objects.create(username="rafael", password="!", is_staff=True)  # noqa: S106
    token = AuthToken.objects.create(user=owner)[1]
    project = Project.objects.create(slug="bench", name="API bench")
    Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    Membership.objects.create(project=project, user=reviewer, role=Role.REVIEWER)
    sources = [
        Source.objects.create(
            project=project,
            name=f"Source {i}",
            kind=SourceKind.values[i % len(SourceKind.values)],
            reliability=Reliability.values[i % len(Reliability.values)],
        )
        for i in range(24)
    ]
    topics = [Topic.objects.create(project=project, name=f"topic {i}") for i in range(10)]

    # Documents: 2–8 corpus paragraphs, at least 1,500 code points (50 spans each).
    documents = []
    for i in range(n_documents):
        parts = [rng.choice(pool) for _ in range(rng.randint(2, 8))]
        while sum(map(len, parts)) < 1500:
            parts.append(rng.choice(pool))
        text = normalize_text(f"Bench document {i}\n\n" + "\n\n".join(parts) + "\n")
        documents.append(
            Document(
                project=project,
                source=sources[i % len(sources)],
                title=f"Bench document {i}",
                language="en",
                text=text,
                sha256=text_sha256(text),
                length=len(text),
                created_by=owner,
            )
        )
    with transaction.atomic():
        bulk_insert(documents)
    analyze(Document)
    lap("documents")

    # One passage per claim; claim i's evidence: the passages of claims i+1 and i+2.
    per_document = -(-n_claims // n_documents)
    if per_document > PASSAGES_PER_DOCUMENT:
        sys.exit(f"--claims {n_claims} needs more than {n_documents} documents")
    passages: list[Passage] = []
    for document in documents:
        for start, end in spans_of(document.length)[:per_document]:
            prefix, exact, suffix = quote_context(document.text, start, end)
            passages.append(
                Passage(
                    document_id=document.pk,
                    start=start,
                    end=end,
                    exact=exact,
                    prefix=prefix,
                    suffix=suffix,
                    created_by_id=owner.pk,
                )
            )
    passages = passages[:n_claims]
    for i in range(0, len(passages), BATCH):
        with transaction.atomic():
            bulk_insert(passages[i : i + BATCH])
    analyze(Passage)
    lap("passages")

    statuses = [ClaimStatus.ACCEPTED] * 4 + [ClaimStatus.SUBMITTED] * 2
    statuses += [ClaimStatus.DRAFT] * 3 + [ClaimStatus.REJECTED]
    now = datetime.now(UTC)
    kinds = ClaimKind.values
    through = Claim.topics.through
    claims: list[Claim] = []
    for i, passage in enumerate(passages):
        status = statuses[i % len(statuses)]
        decided = status in (ClaimStatus.ACCEPTED, ClaimStatus.REJECTED)
        claims.append(
            Claim(
                uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                project_id=project.pk,
                passage_id=passage.pk,
                statement=passage.exact,
                kind=kinds[i % len(kinds)],
                credibility=1 + i % 6,
                status=status,
                reviewer_id=reviewer.pk if decided else None,
                reviewed_at=now if decided else None,
                author_id=owner.pk,
            )
        )
    for i in range(0, len(claims), BATCH):
        with transaction.atomic():
            bulk_insert(claims[i : i + BATCH])
            bulk_insert(
                [
                    through(claim_id=claim.pk, topic_id=topics[(i + j) % len(topics)].pk)
                    for j, claim in enumerate(claims[i : i + BATCH])
                    if (i + j) % 2 == 0
                ]
            )
    analyze(Claim, through)
    lap("claims and topics")

    stances = Stance.values
    n = len(claims)
    claim_ids = [claim.pk for claim in claims]
    passage_ids = [passage.pk for passage in passages]
    for i in range(0, n, BATCH // 2):
        links = [
            EvidenceLink(
                uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                claim_id=claim_ids[c],
                passage_id=passage_ids[(c + k) % n],
                stance=stances[(c + k) % len(stances)],
                author_id=owner.pk,
            )
            for c in range(i, min(n, i + BATCH // 2))
            for k in (1, 2)
        ]
        with transaction.atomic():
            bulk_insert(links)
    lap("evidence")

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        # Write the seeded pages out now: otherwise the checkpoint that follows a
        # large load runs during phase (a) and every COMMIT's fsync waits behind it.
        cursor.execute("CHECKPOINT")
    lap("vacuum analyze")

    # Spans for phase (a): one code point after each seeded start, so always new.
    fresh = [
        (document.pk, start + 1, end + 1)
        for document in documents
        for start, end in spans_of(document.length)
        if end + 1 <= document.length
    ]
    rng.shuffle(fresh)
    return {
        "token": token,
        "claim_ids": claim_ids,
        "fresh_spans": fresh,
        "passages": len(passages),
        "evidence": 2 * n,
    }


# -- the load process (no Django: requests and threads only) ---------------------------


class _Response:
    __slots__ = ("content", "status_code")

    def __init__(self, status_code: int, content: bytes):
        self.status_code, self.content = status_code, content

    def json(self):
        return loads(self.content)


class _Client:
    """A keep-alive HTTP/1.1 client on http.client, with the part of requests'
    Session interface the phases use. A load generator should cost the server's
    machine little: this one takes about a third of requests' CPU per request,
    which on two cores is time the server does not get (--client requests)."""

    def __init__(self, token: str):
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        self.connection: http.client.HTTPConnection | None = None

    def get(self, url: str) -> _Response:
        return self._request("GET", url, None)

    def post(self, url: str, json: object) -> _Response:
        return self._request("POST", url, dumps(json).encode())

    def _request(self, method: str, url: str, body: bytes | None) -> _Response:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self.connection is None:
            self.connection = http.client.HTTPConnection(parts.hostname, parts.port)
        try:
            return self._send(method, path, body, headers)
        except (http.client.RemoteDisconnected, ConnectionError):
            # gunicorn closed an idle keep-alive connection: the next request reconnects.
            self.connection.close()
            return self._send(method, path, body, headers)

    def _send(self, method: str, path: str, body: bytes | None, headers: dict) -> _Response:
        self.connection.request(method, path, body, headers)
        response = self.connection.getresponse()
        return _Response(response.status, response.read())


def _session(token: str):
    # An environment variable: the load process is spawned, it reads no arguments.
    if os.environ.get("CLAIMDESK_BENCH_CLIENT", "http.client") == "http.client":
        return _Client(token)
    import requests

    session = requests.Session()
    session.headers.update({"Authorization": f"Token {token}", "Accept": "application/json"})
    return session


def _run_clients(clients: int, work, seconds: float) -> dict:
    """Run `work(session, index, deadline, record)` on `clients` threads."""
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()

    def record(status: int, latency: float) -> None:
        with lock:
            statuses[status] += 1
            latencies.append(latency)

    started, cpu = time.perf_counter(), time.process_time()
    deadline = started + seconds
    threads = [
        threading.Thread(target=work, args=(index, deadline, record)) for index in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "elapsed": time.perf_counter() - started,
        "load_cpu": time.process_time() - cpu,
        "latencies": latencies,
        "statuses": dict(statuses),
    }


def load_create(base: str, token: str, spans: list, clients: int, count: int, seconds: float):
    share = [spans[i::clients][: count // clients] for i in range(clients)]

    def work(index, deadline, record):
        session = _session(token)
        for document, start, end in share[index]:
            if time.perf_counter() > deadline:
                break
            body = {
                "passage_input": {"document": document, "start": start, "end": end},
                "kind": "fact",
                "credibility": 2,
                "attributed_to": "bench",
            }
            t0 = time.perf_counter()
            response = session.post(f"{base}/api/v1/claims/", json=body)
            record(response.status_code, time.perf_counter() - t0)

    return _run_clients(clients, work, seconds)


def load_create_bulk(
    base: str, token: str, spans: list, clients: int, batch: int, count: int, seconds: float
):
    """POST lists of `batch` claims (the bulk form of POST /claims/, all or nothing)."""
    share = [spans[i::clients][: count // clients] for i in range(clients)]

    def work(index, deadline, record):
        session = _session(token)
        mine = share[index]
        for at in range(0, len(mine) - batch + 1, batch):
            if time.perf_counter() > deadline:
                break
            body = [
                {
                    "passage_input": {"document": document, "start": start, "end": end},
                    "kind": "fact",
                    "credibility": 2,
                    "attributed_to": "bench",
                }
                for document, start, end in mine[at : at + batch]
            ]
            t0 = time.perf_counter()
            response = session.post(f"{base}/api/v1/claims/", json=body)
            record(response.status_code, time.perf_counter() - t0)

    return _run_clients(clients, work, seconds)


def load_list(base: str, token: str, clients: int, count: int, seconds: float, depth: int):
    """Each client walks the first `depth` pages of 100 claims, again and again."""

    def work(index, deadline, record):
        session = _session(token)
        done = 0
        while done < count // clients and time.perf_counter() < deadline:
            url = f"{base}/api/v1/claims/?page_size=100"
            for _ in range(depth):
                t0 = time.perf_counter()
                response = session.get(url)
                ok = response.status_code == 200
                page = response.json() if ok else {}
                record(response.status_code, time.perf_counter() - t0)
                done += 1
                url = page.get("next")
                if not url or done >= count // clients or time.perf_counter() > deadline:
                    break

    return _run_clients(clients, work, seconds)


def load_get(base: str, token: str, paths: list[str], seconds: float):
    """One client, the given paths in order."""

    def work(index, deadline, record):
        session = _session(token)
        for path in paths:
            if time.perf_counter() > deadline:
                break
            t0 = time.perf_counter()
            response = session.get(f"{base}{path}")
            response.content  # noqa: B018 - read the whole body
            record(response.status_code, time.perf_counter() - t0)

    return _run_clients(1, work, seconds)


def load_walk(base: str, token: str, seconds: float):
    """Follow `next` from the first page of 1,000 claims to the last."""
    session = _session(token)
    url = f"{base}/api/v1/claims/?page_size=1000"
    pages, claims, statuses = [], 0, Counter()
    started = time.perf_counter()
    while url and time.perf_counter() - started < seconds:
        t0 = time.perf_counter()
        response = session.get(url)
        data = response.json() if response.status_code == 200 else {"next": None}
        pages.append(time.perf_counter() - t0)
        statuses[response.status_code] += 1
        claims += len(data.get("results", []))
        url = data.get("next")
    return {
        "elapsed": time.perf_counter() - started,
        "pages": pages,
        "claims": claims,
        "complete": url is None and set(statuses) == {200},
        "statuses": dict(statuses),
    }


# -- gunicorn ---------------------------------------------------------------------------


def start_gunicorn(database_url: str, port: int, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONUNBUFFERED="1",
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    # The Dockerfile's command line, bound to loopback.
    command = [
        str(gunicorn),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "4",
        "--threads",
        "2",
        "--worker-tmp-dir",
        "/dev/shm",  # noqa: S108 (heartbeat files only, as in the Dockerfile)
        "--timeout",
        "60",
    ]
    print("gunicorn:         " + " ".join(command[1:]))
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return process


def server_cpu_seconds(gunicorn: int, postgres: int) -> dict[str, float]:
    """CPU seconds used so far by gunicorn (master and workers) and PostgreSQL."""
    return {
        "gunicorn": process_tree_cpu_seconds(gunicorn),
        "postgres": process_tree_cpu_seconds(postgres),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_ready(base: str, token: str, process: subprocess.Popen, seconds: float = 60) -> None:
    import requests

    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            response = requests.get(
                f"{base}/api/v1/projects/", headers={"Authorization": f"Token {token}"}, timeout=5
            )
            if response.status_code == 200:
                return
        except requests.RequestException:
            pass  # not listening yet, or the workers are still importing
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# -- in-process measurements ---------------------------------------------------------------


def late_cursor(position: int) -> str:
    """A CursorPagination cursor for the page after `position` (ordering -id)."""
    return base64.b64encode(urlencode({"p": str(position)}).encode()).decode()


def queries_per_page(token: str, claim_ids: list[int]) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    late = sorted(claim_ids)[250]
    counts = {}
    for name, query in [
        ("page 1", {"page_size": 100}),
        ("late page", {"page_size": 100, "cursor": late_cursor(late)}),
    ]:
        client.get("/api/v1/claims/", query)  # warm caches (content types, …)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/claims/", query)
        assert response.status_code == 200, response.status_code
        assert len(response.json()["results"]) == 100
        counts[name] = len(captured.captured_queries)
    return counts


def inprocess_costs(token: str, claim_ids: list[int], word: str) -> list[tuple]:
    """Per request, in this process: wall and CPU ms, queries and their (wall) ms.

    CPU time (process_time) is what the request costs a gunicorn thread whatever
    else runs on the machine; the difference to wall time is waiting (database,
    other processes).
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    rng = random.Random(11)
    cases = [
        ("list, page_size=100", 10, lambda: ("/api/v1/claims/", {"page_size": 100})),
        ("list, page_size=1000", 3, lambda: ("/api/v1/claims/", {"page_size": 1000})),
        ("detail", 20, lambda: (f"/api/v1/claims/{rng.choice(claim_ids)}/", {})),
        (
            f"status+kind+q={word}",
            5,
            lambda: (
                "/api/v1/claims/",
                {"status": "accepted", "kind": "fact", "q": word, "page_size": 100},
            ),
        ),
    ]
    rows = []
    for label, n, request in cases:
        client.get(*request())
        wall = cpu = db = 0.0
        queries = 0
        for _ in range(n):
            path, query = request()
            with CaptureQueriesContext(connection) as captured:
                w0, c0 = time.perf_counter(), time.process_time()
                response = client.get(path, query)
                wall += time.perf_counter() - w0
                cpu += time.process_time() - c0
            assert response.status_code == 200, (label, response.status_code)
            queries += len(captured.captured_queries)
            db += sum(float(q["time"]) for q in captured.captured_queries)
        rows.append((label, 1000 * wall / n, 1000 * cpu / n, queries / n, 1000 * db / n))
    return rows


def profile_list(token: str, requests_: int = 20) -> str:
    from rest_framework.test import APIClient

    client = APIClient(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    client.get("/api/v1/claims/", {"page_size": 100})
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests_):
        client.get("/api/v1/claims/", {"page_size": 100})
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(15)
    return out.getvalue()


# -- reporting -------------------------------------------------------------------------------


def ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def latency(values: list[float]) -> str:
    if not values:
        return "no requests"
    return (
        f"p50 {ms(values, 0.50):6.1f} ms  p95 {ms(values, 0.95):6.1f} ms  "
        f"p99 {ms(values, 0.99):6.1f} ms  (n={len(values)})"
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/claimdesk_bench_api"
    )
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--word", default="cooperation", help="the q= search word")
    parser.add_argument("--seconds", type=float, default=20, help="time limit of each phase")
    parser.add_argument("--bulk", type=int, default=100, help="claims per list POST")
    parser.add_argument("--walk-seconds", type=float, default=180, help="time limit of (e)")
    parser.add_argument("--profile", action="store_true", help="cProfile a list page in-process")
    parser.add_argument(
        "--client",
        choices=["http.client", "requests"],
        default="http.client",
        help="the load process's HTTP client (requests: the figures before 2026-11-23)",
    )
    args = parser.parse_args()
    os.environ["CLAIMDESK_BENCH_CLIENT"] = args.client

    recreate_database(args.database_url)
    os.environ.update(DATABASE_URL=args.database_url, DEBUG="1")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    data = seed(args.claims, args.documents)
    seeded = time.perf_counter() - started
    print(
        f"seeded:           {len(data['claim_ids']):,} claims, {data['passages']:,} passages, "
        f"{data['evidence']:,} evidence links, {args.documents:,} documents "
        f"in {seeded:.1f} s (COPY)"
    )
    token, claim_ids = data["token"], data["claim_ids"]
    postgres = postmaster_pid()
    connections.close_all()

    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    rng = random.Random(7)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "gunicorn.log"
        process = start_gunicorn(args.database_url, port, log)
        spawn = multiprocessing.get_context("spawn")
        try:
            wait_ready(base, token, process)
            print(f"load average:     {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
            speed_before = python_speed_ms()
            with concurrent.futures.ProcessPoolExecutor(1, mp_context=spawn) as load:

                def run(name, function, *fargs):
                    results[name] = load.submit(function, *fargs).result()
                    return results[name]

                spans = data["fresh_spans"]
                # Warm every worker and thread (imports, connections, caches): not
                # counted, so that (a) measures the steady state, like later phases.
                run("warm_up", load_create, base, token, spans[30000:30400], 8, 400, args.seconds)
                for name, clients, share in [
                    ("create_1", 1, spans[:1000]),
                    ("create_8", 8, spans[1000:5000]),
                ]:
                    before = server_cpu_seconds(process.pid, postgres)
                    run(name, load_create, base, token, share, clients, len(share), args.seconds)
                    after = server_cpu_seconds(process.pid, postgres)
                    results[name]["server_cpu"] = {k: after[k] - before[k] for k in after}
                bulk = args.bulk
                run(
                    "bulk_1",
                    load_create_bulk,
                    *(base, token, spans[5000:10000], 1, bulk, 5000, args.seconds),
                )
                run(
                    "bulk_8",
                    load_create_bulk,
                    *(base, token, spans[10000:30000], 8, bulk, 20000, args.seconds),
                )
                run("list_1", load_list, base, token, 1, 300, args.seconds, 20)
                run("list_8", load_list, base, token, 8, 3000, args.seconds, 20)
                details = [f"/api/v1/claims/{pk}/" for pk in rng.sample(claim_ids, 300)]
                run("detail", load_get, base, token, details, args.seconds)
                search = f"/api/v1/claims/?status=accepted&kind=fact&q={args.word}&page_size=100"
                run("search", load_get, base, token, [search] * 100, args.seconds)
                run("walk", load_walk, base, token, args.walk_seconds)
        finally:
            stop_gunicorn(process)
        errors = [line for line in log.read_text(errors="replace").splitlines() if "Error" in line]

    # (f) in-process, with the production-sized data set.
    queries = queries_per_page(token, claim_ids)
    costs = inprocess_costs(token, claim_ids, args.word)
    print()
    for name, clients in [("create_1", 1), ("create_8", 8)]:
        r = results[name]
        created = r["statuses"].get(201, 0)
        rate = created / r["elapsed"]
        print(
            f"(a) create, {clients} client{'s' if clients > 1 else ''}: {rate:6.0f} claims/s "
            f"({created} in {r['elapsed']:.1f} s) {latency(r['latencies'])} "
            f"statuses {r['statuses']}"
        )
        r["rate"] = rate
        per = {**r["server_cpu"], "load process": r["load_cpu"]}
        print(
            "    CPU per claim: "
            + ", ".join(
                f"{group} {1000 * seconds / max(created, 1):.2f} ms"
                for group, seconds in per.items()
            )
        )
    for name, clients in [("bulk_1", 1), ("bulk_8", 8)]:
        r = results[name]
        created = r["statuses"].get(201, 0) * args.bulk
        r["rate"] = created / r["elapsed"]
        print(
            f"(a) create in lists of {args.bulk}, {clients} client{'s' if clients > 1 else ''}: "
            f"{r['rate']:6.0f} claims/s ({created} in {r['elapsed']:.1f} s) "
            f"{latency(r['latencies'])} per request, statuses {r['statuses']}"
        )
    for name, clients in [("list_1", 1), ("list_8", 8)]:
        r = results[name]
        r["rate"] = len(r["latencies"]) / r["elapsed"]
        print(
            f"(b) list page_size=100, {clients} client{'s' if clients > 1 else ''}: "
            f"{r['rate']:6.0f} pages/s  {latency(r['latencies'])} statuses {r['statuses']}"
        )
    print(f"(c) detail:                      {latency(results['detail']['latencies'])}")
    print(f"(d) status+kind+q={args.word}: {latency(results['search']['latencies'])}")
    walk = results["walk"]
    pages = walk["pages"]
    head, tail = statistics.mean(pages[:5]), statistics.mean(pages[-5:])
    print(
        f"(e) full walk, page_size=1000:   {walk['elapsed']:.1f} s for {walk['claims']:,} claims "
        f"in {len(pages)} pages ({'complete' if walk['complete'] else 'INCOMPLETE'}); "
        f"first 5 pages {1000 * head:.0f} ms/page, last 5 {1000 * tail:.0f} ms/page"
    )
    print(
        f"(f) queries per list page:       page 1: {queries['page 1']}, "
        f"late page: {queries['late page']}"
    )
    print("in-process cost per request (DEBUG=1 process, same database):")
    for label, wall, cpu, n_queries, db in costs:
        print(
            f"    {label:32} wall {wall:7.1f} ms  CPU {cpu:7.1f} ms  "
            f"{n_queries:4.1f} queries taking {db:6.1f} ms"
        )
    if errors:
        print(f"gunicorn log: {len(errors)} lines with 'Error', e.g. {errors[0][:200]}")

    print()
    checks = [
        ("claim creation, 1 client", results["create_1"]["rate"], ">=", TARGETS["create_1"]),
        ("claim creation, 8 clients", results["create_8"]["rate"], ">=", TARGETS["create_8"]),
        ("  same, in lists, 1 client", results["bulk_1"]["rate"], ">=", TARGETS["create_1"]),
        ("  same, in lists, 8 clients", results["bulk_8"]["rate"], ">=", TARGETS["create_8"]),
        (
            "list p95 (1 client), ms",
            ms(results["list_1"]["latencies"], 0.95),
            "<",
            TARGETS["list_p95_ms"],
        ),
        ("list pages/s (8 clients)", results["list_8"]["rate"], ">=", TARGETS["list_pages_s"]),
        (
            "full walk, s",
            walk["elapsed"] if walk["complete"] else float("inf"),
            "<",
            TARGETS["walk_s"],
        ),
    ]
    for label, value, op, target in checks:
        ok = value >= target if op == ">=" else value < target
        print(f"target {label:28} {value:8.1f} {op} {target:g}: {verdict(ok)}")
    same = queries["page 1"] == queries["late page"]
    print(f"target queries per page constant: {verdict(same)}")
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        f"machine speed:    {speed_before:.0f} ms before (a), {python_speed_ms():.0f} ms at "
        "the end (python_speed_ms: a fixed Python loop; lower is faster)"
    )
    if args.profile:
        print("\ncProfile, 20 in-process GET /api/v1/claims/?page_size=100 (by own time):")
        print(profile_list(token))


if __name__ == "__main__":
    main()
