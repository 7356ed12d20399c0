"""Benchmark: import_documents on PostgreSQL.

Builds N documents (default 2,000) from the paragraphs of ../shared/corpus/
(deterministic: seeded), writes them as .txt files, and times the import
command in-process (Django start-up and migrations excluded). Prints
documents/s, the CPU of this process, its readers and its PostgreSQL backend, and
the peak resident memory.

    .venv/bin/python bench/import.py [--n 2000] [--rounds 5] [--jobs N]
        [--database-url postgres://…/claimdesk_bench]

The database named in --database-url is dropped and recreated.
"""

import argparse
import io
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, corpus_paragraphs, recreate_database


def build_files(directory: Path, n: int) -> int:
    rng = random.Random(20261122)
    pool = corpus_paragraphs()
    total = 0
    for i in range(n):
        body = "\n\n".join(rng.choice(pool) for _ in range(rng.randint(2, 8)))
        text = f"Bench document {i}\nDOI: 10.5555/bench.{i}\n\n{body}\n"
        data = text.encode("utf-8")
        total += len(data)
        (directory / f"doc{i:06d}.txt").write_bytes(data)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/claimdesk_bench"
    )
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=None, help="import_documents --jobs")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    recreate_database(args.database_url)
    os.environ.update(DATABASE_URL=args.database_url, DEBUG="1")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from curation.models import Document, Project

    call_command("migrate", verbosity=0)

    rates, cpu = [], []
    with tempfile.TemporaryDirectory() as tmp:
        size = build_files(Path(tmp), args.n)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        # Each round imports the same files into a fresh project: the machine is
        # shared and noisy, so the median of several rounds is the figure to quote.
        for round_ in range(1, args.rounds + 1):
            slug = f"bench-{round_}"
            Project.objects.create(slug=slug, name=f"Bench {round_}")
            out = io.StringIO()
            cpu_before = _cpu_seconds()
            started = time.perf_counter()
            call_command(
                "import_documents",
                tmp,
                "--project",
                slug,
                "--batch-size",
                str(args.batch_size),
                *([] if args.jobs is None else ["--jobs", str(args.jobs)]),
                stdout=out,
                stderr=out,
            )
            elapsed = time.perf_counter() - started
            cpu_after = _cpu_seconds()
            cpu.append([end - start for end, start in zip(cpu_after, cpu_before, strict=True)])
            imported = Document.objects.filter(project__slug=slug).count()
            rates.append(imported / elapsed)
            print(
                f"round {round_}: {imported} documents in {elapsed:.2f} s = "
                f"{rates[-1]:,.0f} documents/s  ({out.getvalue().strip().splitlines()[-1]})"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    # Reader processes (--jobs) are children: report the largest of them too.
    peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"documents:        {args.n} per round ({size / 1e6:.1f} MB of text)")
    print(
        f"rate:             median {statistics.median(rates):,.0f} documents/s "
        f"(best {max(rates):,.0f}, worst {min(rates):,.0f}, {len(rates)} rounds)"
    )
    main_cpu, readers_cpu, server_cpu = (statistics.median(part) for part in zip(*cpu, strict=True))
    print(
        f"CPU, median:      {main_cpu:.2f} s this process, {readers_cpu:.2f} s readers, "
        f"{server_cpu:.2f} s PostgreSQL ({main_cpu + readers_cpu + server_cpu:.2f} s in all)"
    )
    print(f"peak RSS:         {peak / 1024:.0f} MB (before import: {rss_before / 1024:.0f} MB)")
    print(f"peak RSS, reader: {peak_child / 1024:.0f} MB (largest worker process)")


def _cpu_seconds() -> tuple[float, float, float]:
    """CPU seconds so far of this process, of its ended reader processes and of its
    PostgreSQL backend (from /proc: the server runs on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        server = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:  # a server on another machine: its CPU is not seen from here
        server = float("nan")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time(), children.ru_utime + children.ru_stime, server


if __name__ == "__main__":
    main()
