"""The admin's side of background jobs (issue 16): the "Import documents" page, a
job's progress and outcomes, a release's state, and retrying a failed cut."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from curation.choices import ImportStatus, ReleaseStatus
from curation.models import Document, ImportJob, Release
from curation.services.release_jobs import release_enqueue

from .jobs import run_queued_jobs
from .test_releases import seed

pytestmark = pytest.mark.django_db
REFRESH = b'<meta http-equiv="refresh" content="2">'


def test_owner_imports_documents_from_the_admin(client, project, owner):
    client.force_login(owner)
    page = client.get(reverse("admin:curation_importjob_add"))
    assert page.status_code == 200
    assert b"Import documents" in page.content

    response = client.post(
        reverse("admin:curation_importjob_add"),
        {
            "project": project.pk,
            "kind": "documents",
            "language": "en",
            "files": [
                SimpleUploadedFile("a.txt", b"First <b>document</b>."),
                SimpleUploadedFile("b.txt", b""),
            ],
            "_save": "Save",
        },
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("admin:curation_importjob_change", args=[job.pk])
    queued = client.get(response["Location"])
    assert REFRESH in queued.content
    assert b"Waiting for a worker" in queued.content

    run_queued_jobs()

    done = client.get(response["Location"])
    assert REFRESH not in done.content
    document = Document.objects.get()
    assert f"imported a.txt as document {document.pk}".encode() in done.content
    assert b"FAILED b.txt: empty file" in done.content
    assert b"imported 1, skipped 0, failed 1" in done.content
    # Text is rendered as text.
    assert document.text == "First <b>document</b>."
    assert ImportJob.objects.get().status == ImportStatus.DONE


def test_viewer_cannot_import_and_outsider_sees_no_job(client, project, owner, viewer, outsider):
    client.force_login(owner)
    client.post(
        reverse("admin:curation_importjob_add"),
        {"project": project.pk, "kind": "documents", "files": [SimpleUploadedFile("a.txt", b"x")]},
    )
    job = ImportJob.objects.get()

    client.force_login(viewer)
    assert client.get(reverse("admin:curation_importjob_add")).status_code == 403
    assert client.get(reverse("admin:curation_importjob_change", args=[job.pk])).status_code == 200
    client.force_login(outsider)
    change = client.get(reverse("admin:curation_importjob_change", args=[job.pk]))
    retry = client.post(reverse("admin:curation_importjob_retry", args=[job.pk]))
    assert change.status_code == retry.status_code == 404


def test_import_changelist_query_count_does_not_grow(
    client, project, owner, django_assert_max_num_queries
):
    client.force_login(owner)
    url = reverse("admin:curation_importjob_changelist")
    for count in (1, 6):
        while ImportJob.objects.count() < count:
            client.post(
                reverse("admin:curation_importjob_add"),
                {
                    "project": project.pk,
                    "kind": "documents",
                    "files": [SimpleUploadedFile(f"{count}.txt", b"Some text.")],
                },
            )
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_release_page_shows_state_progress_and_retries_a_failed_cut(
    client, project, owner, monkeypatch
):
    seed(project, 3)
    release = release_enqueue(actor=owner, project=project, name="r", formats=["jsonl"])
    client.force_login(owner)
    url = reverse("admin:curation_release_change", args=[release.pk])

    queued = client.get(url)
    assert REFRESH in queued.content
    assert b"Once the cut is ready." in queued.content
    listed = client.get(reverse("admin:curation_release_changelist"))
    assert b"Queued" in listed.content

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("curation.services.release_jobs.write_release_files", broken)
    run_queued_jobs()
    failed = client.get(url)
    assert b"disk full" in failed.content
    assert b"Retry the cut" in failed.content
    assert REFRESH not in failed.content

    monkeypatch.undo()
    retried = client.post(reverse("admin:curation_release_retry", args=[release.pk]))
    assert retried.status_code == 302
    assert Release.objects.get().status == ReleaseStatus.QUEUED
    run_queued_jobs()
    ready = client.get(url)
    assert b"3 of 3 claims written" in ready.content
    assert reverse("admin:curation_release_download", args=[release.pk, "jsonl"]).encode() in (
        ready.content
    )
