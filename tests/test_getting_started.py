"""What a new user runs first: the README's `requests` example against a live demo
server, and `make demo` run twice (issue 19, items 1 and 2)."""

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")
README_API = 'API = "http://127.0.0.1:8000/api/v1"'


def readme_example() -> str:
    """The README's Python block that follows 'A session with `requests`'."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    after = readme[readme.index("A session with `requests`") :]
    code = re.search(r"```python\n(.*?)```", after, re.S).group(1)
    assert README_API in code
    return code


def run_example(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=180, check=False
    )


@pytest.mark.django_db(transaction=True)
def test_the_readme_example_runs_against_the_demo_and_stops_on_a_refusal(live_server, settings):
    # The demo users' passwords are hashed as in production (tests use a fast hasher).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    call_command("loaddata", "demo", verbosity=0)
    code = readme_example().replace(README_API, f'API = "{live_server.url}/api/v1"')

    first = run_example(code)

    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ["0 26 F2", "accepted rafael 1"]

    # Again: the project already holds that text. The user sees the refusal and why,
    # not a wrong result.
    second = run_example(code)

    assert second.returncode != 0
    assert second.stdout == ""
    assert "POST" in second.stderr and "answered 400" in second.stderr
    assert "already" in second.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_demo(database: Path, port: int) -> str:
    """Run `make demo` until its server answers; stop it; return what it printed."""
    env = {**os.environ, "DEMO_DB": f"sqlite:///{database}"}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [MAKE, "--no-print-directory", "demo", f"PORT={port}", "HOST=127.0.0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # make, manage.py and the server's reloader: one group
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.stdout.read()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "make demo did not serve in time"
                time.sleep(0.3)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    return output


@pytest.mark.skipif(MAKE is None, reason="needs make")
def test_make_demo_serves_on_the_port_asked_and_keeps_changes_when_run_again(tmp_path):
    database = tmp_path / "demo.sqlite3"
    port = free_port()

    first = serve_demo(database, port)

    assert "Installed" in first
    assert f"http://127.0.0.1:{port}/admin/" in first
    with sqlite3.connect(database) as db:
        db.execute("UPDATE curation_claim SET statement = 'My own wording' WHERE id = 1")

    second = serve_demo(database, free_port())

    assert "Installed" not in second
    assert "Keeping the data already in the database" in second
    with sqlite3.connect(database) as db:
        (statement,) = db.execute("SELECT statement FROM curation_claim WHERE id = 1").fetchone()
    assert statement == "My own wording"
