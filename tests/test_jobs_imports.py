"""Bulk imports as background jobs (issue 16): POST /api/v1/imports/ answers 202,
a worker imports the files with the import command's service and rules, and
GET /api/v1/imports/{id}/ reports each file or line as the command does."""

import io
import json
import stat
import sys
import types
import zipfile
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from curation.choices import ImportStatus
from curation.models import Document, ImportJob, Membership

from .factories import DocumentFactory, SourceFactory
from .jobs import run_queued_jobs

pytestmark = pytest.mark.django_db
API = "/api/v1/imports/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def upload(name: str, data: bytes | str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data.encode() if isinstance(data, str) else data)


def a_zip(entries: dict[str, bytes | str], *, links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def post(client, project, *files, **data):
    return client.post(
        API, {"project": project.pk, "file": list(files), **data}, format="multipart"
    )


def test_files_zip_and_jsonl_import_with_the_commands_outcomes(project, owner, viewer):
    existing = DocumentFactory(project=project, text="Already here.", title="Old")
    jsonl = "\n".join(
        [
            json.dumps({"title": "Line one", "text": "First line document.", "authors": ["A. B."]}),
            "{not json",
            json.dumps({"title": "no text"}),
            json.dumps({"text": "Already here.", "metadata": {"doc_id": 7}}),
            "",
            json.dumps({"text": "Fifth line.", "published_on": "2024-05-01", "topic": "x"}),
        ]
    )
    html = "<html><head><title>Brief</title></head><body><p>Policy text.</p></body></html>"
    archive = a_zip(
        {"in/one.txt": "Zipped one.", "in/two.md": "# Two\n\nZipped two.", "x.pdf": "%"}
    )

    response = post(
        client_for(owner),
        project,
        upload("notes.txt", "Plain notes.\r\n"),
        upload("page.html", html),
        upload("bundle.zip", archive),
        upload("docs.jsonl", jsonl),
        upload("bad.txt", b"\xff\xfe broken"),
    )

    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["status"], job["kind"], job["attempts"]) == ("queued", "documents", 0)
    run_queued_jobs()

    done = client_for(viewer).get(f"{API}{job['id']}/").json()
    assert done["status"] == "done"
    assert done["counts"] == {"imported": 6, "skipped": 1, "failed": 4}
    assert done["progress_done"] == done["progress_total"] == 11
    by_name = {item["name"]: item for item in done["items"]}
    notes = Document.objects.get(pk=by_name["notes.txt"]["document"])
    assert notes.text == "Plain notes.\n"
    assert by_name["notes.txt"]["message"] == f"imported notes.txt as document {notes.pk}"
    assert Document.objects.get(pk=by_name["page.html"]["document"]).title == "Brief"
    assert by_name["bundle.zip/in/one.txt"]["status"] == "imported"
    assert by_name["bundle.zip/x.pdf"]["error"].startswith("unsupported file type")
    line_one = Document.objects.get(pk=by_name["docs.jsonl:1"]["document"])
    assert (line_one.title, line_one.authors) == ("Line one", ["A. B."])
    assert by_name["docs.jsonl:2"]["message"].startswith(
        "FAILED docs.jsonl:2: line 2: not valid JSON"
    )
    assert 'no "text"' in by_name["docs.jsonl:3"]["error"]
    assert by_name["docs.jsonl:4"] == {
        "name": "docs.jsonl:4",
        "status": "skipped",
        "duplicate_of": existing.pk,
        "message": f"skipped docs.jsonl:4: same text as document {existing.pk} ('Old')",
    }
    fifth = Document.objects.get(pk=by_name["docs.jsonl:6"]["document"])
    assert fifth.published_on.isoformat() == "2024-05-01"
    assert fifth.metadata["topic"] == "x"
    assert by_name["bad.txt"]["error"].startswith("not valid UTF-8")
    assert [item["name"] for item in done["items"]][:2] == ["notes.txt", "page.html"]
    assert [f["name"] for f in done["files"]] == [
        "notes.txt", "page.html", "bundle.zip", "docs.jsonl", "bad.txt"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("archive", "reason"),
    [
        (a_zip({"../evil.txt": "x"}), "outside the archive"),
        (a_zip({"/etc/evil.txt": "x"}), "absolute path"),
        (a_zip({"ok.txt": "x"}, links=("link.txt",)), "is a link"),
        (b"PK not really a zip", "not a readable zip"),
    ],
)
def test_unsafe_zips_are_refused_before_anything_is_queued(project, owner, archive, reason):
    response = post(client_for(owner), project, upload("in.zip", archive))

    assert response.status_code == 400
    assert reason in response.json()["file"][0]
    assert not ImportJob.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_zip_limits_are_checked_on_the_directory(project, owner, settings):
    settings.CLAIMDESK_MAX_ZIP_ENTRIES = 3
    many = post(
        client_for(owner), project, upload("m.zip", a_zip({f"{i}.txt": "x" for i in range(4)}))
    )
    settings.CLAIMDESK_MAX_ZIP_ENTRIES = 100
    settings.CLAIMDESK_MAX_ZIP_UNPACKED_BYTES = 1000
    big = post(client_for(owner), project, upload("b.zip", a_zip({"big.txt": "x" * 5000})))

    assert many.status_code == big.status_code == 400
    assert "4 entries; the limit is 3" in many.json()["file"][0]
    assert "unpacks to 5000 bytes; the limit is 1000" in big.json()["file"][0]
    assert not ImportJob.objects.exists()


def test_an_upload_over_the_limit_is_413_and_queues_nothing(project, owner, settings):
    settings.CLAIMDESK_MAX_IMPORT_BYTES = 2000

    response = post(client_for(owner), project, upload("big.txt", "x" * 3000))

    assert response.status_code == 413
    assert "limit is 2000" in response.json()["detail"]
    assert not ImportJob.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_bad_requests_are_precise_400s(project, owner, other_project):
    client = client_for(owner)

    no_file = client.post(API, {"project": project.pk}, format="multipart")
    wrong_type = post(client, project, upload("a.pdf", "x"))
    foreign_source = post(
        client, project, upload("a.txt", "x"), source=SourceFactory(project=other_project).pk
    )
    bad_mapping = post(client, project, upload("a.json", "{}"), kind="doccano", mapping="[1")
    bad_kind = post(client, project, upload("a.txt", "x"), kind="pdf")

    assert no_file.status_code == 400 and "file" in no_file.json()
    assert wrong_type.status_code == 400 and "a.pdf" in wrong_type.json()["file"][0]
    assert foreign_source.status_code == 400 and "source" in foreign_source.json()
    assert bad_mapping.status_code == 400 and "mapping" in bad_mapping.json()
    assert bad_kind.status_code == 400 and "kind" in bad_kind.json()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "annotator", "reviewer"])
def test_only_owners_import(request, project, role):
    response = post(client_for(request.getfixturevalue(role)), project, upload("a.txt", "x"))

    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_other_projects_jobs_are_404_and_absent_from_lists(project, owner, viewer, outsider):
    job_id = post(client_for(owner), project, upload("a.txt", "Text.")).json()["id"]
    outsider_client = client_for(outsider)

    assert outsider_client.get(f"{API}{job_id}/").status_code == 404
    assert outsider_client.post(f"{API}{job_id}/retry/").status_code == 404
    assert outsider_client.get(API, {"project": project.pk}).json()["results"] == []
    assert post(outsider_client, project, upload("a.txt", "x")).status_code == 400

    Membership.objects.filter(user=viewer).delete()
    assert client_for(viewer).get(f"{API}{job_id}/").status_code == 404


def test_list_by_project_with_a_pinned_query_count(
    project, other_project, owner, outsider, django_assert_max_num_queries
):
    client = client_for(owner)
    for i in range(2):
        post(client, project, upload(f"{i}.txt", f"Text {i}."))
    post(client_for(outsider), other_project, upload("o.txt", "Other."))
    with django_assert_max_num_queries(4):
        first = client.get(API, {"project": project.pk}).json()["results"]
    for i in range(2, 7):
        post(client, project, upload(f"{i}.txt", f"Text {i}."))
    run_queued_jobs()
    with django_assert_max_num_queries(4):
        listed = client.get(API, {"project": project.pk}).json()["results"]

    assert len(first) == 2
    assert len(listed) == 7
    assert {job["status"] for job in listed} == {"done"}
    assert "items" not in listed[0]


def test_a_failed_import_keeps_nothing_and_can_be_retried(project, owner, monkeypatch):
    client = client_for(owner)
    job_id = post(client, project, upload("a.txt", "First."), upload("b.txt", "Second.")).json()[
        "id"
    ]
    from curation.services import imports

    real = imports.documents_import

    def failing_midway(**kwargs):
        for number, outcome in enumerate(real(**kwargs)):
            if number == 1:
                raise RuntimeError("database went away")
            yield outcome

    monkeypatch.setattr(imports, "documents_import", failing_midway)
    run_queued_jobs()

    failed = client.get(f"{API}{job_id}/").json()
    assert failed["status"] == "failed"
    assert "database went away" in failed["error"]
    assert not Document.objects.exists()  # the first file was rolled back with the job

    monkeypatch.setattr(imports, "documents_import", real)
    assert client.post(f"{API}{job_id}/retry/").status_code == 202
    run_queued_jobs()
    done = client.get(f"{API}{job_id}/").json()
    assert (done["status"], done["counts"]["imported"]) == ("done", 2)
    assert client.post(f"{API}{job_id}/retry/").status_code == 409


@dataclass
class FakeReport:
    counts: dict = field(default_factory=dict)
    items: list = field(default_factory=list)


def test_annotation_kinds_go_to_the_interop_service(project, owner, monkeypatch):
    calls = []

    def annotations_import(*, actor, project, kind, name, data, mapping):
        calls.append((actor.username, project.slug, kind, name, data, mapping))
        return FakeReport(counts={"claims": 2}, items=[{"name": name, "status": "imported"}])

    module = types.ModuleType("curation.services.annotation_imports")
    module.annotations_import = annotations_import
    monkeypatch.setitem(sys.modules, "curation.services.annotation_imports", module)

    response = post(
        client_for(owner),
        project,
        upload("spans.jsonl", '{"text": "x"}'),
        kind="doccano",
        mapping='{"CLAIM": "fact"}',
    )
    assert response.status_code == 202
    run_queued_jobs()

    job = ImportJob.objects.get()
    assert calls == [
        ("olga", "alpha", "doccano", "spans.jsonl", b'{"text": "x"}', {"CLAIM": "fact"})
    ]
    assert (job.status, job.counts) == (ImportStatus.DONE, {"claims": 2})
    assert job.items == [{"name": "spans.jsonl", "status": "imported"}]


def test_a_large_import_is_analyzed(project, owner, monkeypatch):
    from curation.services import imports

    monkeypatch.setattr(imports, "ANALYZE_AFTER", 3)
    analyzed, analyze = [], imports._analyze

    def noting(kind):
        analyzed.append(kind)
        analyze(kind)  # ANALYZE runs for real on PostgreSQL (a no-op on SQLite)

    monkeypatch.setattr(imports, "_analyze", noting)
    lines = "\n".join(json.dumps({"text": f"Document {i}."}) for i in range(3))
    post(client_for(owner), project, upload("d.jsonl", lines))
    run_queued_jobs()

    assert analyzed == ["documents"]
