"""Release cuts as background jobs (issue 16): 202 + queued, progress, 409 until
ready, failures with their reason, retry, and who may see a job.

The queued cut runs through the library's own worker (tests/jobs.py); the
worker-process tests (SIGKILL, two workers) are in test_jobs_workers.py.
"""

import io
import zipfile

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from curation.choices import ReleaseStatus
from curation.models import Membership, Release, ReleaseFile
from curation.services import release_cut, releases
from curation.services.release_jobs import release_run

from .jobs import run_queued_jobs
from .test_releases import seed

pytestmark = pytest.mark.django_db
API = "/api/v1/releases/"


@pytest.fixture
def graded(project):
    """Four accepted claims, with topics and evidence."""
    seed(project, 4)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_post_answers_202_queued_and_download_is_409_until_ready(project, owner, viewer, graded):
    owner_client, viewer_client = client_for(owner), client_for(viewer)

    posted = owner_client.post(
        API, {"project": project.pk, "name": "j", "formats": ["jsonl"]}, format="json"
    )

    assert posted.status_code == 202, posted.content
    body = posted.json()
    assert (body["status"], body["version"], body["files"]) == ("queued", 1, [])
    assert body["progress_done"] == 0 and body["attempts"] == 0
    early = viewer_client.get(f"{API}{body['id']}/download/?format=jsonl")
    assert early.status_code == 409
    assert early.json()["status"] == "queued"
    listed = viewer_client.get(API).json()["results"]
    assert [(r["id"], r["status"]) for r in listed] == [(body["id"], "queued")]

    run_queued_jobs()

    ready = viewer_client.get(f"{API}{body['id']}/").json()
    assert ready["status"] == "ready"
    assert ready["claim_count"] == 4
    assert (ready["progress_done"], ready["progress_total"], ready["attempts"]) == (4, 4, 1)
    assert ready["started_at"] and ready["finished_at"] and not ready["error"]
    download = viewer_client.get(f"{API}{body['id']}/download/?format=jsonl")
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert len(archive.read("claims.jsonl").splitlines()) == 4
    task = DBTaskResult.objects.get(id=ready_task_id(body["id"]))
    assert task.status == "SUCCESSFUL"


def ready_task_id(release_id: int) -> str:
    return Release.objects.get(pk=release_id).task_id


def test_queued_release_and_its_task_are_written_together(project, owner, graded):
    posted = client_for(owner).post(API, {"project": project.pk, "name": "q"}, format="json")

    release = Release.objects.get(pk=posted.json()["id"])
    task = DBTaskResult.objects.get(id=release.task_id)
    assert task.task_path == "curation.tasks.release_cut_task"
    assert task.args_kwargs["args"] == [release.pk]
    assert release.formats == ["jsonl", "csv", "webannotation", "fever", "fixture"]


def test_refused_post_queues_nothing(project, viewer, graded):
    response = client_for(viewer).post(API, {"project": project.pk, "name": "r"}, format="json")

    assert response.status_code == 403
    assert not Release.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_failed_cut_says_why_and_can_be_retried(project, owner, viewer, graded, monkeypatch):
    client = client_for(owner)
    release_id = client.post(API, {"project": project.pk, "name": "r"}, format="json").json()["id"]
    write = releases.write_release_files

    def disk_full(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("curation.services.release_jobs.write_release_files", disk_full)
    run_queued_jobs()

    failed = client.get(f"{API}{release_id}/").json()
    assert failed["status"] == "failed"
    assert "disk full" in failed["error"]
    assert not ReleaseFile.objects.filter(release_id=release_id).exists()
    assert client.get(f"{API}{release_id}/download/").status_code == 409
    assert client_for(viewer).post(f"{API}{release_id}/retry/").status_code == 403

    monkeypatch.setattr("curation.services.release_jobs.write_release_files", write)
    retried = client.post(f"{API}{release_id}/retry/")
    assert retried.status_code == 202
    assert retried.json()["status"] == "queued"
    run_queued_jobs()

    ready = client.get(f"{API}{release_id}/").json()
    assert (ready["status"], ready["error"], ready["claim_count"]) == ("ready", "", 4)
    assert client.post(f"{API}{release_id}/retry/").status_code == 409


def test_a_job_run_twice_cuts_once(project, owner, graded):
    release_id = (
        client_for(owner)
        .post(API, {"project": project.pk, "name": "r"}, format="json")
        .json()["id"]
    )
    run_queued_jobs()

    assert release_run(release_id=release_id) == "nothing to cut"
    release = Release.objects.get(pk=release_id)
    assert (release.status, release.attempts) == (ReleaseStatus.READY, 1)
    assert release.files.count() == 5


def test_removed_member_and_outsider_see_nothing_of_the_job(project, owner, viewer, outsider):
    seed(project, 3)
    release_id = (
        client_for(owner)
        .post(API, {"project": project.pk, "name": "r"}, format="json")
        .json()["id"]
    )
    run_queued_jobs()
    viewer_client = client_for(viewer)
    assert viewer_client.get(f"{API}{release_id}/").status_code == 200

    Membership.objects.filter(user=viewer).delete()

    for client in (viewer_client, client_for(outsider)):
        assert client.get(f"{API}{release_id}/").status_code == 404
        assert client.get(f"{API}{release_id}/download/").status_code == 404
        assert client.post(f"{API}{release_id}/retry/").status_code == 404


def test_list_query_count_does_not_grow_with_jobs(
    project, owner, graded, django_assert_max_num_queries
):
    client = client_for(owner)
    for _ in range(2):
        client.post(API, {"project": project.pk, "name": "j", "formats": ["jsonl"]}, format="json")
    with django_assert_max_num_queries(4):
        assert len(client.get(API).json()["results"]) == 2
    for _ in range(5):
        client.post(API, {"project": project.pk, "name": "j", "formats": ["jsonl"]}, format="json")
    run_queued_jobs()
    with django_assert_max_num_queries(4):
        results = client.get(API).json()["results"]
    assert len(results) == 7
    assert {r["status"] for r in results} == {"ready"}


def test_inline_cut_is_ready_at_once_and_reports_progress(project, owner):
    seed(project, 600)
    seen = []

    release = release_cut(actor=owner, project=project, name="inline", formats=["jsonl"],
                          progress=seen.append)  # fmt: skip

    assert release.status == ReleaseStatus.READY
    assert seen == [256, 512, 600]


def test_export_command_prints_progress(project, owner, tmp_path, capsys):
    seed(project, 5)

    call_command("export_dataset", "--project=alpha", f"--output={tmp_path / 'a.zip'}")

    err = capsys.readouterr().err
    assert "5/5 claims" in err
    assert Release.objects.get().status == ReleaseStatus.READY


def test_post_only_queues_its_queries_do_not_depend_on_the_claims(
    project, owner, django_assert_num_queries
):
    """Session, user, project, (savepoint), role, project lock, last version, release,
    task, task id, (release savepoint), the answer's release and its files: 13, with
    3 claims or 60 (bench/jobs.py times it at 1,000 and 100,000)."""
    client = client_for(owner)
    client.get(API)
    for count in (3, 57):
        seed(project, count, tag=str(count))
        with django_assert_num_queries(13):
            response = client.post(API, {"project": project.pk, "name": "n"}, format="json")
        assert response.status_code == 202


@pytest.mark.parametrize(("attempts", "status"), [(1, "queued"), (3, "failed")])
def test_recovery_queues_an_orphan_again_until_its_attempts_are_spent(
    project, owner, graded, attempts, status
):
    """A job whose task a worker took, but whose lock nobody holds (the worker died):
    queued again while it has attempts left, then failed for good with the reason."""
    from django.db import connection
    from django.utils import timezone

    from curation.services.jobs import jobs_recover

    release_id = client_for(owner).post(API, {"project": project.pk, "name": "o"}).json()["id"]
    release = Release.objects.get(pk=release_id)
    Release.objects.filter(pk=release_id).update(status="running", attempts=attempts)
    long_ago = timezone.now() - timezone.timedelta(minutes=5)
    DBTaskResult.objects.filter(id=release.task_id).update(status="RUNNING", started_at=long_ago)

    assert jobs_recover(assume_dead=connection.vendor != "postgresql") == 1

    release.refresh_from_db()
    task = DBTaskResult.objects.get(id=release.task_id)
    assert release.status == status
    if status == "queued":
        assert task.status == "READY"
        run_queued_jobs()
        release.refresh_from_db()
        assert (release.status, release.attempts) == ("ready", attempts + 1)
    else:
        assert task.status == "FAILED"
        assert "stopped 3 times" in release.error
    assert jobs_recover(assume_dead=connection.vendor != "postgresql") == 0
