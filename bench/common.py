"""What the benchmark scripts share: the sample corpus and a fresh database."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_paragraphs() -> list[str]:
    """The paragraphs (over 40 characters) of ../shared/corpus/*.txt, in file order."""
    found = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        found += [p.strip() for p in text.split("\n\n") if len(p.strip()) > 40]
    if not found:
        sys.exit(f"No corpus paragraphs found in {CORPUS}")
    return found


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    """Drop the benchmark's database (PostgreSQL, or an SQLite file) and create it empty."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def python_speed_ms() -> float:
    """Milliseconds for a fixed pure-Python loop (5 million additions), best of three.

    The machines are shared virtual machines whose speed drifts by a third or
    more within minutes; printing this next to a run's figures tells a slow
    phase from a slower program.
    """
    import time

    best = float("inf")
    for _ in range(3):
        started, total = time.perf_counter(), 0
        for i in range(5_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return 1000 * best


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (field 3 onwards)."""
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def process_tree_cpu_seconds(parent: int) -> float:
    """CPU time (user + system) of a server process and its children: its own,
    its live children's, and (cutime, cstime: counted when it reaps them) those
    that have exited since. For gunicorn's master and its workers, or for
    PostgreSQL's server process and its backends (whose background processes
    count too: read it on a machine where nothing else uses the server)."""
    ticks = sum(int(value) for value in _stat(parent)[11:15])
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = _stat(int(entry))
        except OSError:
            continue  # exited meanwhile: counted in the parent's cutime
        if int(fields[1]) == parent:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def postmaster_pid() -> int:
    """The PostgreSQL server process behind Django's default connection."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    return int(_stat(backend)[1])  # a backend's parent is the server process
