"""What the benchmark scripts share: the sample corpus and a fresh database."""

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
