"""Benchmark: cutting and downloading dataset releases on PostgreSQL.

Seeds a fresh database with N claims (default 1,000,000; 85 % accepted), one
passage each and 2 evidence links per claim on average, over 2,000 documents
built deterministically (seeded) from the paragraphs of ../shared/corpus/. Rows
are written with COPY in batches of 50,000, as pg_restore loads: secondary
indexes, unique and foreign-key constraints and the invariant triggers come off
during the load, then the triggers' invariants are checked over all rows and
everything is put back (re-adding a constraint validates every row).

Then, in a separate process started before the seeding (so its peak memory is
the export's own), for each format (default jsonl, then csv): cuts a release of
all accepted claims with release_cut (actor SYSTEM), downloads it through the
API view (Django test client, StreamingHttpResponse; sha256 checked) and
straight from release_file_chunks, to nowhere. Prints seconds, claims/s, MB/s,
the CPU time of this process and of the PostgreSQL server (the machine may be
shared: CPU time says what the work costs, wall time what it took), and the
peak resident memory of each phase (VmRSS sampled every 10 ms, VmHWM).

    .venv/bin/python bench/export.py [--claims 1000000] [--formats jsonl,csv]
        [--database-url postgres://…/claimdesk_bench_export] [--keep] [--tracemalloc]
    .venv/bin/python bench/export.py --measure-only      # again, on a --keep'd database

The database named in --database-url is dropped and recreated (and dropped
again at the end unless --keep). Django runs with DEBUG off, as in production.
"""

import argparse
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import threading
import time
import warnings
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from common import (
    ROOT,
    corpus_paragraphs,
    postmaster_pid,
    process_tree_cpu_seconds,
    recreate_database,
)

SLUG = "bench-export"
VIEWER = "bench-viewer"
SEED = 20261123
BATCH = 50_000
CONTEXT = 32  # curation.text.CONTEXT_WIDTH

# --- seeding -----------------------------------------------------------------------------


def setup_django(url: str) -> None:
    # Production settings (DEBUG off), reachable by the test client over plain HTTP.
    os.environ.update(
        DATABASE_URL=url,
        SECRET_KEY="bench-export-not-secret",  # noqa: S106 - a throwaway local database
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("DEBUG", None)
    # WhiteNoise warns that collectstatic never ran: irrelevant here.
    warnings.filterwarnings("ignore", message="No directory at")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def seed(n_claims: int, n_documents: int, evidence_per_claim: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from curation.bulk import bulk_insert
    from curation.choices import ClaimKind, ClaimStatus, Reliability, Role, SourceKind
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
    from curation.text import normalize_text, text_sha256

    rng = random.Random(SEED)
    epoch = datetime(2025, 1, 1, tzinfo=UTC)
    User = get_user_model()
    names = [VIEWER] + [f"annotator{i}" for i in range(1, 9)] + [f"reviewer{i}" for i in (1, 2, 3)]
    User.objects.bulk_create([User(username=name, password="!") for name in names])  # noqa: S106 - unusable
    users = {u.username: u for u in User.objects.all()}
    authors = [users[f"annotator{i}"].pk for i in range(1, 9)]
    reviewers = [users[f"reviewer{i}"].pk for i in range(1, 4)]

    project = Project.objects.create(slug=SLUG, name="Bench export")
    roles = {VIEWER: Role.VIEWER, "reviewer": Role.REVIEWER, "annotator": Role.ANNOTATOR}
    Membership.objects.bulk_create(
        Membership(project=project, user=users[name], role=roles[name.rstrip("0123456789")])
        for name in names
    )
    sources = [
        Source(
            project=project,
            name=f"Source {i:02d}",
            kind=rng.choice(SourceKind.values),
            url=f"https://source{i}.example.org/",
            reliability=Reliability.values[i % 6],
        )
        for i in range(40)
    ]
    bulk_insert(sources)
    topic_names = [f"topic-{i:02d}" for i in range(20)] + ["санкции", "能源", "élections", "=SUM"]
    topics = [Topic(project=project, name=name) for name in topic_names]
    bulk_insert(topics)
    topic_ids = [t.pk for t in topics]

    pool = corpus_paragraphs()
    documents = []
    for i in range(n_documents):
        body = "\n\n".join(rng.choice(pool) for _ in range(rng.randint(3, 7)))
        text = normalize_text(f"Bench document {i}\n\n{body}\n")
        documents.append(
            Document(
                project=project,
                source=rng.choice(sources) if rng.random() < 0.85 else None,
                title=f"Bench document {i}: " + " ".join(body.split()[:8]),
                url=f"https://example.org/bench/{i}" if i % 3 else "",
                doi=f"10.5555/bench.{i}" if i % 2 else "",
                language="en",
                text=text,
                sha256=text_sha256(text),
                length=len(text),
                created_at=epoch,
                updated_at=epoch,
            )
        )
    bulk_insert(documents)
    texts = [(d.pk, d.text) for d in documents]
    text_bytes = sum(len(t.encode()) for _, t in texts)
    del documents

    statuses = [ClaimStatus.ACCEPTED] * 85 + [ClaimStatus.SUBMITTED] * 7
    statuses += [ClaimStatus.DRAFT] * 5 + [ClaimStatus.REJECTED] * 3
    decided = {ClaimStatus.ACCEPTED, ClaimStatus.REJECTED}
    kinds = ClaimKind.values
    stances = ["supports"] * 55 + ["refutes"] * 25 + ["qualifies"] * 20
    attributions = ["", "", "", "Moscow", "Washington", "Брюссель", "北京", "the ministry"]
    notes = ["", "", "", "", "", "", "", "", "Same figure, other source.", "+ see annex"]
    # Mean exactly evidence_per_claim: counts cycle around it.
    spread = [0, -1, 1, -2, 2, 0, 1, -1, 0, 0]
    evidence_counts = [max(0, evidence_per_claim + s) for s in spread]
    rand, bits = rng.random, rng.getrandbits

    def pick(seq):
        return seq[int(rand() * len(seq))]

    def pick_topics() -> tuple:  # a quarter of the claims without, half with one, a quarter two
        r = rand()
        if r < 0.25:
            return ()
        first, second = pick(topic_ids), pick(topic_ids)
        return (first,) if r < 0.75 or second == first else (first, second)

    def uuid4() -> str:  # 32 hex digits, version 4, RFC 4122 variant: PostgreSQL's input form
        return f"{bits(128) & UUID_MASK | UUID_V4:032x}"

    tables = [m._meta.db_table for m in (Passage, Claim, Claim.topics.through, EvidenceLink)]
    columns = [
        ["id", "document_id", "start", '"end"', "exact", "prefix", "suffix", "created_by_id",
         "created_at"],
        ["id", "uuid", "project_id", "passage_id", "statement", "kind", "attributed_to",
         "credibility", "status", "reviewer_id", "review_note", "reviewed_at", "version",
         "author_id", "created_at", "updated_at"],
        ["id", "claim_id", "topic_id"],
        ["id", "uuid", "claim_id", "passage_id", "stance", "note", "author_id", "created_at",
         "updated_at", "version"],
    ]  # fmt: skip
    counts = {"documents": n_documents, "claims": 0, "accepted": 0, "evidence": 0}
    counts["topic_links"] = 0
    evidence_id = topic_link_id = 0
    used: set[tuple[int, int]] = set()
    current_doc = -1
    generating, copying = 0.0, dict.fromkeys(tables, 0.0)
    with connection.cursor() as django_cursor, bulk_load(django_cursor.cursor, tables):
        cursor = django_cursor.cursor  # psycopg's own, for COPY
        for batch_start in range(0, n_claims, BATCH):
            batch_end = min(n_claims, batch_start + BATCH)
            batch = passages, claims, claim_topics, links = [], [], [], []
            started = time.perf_counter()
            for i in range(batch_start, batch_end):
                doc_index = i * n_documents // n_claims  # claims cluster by document
                if doc_index != current_doc:
                    current_doc, used = doc_index, set()
                doc_id, text = texts[doc_index]
                length = len(text)
                while True:  # a new span of 40-240 code points: unique per document
                    span = min(length - 1, 40 + int(rand() * 201))
                    start = int(rand() * (length - span))
                    if (start, start + span) not in used:
                        break
                end = start + span
                used.add((start, end))
                pk = i + 1  # claim i sits on passage i (ids 1..N)
                author = authors[i % len(authors)]
                created = epoch + timedelta(seconds=i * 50 + int(rand() * 50))
                updated = created + timedelta(hours=1 + int(rand() * 200))
                exact = text[start:end]
                passages.append(
                    (pk, doc_id, start, end, exact, text[max(0, start - CONTEXT) : start],
                     text[end : end + CONTEXT], author, created)
                )  # fmt: skip
                status = pick(statuses)
                review = status in decided
                statement = " ".join(exact.split())
                if i % 97 == 0:
                    statement = "-" + statement  # formula-looking cells for the CSV
                claims.append(
                    (pk, uuid4(), project.pk, pk, statement, pick(kinds), pick(attributions),
                     1 + int(rand() * 6), status, pick(reviewers) if review else None,
                     "Checked against the source." if review and i % 5 == 0 else "",
                     updated if review else None, 1 + int(rand() * 3), author, created, updated)
                )  # fmt: skip
                counts["accepted"] += status == ClaimStatus.ACCEPTED
                for topic in pick_topics():
                    topic_link_id += 1
                    claim_topics.append((topic_link_id, pk, topic))
                # Evidence: other passages already written (ids 1..batch_end), distinct.
                chosen = {pk}
                for _ in range(evidence_counts[i % len(evidence_counts)]):
                    other = pk
                    while other in chosen:
                        other = 1 + int(rand() * batch_end)
                    chosen.add(other)
                    evidence_id += 1
                    links.append(
                        (evidence_id, uuid4(), pk, other, pick(stances), pick(notes),
                         pick(authors), updated, updated, 1)
                    )  # fmt: skip
            generating += time.perf_counter() - started
            for table, cols, rows in zip(tables, columns, batch, strict=True):
                started = time.perf_counter()
                copy_rows(cursor, table, cols, rows)
                copying[table] += time.perf_counter() - started
            counts["claims"] += len(claims)
            counts["evidence"] += len(links)
            counts["topic_links"] += len(claim_topics)
            del batch, passages, claims, claim_topics, links
            print(
                f"  seeded {batch_end:>9,} claims, {evidence_id:>9,} evidence links",
                file=sys.stderr,
                flush=True,
            )
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608 - model tables
                f"(SELECT coalesce(max(id), 1) FROM {table}))",
                [table],
            )
        started = time.perf_counter()
    counts["passages"] = counts["claims"]
    counts["generating_s"] = generating
    counts["copying_s"] = copying
    counts["indexing_s"] = time.perf_counter() - started
    counts["text_mb"] = text_bytes / 1e6
    return counts


UUID_MASK = ~((0xF << 76) | (0x3 << 62)) & ((1 << 128) - 1)
UUID_V4 = (0x4 << 76) | (0x2 << 62)


@contextmanager
def bulk_load(cursor, tables: list[str]):
    """Load millions of rows as pg_restore does: without the secondary indexes, unique and
    foreign-key constraints and invariant triggers of the loaded tables, then check the
    triggers' invariants set-wise, re-enable the triggers, rebuild the indexes and re-add
    the constraints (which validates every row). Primary keys and CHECKs stay on."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f') ORDER BY contype DESC",
        [tables],
    )
    constraints = cursor.fetchall()  # unique ones first: re-added first
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = current_schema() "
        "AND tablename = ANY(%s) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [tables],
    )
    indexes = cursor.fetchall()
    for table, name, _ in reversed(constraints):
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    for table in tables:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    yield
    for what, query in INVARIANTS.items():
        cursor.execute(query)
        if bad := cursor.fetchone()[0]:
            sys.exit(f"seeding broke an invariant the triggers guard: {bad} {what}")
    for table in tables:
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    cursor.execute("SET maintenance_work_mem = '256MB'")
    for _, definition in indexes:
        cursor.execute(definition)
    for table, name, definition in constraints:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


# What the triggers of migration 0002 check row by row, checked once over all rows.
INVARIANTS = {
    "passages outside their document or not quoting it": """
        SELECT count(*) FROM curation_passage p JOIN curation_document d ON d.id = p.document_id
        WHERE p."end" > d.length
           OR substr(d.text, p.start + 1, p."end" - p.start) IS DISTINCT FROM p.exact""",
    "claims on another project's passage": """
        SELECT count(*) FROM curation_claim c JOIN curation_passage p ON p.id = c.passage_id
        JOIN curation_document d ON d.id = p.document_id WHERE d.project_id <> c.project_id""",
    "evidence links to another project's passage": """
        SELECT count(*) FROM curation_evidencelink e JOIN curation_claim c ON c.id = e.claim_id
        JOIN curation_passage p ON p.id = e.passage_id
        JOIN curation_document d ON d.id = p.document_id WHERE d.project_id <> c.project_id""",
}


def settle() -> None:
    """VACUUM ANALYZE (statistics, visibility map) and a checkpoint, as after a real load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return cursor.fetchone()[0]


# --- measuring ---------------------------------------------------------------------------


class RssSampler(threading.Thread):
    """Peak resident memory per phase: VmRSS read every 10 ms, and the kernel's VmHWM
    reset at the start of each phase. Resetting VmHWM also resets what ru_maxrss reports,
    so the process-wide peak is kept here (process_peak)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = 0
        self.process_peak = self.status("VmHWM")
        self.lock = threading.Lock()
        self.stopped = threading.Event()

    @staticmethod
    def status(field: str) -> int:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])  # KiB
        return 0

    def run(self):
        while not self.stopped.wait(0.01):
            rss = self.status("VmRSS")
            with self.lock:
                self.peak = max(self.peak, rss)

    def start_phase(self) -> int:
        self.process_peak = max(self.process_peak, self.status("VmHWM"), self.peak)
        try:  # Linux ≥ 4.0: reset VmHWM to the current RSS
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            pass
        rss = self.status("VmRSS")
        with self.lock:
            self.peak = rss
        return rss

    def end_phase(self) -> tuple[int, int]:
        """(peak sampled, VmHWM) in KiB since start_phase."""
        rss = self.status("VmRSS")
        with self.lock:
            self.peak = max(self.peak, rss)
            return self.peak, self.status("VmHWM")


def cpu_seconds() -> float:
    """CPU time (user + system) of this process, so that figures can be read apart from
    what else the machine runs."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def mb(kib: int) -> str:
    return f"{kib / 1024:.0f} MB"


def measure(args) -> None:
    setup_django(args.database_url)
    import tracemalloc

    from django.contrib.auth import get_user_model
    from django.test import Client

    from curation.choices import ClaimStatus
    from curation.models import Claim, Project
    from curation.services import SYSTEM, release_cut, release_file_chunks

    maxrss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sampler = RssSampler()
    sampler.start()
    project = Project.objects.get(slug=SLUG)
    viewer = get_user_model().objects.get(username=VIEWER)
    accepted = Claim.objects.filter(project=project, status=ClaimStatus.ACCEPTED).count()
    start_rss = sampler.status("VmRSS")
    print(
        f"measuring in process {os.getpid()}: {accepted:,} accepted claims, RSS {mb(start_rss)}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    client = Client()
    client.force_login(viewer)
    # A first request pays for imports and URL resolving: not what a download costs.
    assert client.get("/api/v1/releases/").status_code == 200
    results = {}
    for fmt in args.formats:
        figures = results[fmt] = {}

        # Cut.
        server = postmaster_pid()
        base = sampler.start_phase()
        if args.tracemalloc:
            tracemalloc.start()
        cpu, pg_cpu = cpu_seconds(), process_tree_cpu_seconds(server)
        started = time.perf_counter()
        release = release_cut(actor=SYSTEM, project=project, name=f"bench {fmt}", formats=[fmt])
        cut = time.perf_counter() - started
        cpu, pg_cpu = cpu_seconds() - cpu, process_tree_cpu_seconds(server) - pg_cpu
        if args.tracemalloc:
            figures["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
        peak, hwm = sampler.end_phase()
        file = release.files.get(format=fmt)
        assert release.claim_count == accepted, (release.claim_count, accepted)
        figures.update(
            claims=release.claim_count,
            evidence=release.evidence_count,
            cut_s=cut,
            cut_cpu_s=cpu,
            cut_pg_cpu_s=pg_cpu,
            bytes=file.size,
            data_files=file.data_files,
            cut_rss=(base, peak, hwm),
        )
        print(
            f"{fmt:>5} cut:      {release.claim_count:,} claims, {release.evidence_count:,} "
            f"evidence links in {cut:.1f} s = {release.claim_count / cut:,.0f} claims/s; "
            f"zip {file.size / 1e6:.1f} MB; RSS {mb(base)} → peak {mb(peak)} "
            f"(VmHWM {mb(hwm)}); CPU: Python {cpu:.1f} s, PostgreSQL {pg_cpu:.1f} s; "
            f"load {os.getloadavg()[0]:.1f}"
            + (f"; traced {figures['traced_peak_mb']:.0f} MB" if args.tracemalloc else ""),
            flush=True,
        )

        # Download through the API view: session, routing, permissions, streaming response.
        base = sampler.start_phase()
        cpu, pg_cpu = cpu_seconds(), process_tree_cpu_seconds(server)
        started = time.perf_counter()
        response = client.get(f"/api/v1/releases/{release.pk}/download/", {"format": fmt})
        assert response.status_code == 200, response.status_code
        assert response.streaming
        digest, size, first = hashlib.sha256(), 0, None
        with open(os.devnull, "wb") as sink:
            for chunk in response.streaming_content:
                if first is None:
                    first = time.perf_counter() - started
                digest.update(chunk)
                sink.write(chunk)
                size += len(chunk)
        response.close()
        http = time.perf_counter() - started
        cpu, pg_cpu = cpu_seconds() - cpu, process_tree_cpu_seconds(server) - pg_cpu
        peak, hwm = sampler.end_phase()
        assert size == file.size, "download differs in size"
        assert digest.hexdigest() == file.sha256, "download differs"
        figures.update(http_s=http, http_first_byte_s=first, http_rss=(base, peak, hwm))
        figures.update(http_cpu_s=cpu, http_pg_cpu_s=pg_cpu)
        print(
            f"{fmt:>5} download (HTTP): {size / 1e6:.1f} MB in {http:.1f} s = "
            f"{size / 1e6 / http:,.0f} MB/s, first byte after {first:.2f} s; "
            f"RSS {mb(base)} → peak {mb(peak)} (VmHWM {mb(hwm)}); CPU: Python {cpu:.1f} s "
            f"(hashing included), PostgreSQL {pg_cpu:.1f} s; sha256 matches",
            flush=True,
        )

        # Download straight from release_file_chunks (what export_dataset --release does).
        base = sampler.start_phase()
        started = time.perf_counter()
        size = 0
        with open(os.devnull, "wb") as sink:
            for chunk in release_file_chunks(file):
                sink.write(chunk)
                size += len(chunk)
        direct = time.perf_counter() - started
        peak, hwm = sampler.end_phase()
        figures.update(chunks_s=direct, chunks_rss=(base, peak, hwm))
        print(
            f"{fmt:>5} download (chunks): {size / 1e6:.1f} MB in {direct:.1f} s = "
            f"{size / 1e6 / direct:,.0f} MB/s; RSS {mb(base)} → peak {mb(peak)}",
            flush=True,
        )
        total = cut + http
        figures["claims_per_s"] = release.claim_count / total
        busy = sum(figures[k] for k in ("cut_cpu_s", "cut_pg_cpu_s", "http_cpu_s", "http_pg_cpu_s"))
        print(
            f"{fmt:>5} cut + HTTP download: {total:.1f} s = "
            f"{figures['claims_per_s']:,.0f} claims/s; CPU (Python + PostgreSQL) {busy:.1f} s = "
            f"{release.claim_count / busy:,.0f} claims per CPU-second",
            flush=True,
        )
    sampler.stopped.set()
    sampler.start_phase()
    print(
        f"peak RSS of the measuring process: {mb(sampler.process_peak)} "
        f"(ru_maxrss before the first phase: {mb(maxrss_start)})"
    )
    for fmt, figures in results.items():
        peak = max(figures[k][1] for k in ("cut_rss", "http_rss", "chunks_rss"))
        rate = f"{figures['claims_per_s']:,.0f} claims/s cut + download"
        if fmt == "jsonl":
            met = figures["claims_per_s"] >= 20_000
            rate += f" (target ≥ 20,000: {'met' if met else 'NOT met'})"
        print(
            f"{fmt:>5}: {rate}; peak RSS {mb(peak)} "
            f"(target < 250 MB: {'met' if peak < 250 * 1024 else 'NOT met'})"
        )
    print("RESULTS " + json.dumps(results))


# --- main --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--evidence-per-claim", type=int, default=2)
    parser.add_argument("--formats", default="jsonl,csv", help="comma-separated")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/claimdesk_bench_export"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--measure-only", action="store_true", help="measure on an existing (--keep'd) database"
    )
    parser.add_argument("--wait", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace Python allocations during cuts (slower: memory figures only)",
    )
    args = parser.parse_args()
    args.formats = [f.strip() for f in args.formats.split(",") if f.strip()]

    if args.measure_only:
        if args.wait and not sys.stdin.readline():
            return  # the seeding failed: nothing to measure
        measure(args)
        return

    # Start the measuring process now, while this one is small: a process started after
    # the seeding would inherit its peak in ru_maxrss (Linux carries the parent's
    # high-water mark over fork and exec). It waits for a line on stdin.
    child = [sys.executable, __file__, "--measure-only", "--wait"]
    child += ["--database-url", args.database_url, "--formats", ",".join(args.formats)]
    child += ["--tracemalloc"] if args.tracemalloc else []
    measuring = subprocess.Popen(child, stdin=subprocess.PIPE, text=True)
    try:
        seed_and_report(args)
        measuring.stdin.write("go\n")
        measuring.stdin.close()
        if measuring.wait():
            sys.exit(f"the measuring process failed ({measuring.returncode})")
    finally:
        if measuring.poll() is None:
            measuring.stdin.close()  # end of file: it exits without measuring
            measuring.wait()
        if not args.keep:
            recreate_database(args.database_url, drop_only=True)
            print(f"dropped {args.database_url.rsplit('/', 1)[1]} (--keep to keep it)")


def seed_and_report(args) -> None:
    recreate_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    counts = seed(args.claims, args.documents, args.evidence_per_claim)
    seeded = time.perf_counter() - started
    started = time.perf_counter()
    size = settle()
    settled = time.perf_counter() - started
    connections.close_all()
    seed_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"seeded:   {counts['claims']:,} claims ({counts['accepted']:,} accepted), "
        f"{counts['evidence']:,} evidence links, {counts['passages']:,} passages, "
        f"{counts['topic_links']:,} topic links, {counts['documents']:,} documents "
        f"({counts['text_mb']:.1f} MB of text)"
    )
    copying = ", ".join(f"{table} {s:.1f} s" for table, s in counts["copying_s"].items())
    print(
        f"seeding:  {seeded:.1f} s ({counts['claims'] / seeded:,.0f} claims/s): building rows "
        f"{counts['generating_s']:.1f} s; COPY {copying}; checking invariants, rebuilding "
        f"indexes and constraints {counts['indexing_s']:.1f} s. VACUUM ANALYZE + CHECKPOINT "
        f"{settled:.1f} s; database {size}; peak RSS {mb(seed_rss)} "
        f"(before seeding {mb(rss_before)}); load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
