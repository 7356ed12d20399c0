"""Real worker processes on PostgreSQL (issue 16): a worker SIGKILLed in the middle
of a cut leaves no files and no ready release, and the next worker cuts it
whole; two workers never run the same job.

Each test starts `manage.py worker` processes against the test database
(committed data: transactional tests) and stops them before it ends.
"""

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from curation.choices import ClaimStatus, ReleaseStatus
from curation.models import Claim, Passage, Release, ReleaseChunk
from curation.services import release_file_chunks
from curation.text import normalize_text

from .factories import DocumentFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent
API = "/api/v1/releases/"


def seed_claims(project, count: int) -> None:
    """`count` accepted claims on one document, in three statements."""
    text = normalize_text(" ".join(f"w{i:05d}" for i in range(count)))
    document = DocumentFactory(project=project, text=text)
    passages = Passage.objects.bulk_create(
        Passage(document=document, start=i * 7, end=i * 7 + 6, exact=text[i * 7 : i * 7 + 6])
        for i in range(count)
    )
    Claim.objects.bulk_create(
        Claim(
            project=project,
            passage=p,
            statement=p.exact,
            status=ClaimStatus.ACCEPTED,
            reviewed_at=timezone.now(),
        )
        for p in passages
    )


def worker_env(**extra) -> dict:
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    return {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": url,
        "CLAIMDESK_JOB_RECOVER_AFTER": "0",
        **extra,
    }


@contextmanager
def workers(count: int = 1, **env):
    """`count` worker processes; each is stopped (SIGKILL) when the block ends."""
    command = [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay"]
    command += ["--interval=0.1", "--recover-every=0.5", "-v0"]
    started = [
        subprocess.Popen(command, cwd=ROOT, env=worker_env(**env), start_new_session=True)
        for _ in range(count)
    ]
    try:
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


def wait_for(condition, *, timeout: float = 60, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    pytest.fail(f"timed out waiting for {what or condition}")


def release_state(pk: int) -> Release:
    return Release.objects.get(pk=pk)


def test_a_worker_killed_mid_cut_leaves_nothing_and_the_next_cuts_it_whole(project, owner):
    seed_claims(project, 12000)
    client = APIClient()
    client.force_login(owner)
    posted = client.post(API, {"project": project.pk, "name": "k", "formats": ["jsonl", "csv"]})
    assert posted.status_code == 202
    pk = posted.json()["id"]
    # Progress written as often as it comes: the cut takes a lock on its release row
    # at each write, which this test holds to stop the cut where it stands.
    blocker = connections.create_connection("default")
    with workers(1, CLAIMDESK_JOB_PROGRESS_SECONDS="0") as (first,):
        wait_for(lambda: release_state(pk).progress_done > 0, what="the cut to start")
        blocker.set_autocommit(False)
        with blocker.cursor() as cursor:
            cursor.execute("SELECT 1 FROM curation_release WHERE id = %s FOR NO KEY UPDATE", [pk])
        wait_for(lambda: progress_write_waits(), timeout=20, what="the cut to wait")
        stopped_at = release_state(pk)
        assert stopped_at.status == ReleaseStatus.RUNNING
        assert 0 < stopped_at.progress_done < stopped_at.progress_total == 12000

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        blocker.rollback()
        blocker.close()

    killed = release_state(pk)
    assert killed.status == ReleaseStatus.RUNNING  # never ready: its files died with it
    assert not killed.files.exists()
    assert not ReleaseChunk.objects.filter(file__release_id=pk).exists()

    with workers(1):  # a restart: the new worker finds the orphan and cuts it again
        wait_for(lambda: release_state(pk).status == ReleaseStatus.READY, what="the re-cut")

    release = release_state(pk)
    assert (release.attempts, release.claim_count, release.error) == (2, 12000, "")
    assert len(DBTaskResult.objects.get(id=release.task_id).worker_ids) == 2
    assert sorted(release.files.values_list("format", flat=True)) == ["csv", "jsonl"]
    for file in release.files.all():
        body = b"".join(release_file_chunks(file))
        assert (len(body), hashlib.sha256(body).hexdigest()) == (file.size, file.sha256)
        archive = zipfile.ZipFile(io.BytesIO(body))
        assert json.loads(archive.read("manifest.json"))["counts"]["claims"] == 12000
    jsonl = zipfile.ZipFile(
        io.BytesIO(b"".join(release_file_chunks(release.files.get(format="jsonl"))))
    )
    assert len(jsonl.read("claims.jsonl").splitlines()) == 12000


def progress_write_waits() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE 'UPDATE \"curation_release\" SET progress_done%%'"
        )
        return cursor.fetchone()[0] > 0


def test_two_workers_never_run_the_same_job(project, owner):
    seed_claims(project, 200)
    client = APIClient()
    client.force_login(owner)
    ids = [
        client.post(API, {"project": project.pk, "name": f"r{i}", "formats": ["jsonl"]}).json()[
            "id"
        ]
        for i in range(8)
    ]

    with workers(2):
        wait_for(
            lambda: Release.objects.filter(pk__in=ids, status=ReleaseStatus.READY).count() == 8,
            what="every cut",
        )

    releases = Release.objects.filter(pk__in=ids)
    assert {r.attempts for r in releases} == {1}
    tasks = DBTaskResult.objects.filter(id__in=[r.task_id for r in releases])
    assert [len(t.worker_ids) for t in tasks] == [1] * 8
    assert {t.status for t in tasks} == {"SUCCESSFUL"}
