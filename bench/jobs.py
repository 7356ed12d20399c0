"""Benchmark: release cuts as background jobs (issue 16), against the inline cut.

Interleaved pairs on the same data: "before" cuts inline with the code of a
given git commit (today's path: release_cut in the request), "after" POSTs
/api/v1/releases/ and a fresh `manage.py worker` process cuts it. Reports the
cut's rate (claims/s: the worker's started_at → finished_at, which includes
its count of the claims), the POST's latency, and the worker's peak RSS
(VmHWM, the whole process). With --bypass it also pairs the cut with and
without its helper-thread chunk writer (a raw psycopg cursor used from another
thread, issue 12).

    .venv/bin/python bench/jobs.py --before-root /path/to/checkout-of-main \\
        [--claims 100000] [--pairs 5] [--bypass] [--seed]

--seed makes both databases: bench/export.py of the before checkout seeds
claimdesk_bench_jobs_before (and measures once), then
claimdesk_bench_jobs_after is copied from it and migrated with this code.
That checkout needs ../shared/corpus beside it (a symlink will do).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, recreate_database

BASE = "postgres://postgres@127.0.0.1:5432"
BEFORE_DB, AFTER_DB = "claimdesk_bench_jobs_before", "claimdesk_bench_jobs_after"
SLUG = "bench-export"


def env_for(url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-jobs-not-secret"}
    env.update(ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0", LOG_LEVEL="WARNING")
    env.pop("DEBUG", None)
    return env


def seed(args) -> None:
    before = f"{BASE}/{BEFORE_DB}"
    subprocess.run(
        [sys.executable, str(Path(args.before_root) / "bench" / "export.py"),
         "--claims", str(args.claims), "--formats", "jsonl", "--keep",
         "--database-url", before],
        check=True, cwd=args.before_root,
    )  # fmt: skip
    recreate_database(f"{BASE}/{AFTER_DB}", drop_only=True)
    import psycopg

    with psycopg.connect(f"{BASE}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{AFTER_DB}" TEMPLATE "{BEFORE_DB}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        check=True, cwd=ROOT, env=env_for(f"{BASE}/{AFTER_DB}"),
    )  # fmt: skip


# -- one measurement per process ------------------------------------------------------------


def setup(root: str, url: str) -> None:
    os.environ.update(env_for(url))
    sys.path.insert(0, root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def inline_cut(args) -> dict:
    """release_cut in this process, as a request or export_dataset does."""
    setup(args.root, args.url)
    from curation.models import Project
    from curation.services import SYSTEM, release_cut

    if args.plain:  # the cut without its helper-thread chunk writer (issue 12's bypass)
        from curation.services import releases

        serial_worker, saver = releases.serial_worker, releases._chunk_saver
        releases.serial_worker = lambda threaded: serial_worker(threaded=False)
        releases._chunk_saver = lambda file, any_thread: saver(file, any_thread=False)
    project = Project.objects.get(slug=SLUG)
    started = time.perf_counter()
    release = release_cut(actor=SYSTEM, project=project, name="bench", formats=["jsonl"])
    seconds = time.perf_counter() - started
    return {"claims": release.claim_count, "cut_s": seconds, "rss_kb": _hwm(os.getpid())}


def worker_cut(args) -> dict:
    """POST the cut, then a fresh worker process cuts it; timed by the job's own stamps."""
    setup(str(ROOT), args.url)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from curation.models import Project, Release

    project = Project.objects.get(slug=SLUG)
    client = Client()
    client.force_login(get_user_model().objects.filter(is_superuser=True).first() or _root())
    client.get("/api/v1/releases/")  # imports and URL resolving: not what a POST costs
    started = time.perf_counter()
    response = client.post(
        "/api/v1/releases/",
        {"project": project.pk, "name": "bench", "formats": ["jsonl"]},
        content_type="application/json",
    )
    post_ms = (time.perf_counter() - started) * 1000
    assert response.status_code == 202, response.content
    pk = response.json()["id"]
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay",
         "--interval=0.05", "-v0"],
        cwd=ROOT, env=env_for(args.url),
    )  # fmt: skip
    try:
        peak = 0
        while (release := Release.objects.get(pk=pk)).status not in ("ready", "failed"):
            peak = max(peak, _hwm(worker.pid))
            time.sleep(0.05)
        peak = max(peak, _hwm(worker.pid))
    finally:
        worker.terminate()
        worker.wait()
    assert release.status == "ready", release.error
    seconds = (release.finished_at - release.started_at).total_seconds()
    return {"claims": release.claim_count, "cut_s": seconds, "post_ms": post_ms, "rss_kb": peak}


def _root():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("bench-root", "", "bench-root-pw")


def _hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


# -- the pairs ------------------------------------------------------------------------------


def run(mode: str, root: str, db: str, *extra: str) -> dict:
    command = [sys.executable, __file__, f"--{mode}", "--root", root, "--url", f"{BASE}/{db}"]
    output = subprocess.run(
        [*command, *extra], check=True, capture_output=True, text=True, cwd=root
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def pairs(args) -> None:
    rows = {} if args.bypass_only else {"before (inline)": [], "after (worker)": []}
    if args.bypass or args.bypass_only:
        rows |= {"after inline, threaded writer": [], "after inline, plain": []}
    for number in range(1, args.pairs + 1):
        for label, mode, root, db, extra in [
            *(
                []
                if args.bypass_only
                else [
                    ("before (inline)", "inline-cut", args.before_root, BEFORE_DB, ()),
                    ("after (worker)", "worker-cut", str(ROOT), AFTER_DB, ()),
                ]
            ),
            *(
                [
                    ("after inline, threaded writer", "inline-cut", str(ROOT), AFTER_DB, ()),
                    ("after inline, plain", "inline-cut", str(ROOT), AFTER_DB, ("--plain",)),
                ]
                if args.bypass or args.bypass_only
                else []
            ),
        ]:
            figures = run(mode, root, db, *extra)
            rows[label].append(figures)
            post = f", POST {figures['post_ms']:.0f} ms" if "post_ms" in figures else ""
            print(
                f"pair {number} {label:>30}: {figures['claims']:,} claims in "
                f"{figures['cut_s']:.1f} s = {figures['claims'] / figures['cut_s']:,.0f} claims/s"
                f"{post}; peak RSS {figures['rss_kb'] / 1024:.0f} MB; "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    print("medians:")
    for label, runs in rows.items():
        rate = statistics.median(r["claims"] / r["cut_s"] for r in runs)
        rss = max(r["rss_kb"] for r in runs) / 1024
        posts = [r["post_ms"] for r in runs if "post_ms" in r]
        post = f", POST median {statistics.median(posts):.0f} ms" if posts else ""
        print(f"  {label:>30}: {rate:,.0f} claims/s{post}; peak RSS max {rss:.0f} MB")
    if not args.bypass_only:
        ratios = [
            (a["claims"] / a["cut_s"]) / (b["claims"] / b["cut_s"])
            for a, b in zip(rows["after (worker)"], rows["before (inline)"], strict=True)
        ]
        print(f"  worker ÷ inline per pair: {', '.join(f'{r:.2f}' for r in ratios)}; "
              f"median {statistics.median(ratios):.2f}")  # fmt: skip
    if args.bypass or args.bypass_only:
        ratios = [
            (a["claims"] / a["cut_s"]) / (b["claims"] / b["cut_s"])
            for a, b in zip(
                rows["after inline, threaded writer"], rows["after inline, plain"], strict=True
            )
        ]
        print(f"  threaded writer ÷ plain per pair: {', '.join(f'{r:.2f}' for r in ratios)}; "
              f"median {statistics.median(ratios):.2f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before-root", help="a checkout of the code to compare with")
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--seed", action="store_true")
    parser.add_argument("--bypass", action="store_true")
    parser.add_argument("--bypass-only", action="store_true", help="only the bypass A/B")
    parser.add_argument("--inline-cut", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker-cut", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--plain", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inline_cut or args.worker_cut:
        figures = inline_cut(args) if args.inline_cut else worker_cut(args)
        print(json.dumps(figures))
        return
    if args.seed:
        seed(args)
    pairs(args)


if __name__ == "__main__":
    main()
