"""Cutting releases: filters, versions, roles on every surface, query counts.

Surfaces: the service (`release_filter`, `release_cut`), the API
(POST /api/v1/releases/, GET …/{id}/ and …/{id}/download/?format=), the admin
(the cut page, the download link, the project action) and the `export_dataset`
command. What the files hold is tested in test_exports.py.

Most tests run inside the test's rolled-back transaction. Those marked
transactional run the cut as production does: the API and the command as the
outermost transaction (REPEATABLE READ on PostgreSQL), the admin inside its own
atomic block.
"""

import hashlib
import io
import itertools
import json
import operator
import random
import threading
import time
import zipfile
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from curation.choices import ClaimStatus, ExportFormat, Role
from curation.exports import package, rows
from curation.exports.background import SerialWorker, prefetched, serial_worker
from curation.exports.jsonl import JsonlWriter
from curation.models import (
    Claim,
    EvidenceLink,
    Passage,
    Project,
    Release,
    ReleaseChunk,
    ReleaseFile,
    Topic,
)
from curation.services import SYSTEM, release_cut, release_file_chunks, release_filter, releases
from curation.text import normalize_text

from .factories import DocumentFactory, MembershipFactory, SourceFactory
from .jobs import run_queued_jobs

pytestmark = pytest.mark.django_db
API = "/api/v1/releases/"
ALL_FORMATS = list(ExportFormat.values)
ANONYMOUS_STATUSES = {401, 403}

# Queries of release_cut (actor: a project owner), the same for 3 claims as for 30.
# Shared: role, project lock (SELECT … FOR UPDATE), last version, release insert,
# the sources of evidence documents, the counts update. Each format: its
# ReleaseFile insert and its final update (chunk inserts: CHUNK_QUERIES).
# The fixture adds five user-name queries and one per object kind (project,
# sources, documents, topics, passages, claims, their topics, evidence).
# jsonl and fever read the release's documents after its rows: one query per 200.
CUT_QUERIES = {
    ("jsonl",): 9,
    ("jsonl", "csv"): 11,
    # issue 15: + rounds, assessments, stances and their users (5); issue 14: + the
    # comments and their authors' and mentioned users' names (3); issue 17: + the
    # documents' regions and their creators (2)
    ("fixture",): 31,
    tuple(ALL_FORMATS): 41,
}
# Plus transaction control, logged as queries: BEGIN and COMMIT, and on
# PostgreSQL SET TRANSACTION ISOLATION LEVEL REPEATABLE READ.
TRANSACTION_QUERIES = {"sqlite": 2, "postgresql": 3}
# Plus the three row streams (claims, evidence, topics). On SQLite: their three
# queries. On PostgreSQL: the cut exports its snapshot (one query), and each stream
# runs its query (a server-side cursor) on a connection of its own, once that
# connection has imported the snapshot (STREAM_CONNECTION_QUERIES).
# Issue 15 added a fourth stream: the claims' settled assessments; issue 14 a fifth,
# their comments.
ROW_QUERIES = {"sqlite": 5, "postgresql": 1}
STREAM_CONNECTION_QUERIES = {"sqlite": [], "postgresql": [1, 1, 1, 1, 1]}
# Plus, per 1 MiB chunk (these files are one chunk each), its INSERT on SQLite. On
# PostgreSQL the writer thread stores chunks through psycopg's connection, which
# Django does not log.
CHUNK_QUERIES = {"sqlite": 1, "postgresql": 0}
# Session, user, the release (project and author joined), its files, the number of
# chunks, then (SQLite) one query per 1 MiB chunk (these files are one chunk each).
# On PostgreSQL chunks are read through psycopg's connection (binary results),
# which Django does not log.
DOWNLOAD_QUERIES = {"sqlite": 6, "postgresql": 5}
# Session, user, the page of releases (project and author joined), their files.
LIST_QUERIES = 4


# -- helpers -----------------------------------------------------------------------------


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def cut(project, actor=SYSTEM, *, formats=("jsonl",), **filter_args) -> Release:
    chosen = release_filter(project=project, **filter_args)
    return release_cut(actor=actor, project=project, name="", filter=chosen, formats=formats)


def statements(release: Release) -> set[str]:
    file = release.files.get(format="jsonl")
    with zipfile.ZipFile(io.BytesIO(b"".join(release_file_chunks(file)))) as archive:
        lines = archive.read("claims.jsonl").decode().split("\n")[:-1]
    return {json.loads(line)["statement"] for line in lines}


def accepted(passage, statement: str, *, credibility=2, status=ClaimStatus.ACCEPTED, topics=()):
    claim = Claim.objects.create(
        project=passage.document.project,
        passage=passage,
        statement=statement,
        credibility=credibility,
        status=status,
        reviewed_at=timezone.now() if status != ClaimStatus.DRAFT else None,
    )
    claim.topics.set(topics)
    return claim


def passage_on(document, n: int) -> Passage:
    start = n * 5
    return Passage.objects.create(
        document=document, start=start, end=start + 4, exact=document.text[start : start + 4]
    )


def words(count: int, tag: str = "") -> str:
    return normalize_text(" ".join(f"w{i:03d}" for i in range(count)) + tag)


def seed(project, count: int, *, tag: str = "") -> None:
    """`count` accepted claims, each with two topics and two evidence links."""
    topics = [Topic.objects.create(project=project, name=f"t{tag}{i}") for i in range(2)]
    asserted = DocumentFactory(project=project, text=words(count + 2, f" a{tag}"))
    cited = DocumentFactory(project=project, text=words(count + 2, f" c{tag}"))
    for i in range(count):
        claim = accepted(passage_on(asserted, i), f"claim {i}", topics=topics)
        for j, stance in enumerate(("supports", "qualifies")):
            passage = Passage.objects.filter(document=cited, start=(i + j) * 5).first()
            EvidenceLink.objects.create(
                claim=claim, passage=passage or passage_on(cited, i + j), stance=stance
            )


@pytest.fixture
def graded(project, other_project):
    """Claims of every grade, status and topic in `project`, named by what they are."""
    sources = {
        letter: SourceFactory(project=project, name=f"Source {letter}", reliability=letter)
        for letter in "ABC"
    }
    docs = {
        key: DocumentFactory(project=project, source=sources.get(key), text=words(6, f" {key}"))
        for key in ("A", "B", "C", None)
    }
    energy = Topic.objects.create(project=project, name="energy")
    trade = Topic.objects.create(project=project, name="trade")
    Topic.objects.create(project=other_project, name="beta only")
    accepted(passage_on(docs["A"], 0), "a1", credibility=1, topics=[energy])
    accepted(passage_on(docs["B"], 0), "b2", credibility=2, topics=[trade])
    accepted(passage_on(docs["C"], 0), "c3", credibility=3, topics=[energy, trade])
    accepted(passage_on(docs[None], 0), "n2", credibility=2)
    accepted(
        passage_on(docs["A"], 1), "s1", credibility=1, status=ClaimStatus.SUBMITTED, topics=[energy]
    )
    accepted(passage_on(docs["B"], 1), "d1", credibility=1, status=ClaimStatus.DRAFT)
    accepted(passage_on(docs["A"], 2), "r1", credibility=1, status=ClaimStatus.REJECTED)
    other_doc = DocumentFactory(project=other_project)
    return SimpleNamespace(docs=docs, other_doc=other_doc)


@pytest.fixture
def alpha_release(project, owner, graded):
    return cut(project, owner, formats=ALL_FORMATS)


@pytest.fixture
def beta_release(other_project, outsider):
    DocumentFactory(project=other_project)
    return cut(other_project, outsider)


# -- 5. filters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filter_args", "expected"),
    [
        ({}, {"a1", "b2", "c3", "n2"}),
        ({"statuses": ["accepted", "submitted"]}, {"a1", "b2", "c3", "n2", "s1"}),
        ({"statuses": ["draft", "rejected"]}, {"d1", "r1"}),
        ({"topics": ["energy"]}, {"a1", "c3"}),
        ({"topics": ["energy", "trade"]}, {"a1", "b2", "c3"}),
        ({"min_credibility": 2}, {"a1", "b2", "n2"}),
        ({"min_credibility": 1}, {"a1"}),
        ({"min_credibility": 6}, {"a1", "b2", "c3", "n2"}),
        ({"min_source_reliability": "A"}, {"a1"}),
        ({"min_source_reliability": "B"}, {"a1", "b2"}),
        # No source counts as F: only a minimum of F lets it in.
        ({"min_source_reliability": "E"}, {"a1", "b2", "c3"}),
        ({"min_source_reliability": "F"}, {"a1", "b2", "c3", "n2"}),
        ({"topics": ["energy"], "min_credibility": 2}, {"a1"}),
    ],
)
def test_filter_selects_claims(project, owner, graded, filter_args, expected):
    release = cut(project, owner, **filter_args)

    assert statements(release) == expected
    assert release.claim_count == len(expected)
    assert release.filter["statuses"] == sorted(filter_args.get("statuses", ["accepted"]))
    assert release.filter["min_credibility"] == filter_args.get("min_credibility")


def test_filter_by_documents(project, owner, graded):
    release = cut(project, owner, documents=[graded.docs["A"].pk, graded.docs[None].pk])

    assert statements(release) == {"a1", "n2"}
    assert release.filter["documents"] == sorted([graded.docs["A"].pk, graded.docs[None].pk])


@pytest.mark.parametrize(
    ("filter_args", "field"),
    [
        ({"topics": ["nope"]}, "topics"),
        ({"topics": ["beta only"]}, "topics"),  # another project's topic
        ({"documents": "other"}, "documents"),  # another project's document
        ({"documents": [987654]}, "documents"),
        ({"min_credibility": 9}, "min_credibility"),
        ({"min_credibility": 0}, "min_credibility"),
        ({"min_source_reliability": "G"}, "min_source_reliability"),
        ({"statuses": ["published"]}, "statuses"),
        ({"statuses": []}, "statuses"),
    ],
)
def test_invalid_filter_is_a_validation_error_naming_the_field(project, graded, filter_args, field):
    if filter_args.get("documents") == "other":
        filter_args = {"documents": [graded.other_doc.pk]}

    with pytest.raises(ValidationError) as error:
        release_filter(project=project, **filter_args)

    assert set(error.value.message_dict) == {field}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"topics": ["nope"]}, "topics"),
        ({"documents": "other"}, "documents"),
        ({"min_credibility": 9}, "min_credibility"),
        ({"min_source_reliability": "G"}, "min_source_reliability"),
        ({"statuses": ["published"]}, "statuses"),
        ({"formats": ["xml"]}, "formats"),
        ({"formats": []}, "formats"),
    ],
)
def test_api_invalid_filter_is_400_naming_the_field_and_cuts_nothing(
    project, owner, graded, payload, field
):
    if payload.get("documents") == "other":
        payload = {"documents": [graded.other_doc.pk]}

    response = api_client(owner).post(
        API, {"project": project.pk, "name": "Bad", **payload}, format="json"
    )

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Release.objects.exists()


def test_cut_without_formats_is_a_validation_error(project, owner):
    with pytest.raises(ValidationError) as error:
        release_cut(actor=owner, project=project, name="x", formats=[])
    assert "formats" in error.value.message_dict


def test_cut_with_unknown_format_is_a_validation_error(project, owner):
    with pytest.raises(ValidationError) as error:
        release_cut(actor=owner, project=project, name="x", formats=["xml"])
    assert "formats" in error.value.message_dict
    assert not Release.objects.exists()


def test_counts_include_documents_and_sources_reached_only_through_evidence(project, owner):
    herald = SourceFactory(project=project, name="Herald", reliability="B")
    agency = SourceFactory(project=project, name="Agency", reliability="A")
    asserted = DocumentFactory(project=project, source=herald, text=words(4, " x"))
    cited = DocumentFactory(project=project, source=agency, text=words(4, " y"))
    unsourced = DocumentFactory(project=project, source=None, text=words(4, " z"))
    claim = accepted(passage_on(asserted, 0), "counted")
    for document in (cited, unsourced):
        EvidenceLink.objects.create(claim=claim, passage=passage_on(document, 0), stance="refutes")
    accepted(passage_on(asserted, 1), "draft", status=ClaimStatus.DRAFT)

    release = cut(project, owner)

    assert release.claim_count == 1
    assert release.evidence_count == 2
    assert release.document_count == 3
    assert release.source_count == 2


def test_files_over_a_chunk_are_stored_in_chunks_and_reassembled(project, owner, monkeypatch):
    seed(project, 40)
    monkeypatch.setattr(package, "CHUNK_BYTES", 1000)  # 1 MiB in production

    release = cut(project, owner, formats=["jsonl", "fixture"])

    for fmt in ("jsonl", "fixture"):
        file = release.files.get(format=fmt)
        indexes = list(file.chunks.order_by("index").values_list("index", flat=True))
        assert file.size > 3000
        assert indexes == list(range(-(-file.size // 1000)))  # ceil(size / 1000) chunks
        body = b"".join(release_file_chunks(file))
        assert len(body) == file.size
        assert hashlib.sha256(body).hexdigest() == file.sha256
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            assert archive.testzip() is None
        download = api_client(owner).get(f"{API}{release.pk}/download/?format={fmt}")
        assert b"".join(download.streaming_content) == body


# -- 8. versions -------------------------------------------------------------------------


def test_versions_increment_per_project_independently(project, other_project, owner, outsider):
    alpha = [cut(project, owner).version for _ in range(3)]
    beta = [cut(other_project, outsider).version for _ in range(2)]
    alpha.append(cut(project, owner).version)

    assert alpha == [1, 2, 3, 4]
    assert beta == [1, 2]
    names = list(Release.objects.filter(project=project).values_list("name", flat=True))
    assert set(names) == {"Alpha release"}  # a blank name falls back to the project's


@pytest.mark.django_db(
    transaction=True
)  # the API's real path: the cut is the outermost transaction
def test_api_cut_answers_the_new_version(project, owner, graded):
    client = api_client(owner)
    first = client.post(API, {"project": project.pk, "name": "First"}, format="json")
    second = client.post(
        API,
        {"project": project.pk, "name": "Second", "formats": ["csv"], "min_credibility": 2},
        format="json",
    )

    # 202: the cut is queued (numbered at once) and a worker cuts it (issue 16).
    assert first.status_code == second.status_code == 202
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    assert first.json()["status"] == "queued"
    run_queued_jobs()
    first, second = (client.get(f"{API}{r.json()['id']}/") for r in (first, second))
    body = second.json()
    assert body["status"] == "ready"
    assert body["claim_count"] == 3
    assert body["created_by"] == "olga"
    assert body["filter"]["min_credibility"] == 2
    assert [f["format"] for f in body["files"]] == ["csv"]
    assert body["files"][0]["download"].endswith(f"{API}{body['id']}/download/?format=csv")
    assert sorted(f["format"] for f in first.json()["files"]) == sorted(ALL_FORMATS)


def test_release_cut_inside_an_open_transaction(project, owner):
    # Regression: on PostgreSQL the cut set REPEATABLE READ even inside an open
    # transaction (the admin's add view), which PostgreSQL refuses after a query.
    seed(project, 2)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert Project.objects.filter(pk=project.pk).exists()
        release = release_cut(actor=owner, project=project, name="nested", formats=["jsonl"])

    assert not [q for q in queries.captured_queries if q["sql"].startswith("SET TRANSACTION")]

    assert release.version == 1
    assert release.claim_count == 2


# -- 6. roles: API -----------------------------------------------------------------------


def test_viewer_lists_retrieves_and_downloads(viewer, alpha_release, beta_release):
    client = api_client(viewer)

    listed = client.get(API)
    detail = client.get(f"{API}{alpha_release.pk}/")
    download = client.get(f"{API}{alpha_release.pk}/download/?format=fever")

    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()["results"]] == [alpha_release.pk]
    assert detail.status_code == 200
    assert detail.json()["version"] == 1
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body == b"".join(release_file_chunks(alpha_release.files.get(format="fever")))


def test_download_defaults_to_jsonl(viewer, alpha_release):
    response = api_client(viewer).get(f"{API}{alpha_release.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="alpha-v1-jsonl.zip"'


def test_download_of_a_format_the_release_lacks_is_404(project, owner, viewer, graded):
    release = cut(project, owner, formats=["jsonl"])
    client = api_client(viewer)

    missing = client.get(f"{API}{release.pk}/download/?format=csv")
    unknown = client.get(f"{API}{release.pk}/download/?format=xml")

    assert missing.status_code == unknown.status_code == 404
    assert "jsonl" in missing.json()["detail"]


@pytest.mark.parametrize("role", ["viewer", "annotator", "reviewer"])
def test_only_owners_cut_releases_over_the_api(request, project, graded, role):
    user = request.getfixturevalue(role)

    response = api_client(user).post(API, {"project": project.pk, "name": "x"}, format="json")

    assert response.status_code == 403
    assert not Release.objects.exists()
    assert not ReleaseFile.objects.exists()
    assert not ReleaseChunk.objects.exists()


def test_owner_and_superuser_cut_over_the_api(project, owner, superuser, graded):
    by_owner = api_client(owner).post(API, {"project": project.pk, "name": "x"}, format="json")
    by_root = api_client(superuser).post(API, {"project": project.pk, "name": "y"}, format="json")

    assert by_owner.status_code == by_root.status_code == 202  # queued (issue 16)
    assert [by_owner.json()["version"], by_root.json()["version"]] == [1, 2]


def test_another_projects_release_answers_404(outsider, alpha_release):
    client = api_client(outsider)

    assert client.get(f"{API}{alpha_release.pk}/").status_code == 404
    assert client.get(f"{API}{alpha_release.pk}/download/?format=jsonl").status_code == 404
    assert client.get(API).json()["results"] == []


def test_outsider_cannot_cut_another_projects_release(project, outsider, graded):
    response = api_client(outsider).post(API, {"project": project.pk}, format="json")

    assert response.status_code == 400
    assert "project" in response.json()
    assert not Release.objects.exists()


def test_anonymous_gets_nothing(project, alpha_release):
    client = api_client()
    responses = [
        client.get(API),
        client.get(f"{API}{alpha_release.pk}/"),
        client.get(f"{API}{alpha_release.pk}/download/?format=jsonl"),
        client.post(API, {"project": project.pk}, format="json"),
    ]

    assert {r.status_code for r in responses} <= ANONYMOUS_STATUSES
    assert all(b"PK" not in r.content[:2] for r in responses)
    assert Release.objects.count() == 1


# -- 6. roles: admin ---------------------------------------------------------------------


def admin_download_url(release, fmt="jsonl") -> str:
    return reverse("admin:curation_release_download", args=[release.pk, fmt])


def cut_form(project, **overrides) -> dict:
    return {
        "project": project.pk,
        "name": "From the admin",
        "description": "Cut on the page",
        "statuses": ["accepted", "submitted"],
        "topics": [],
        "documents": [],  # chosen by name now (issue 19 item 10), no longer ids typed in
        "min_credibility": "",
        "min_source_reliability": "",
        "formats": ["jsonl", "fever"],
        "_save": "Save",
        **overrides,
    }


def test_owner_opens_the_cut_page_with_own_projects_only(client, project, other_project, owner):
    client.force_login(owner)

    response = client.get(reverse("admin:curation_release_add") + f"?project={project.pk}")

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.fields["project"].queryset) == [project]
    assert form["project"].value() == str(project.pk)
    assert set(form.fields) >= {"statuses", "topics", "formats", "min_source_reliability"}


@pytest.mark.django_db(transaction=True)  # the admin's real path: its own atomic block
def test_owner_cuts_a_release_from_the_admin(client, project, owner, graded):
    client.force_login(owner)
    energy = Topic.objects.get(name="energy")

    response = client.post(
        reverse("admin:curation_release_add"), cut_form(project, topics=[energy.pk])
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    run_queued_jobs()  # the admin queues the cut too (issue 16)
    release = Release.objects.get()
    assert (release.version, release.name, release.created_by) == (1, "From the admin", owner)
    assert release.filter["topics"] == ["energy"]
    assert release.filter["statuses"] == ["accepted", "submitted"]
    assert sorted(release.files.values_list("format", flat=True)) == ["fever", "jsonl"]
    assert statements(release) == {"a1", "c3", "s1"}


def test_admin_download_link_serves_the_stored_bytes(client, owner, viewer, alpha_release):
    stored = b"".join(release_file_chunks(alpha_release.files.get(format="csv")))
    for user in (owner, viewer):  # viewers download too
        client.force_login(user)
        page = client.get(reverse("admin:curation_release_change", args=[alpha_release.pk]))
        assert page.status_code == 200
        assert admin_download_url(alpha_release, "csv").encode() in page.content

        response = client.get(admin_download_url(alpha_release, "csv"))

        assert response.status_code == 200
        assert b"".join(response.streaming_content) == stored
        assert response["Content-Disposition"] == 'attachment; filename="alpha-v1-csv.zip"'


def test_viewer_gets_no_add_button_and_no_cut_page(client, project, viewer, alpha_release):
    client.force_login(viewer)

    changelist = client.get(reverse("admin:curation_release_changelist"))
    add = client.get(reverse("admin:curation_release_add"))
    post = client.post(reverse("admin:curation_release_add"), cut_form(project))

    assert changelist.status_code == 200
    assert changelist.context["has_add_permission"] is False
    assert reverse("admin:curation_release_add").encode() not in changelist.content
    assert {obj.pk for obj in changelist.context["cl"].result_list} == {alpha_release.pk}
    assert add.status_code == post.status_code == 403
    assert Release.objects.count() == 1


def test_admin_another_projects_release_is_404(client, outsider, alpha_release):
    client.force_login(outsider)

    change = client.get(reverse("admin:curation_release_change", args=[alpha_release.pk]))
    download = client.get(admin_download_url(alpha_release))

    assert change.status_code == download.status_code == 404


def test_admin_download_of_a_missing_format_is_404(client, project, owner, graded):
    release = cut(project, owner, formats=["jsonl"])
    client.force_login(owner)

    assert client.get(admin_download_url(release, "csv")).status_code == 404


def test_project_action_opens_the_cut_page_for_the_project(client, project, owner):
    client.force_login(owner)

    response = client.post(
        reverse("admin:curation_project_changelist"),
        {"action": "cut_release", "_selected_action": [project.pk]},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:curation_release_add") + f"?project={project.pk}"


# -- 6. the export_dataset command ---------------------------------------------------------


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_dataset", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db(transaction=True)  # the command's real path, as above
def test_command_cuts_and_writes_the_zip(project, graded, tmp_path):
    path = tmp_path / "out.zip"

    message = export("--project=alpha", "--name=Nightly", f"--output={path}")

    release = Release.objects.get()
    assert (release.version, release.name, release.created_by) == (1, "Nightly", None)
    assert sorted(release.files.values_list("format", flat=True)) == sorted(ALL_FORMATS)
    data = path.read_bytes()
    assert data == b"".join(release_file_chunks(release.files.get(format="jsonl")))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [
            "claims.jsonl",
            "documents.jsonl",
            "manifest.json",
            "README.md",
        ]
    assert release.files.get(format="jsonl").sha256 in message


def test_command_release_redownloads_identical_bytes(project, graded, tmp_path):
    export("--project=alpha", "--format=csv", "--only-format", f"--output={tmp_path / 'a.zip'}")
    Claim.objects.update(statement="changed after the cut")

    export("--project=alpha", "--release=1", "--format=csv", f"--output={tmp_path / 'b.zip'}")

    assert Release.objects.count() == 1
    assert list(Release.objects.get().files.values_list("format", flat=True)) == ["csv"]
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_command_cuts_as_an_owner_with_filters(project, owner, graded, tmp_path):
    export(
        "--project=alpha",
        "--user=olga",
        "--status=accepted",
        "--status=submitted",
        "--topic=energy",
        "--min-credibility=1",
        f"--output={tmp_path / 'x.zip'}",
    )

    release = Release.objects.get()
    assert release.created_by == owner
    assert statements(release) == {"a1", "s1"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--project=nope"], "nope"),
        (["--project=alpha", "--user=victor"], "owner"),
        (["--project=alpha", "--user=anna"], "owner"),
        (["--project=alpha", "--release=7"], "7"),
        (["--project=alpha", "--topic=nope"], "nope"),
    ],
)
def test_command_refusals_are_command_errors(project, viewer, annotator, graded, args, message):
    with pytest.raises(CommandError, match=message):
        export(*args)

    assert not Release.objects.exists()


# -- 7. query counts -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the cut's own BEGIN … COMMIT, as in production
def test_cut_query_count_does_not_grow_with_claims(project, other_project, owner):
    MembershipFactory(project=other_project, user=owner, role=Role.OWNER)
    seed(project, 3, tag="s")
    seed(other_project, 30, tag="l")

    vendor = connection.vendor
    counts, expected = {}, {}
    for formats, pin in CUT_QUERIES.items():
        chunks = len(formats) * CHUNK_QUERIES[vendor]
        on_cut = pin + TRANSACTION_QUERIES[vendor] + ROW_QUERIES[vendor] + chunks
        expected[formats] = {3: (on_cut, STREAM_CONNECTION_QUERIES[vendor])}
        expected[formats][30] = expected[formats][3]
        counts[formats] = {}
        for proj, size in ((project, 3), (other_project, 30)):
            with (
                CaptureQueriesContext(connection) as queries,
                stream_connection_queries() as on_streams,
            ):
                release = release_cut(actor=owner, project=proj, name="pin", formats=formats)
            assert (release.claim_count, release.evidence_count) == (size, 2 * size)
            assert ReleaseChunk.objects.filter(file__release=release).count() == len(formats)
            counts[formats][size] = (len(queries.captured_queries), on_streams)

    assert counts == expected


@contextmanager
def stream_connection_queries():
    """The number of queries run on each row stream's own connection, if any."""
    counts = []
    opened = rows._connection_in

    @contextmanager
    def captured(snapshot, alias):
        with opened(snapshot, alias) as stream_connection:
            with CaptureQueriesContext(stream_connection) as queries:
                yield stream_connection
            counts.append(len(queries.captured_queries))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rows, "_connection_in", captured)
        yield counts


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # the cut is the outermost transaction
def test_streams_read_on_the_cuts_connection_when_no_other_can_be_opened(
    project, owner, graded, monkeypatch, caplog
):
    first = release_cut(actor=owner, project=project, name="own connections", formats=["jsonl"])
    create_connection = connections.create_connection

    def unreachable(alias):  # a real failure to connect: no such database
        wrapper = create_connection(alias)
        wrapper.settings_dict = {**wrapper.settings_dict, "NAME": "claimdesk_no_such_database"}
        return wrapper

    monkeypatch.setattr(connections, "create_connection", unreachable)
    second = release_cut(actor=owner, project=project, name="one connection", formats=["jsonl"])

    assert second.claim_count == first.claim_count == 4
    files = [release.files.get().data_files for release in (first, second)]
    assert files[0] == files[1]  # the same claims.jsonl, byte for byte
    assert caplog.text.count("could not open its own connection") == 5  # five streams (issue 14)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # the cut is the outermost transaction
def test_row_streams_read_the_cuts_snapshot_on_their_own_connections(
    project, owner, graded, monkeypatch
):
    """A claim accepted (and committed) elsewhere once the cut has begun stays out of
    it: the streams' connections import the cut's snapshot instead of taking their own.
    (That claim can be written at all because the cut locks its project FOR NO KEY
    UPDATE: with FOR UPDATE, its foreign key check would wait for the cut to end.)"""
    before = set(
        Claim.objects.filter(project=project, status=ClaimStatus.ACCEPTED).values_list(
            "statement", flat=True
        )
    )
    backends = set()
    read_rows = releases.claim_rows

    def accept_one_more_first(claims, **kwargs):
        def commit_elsewhere():  # a thread: its own connection, autocommit
            try:
                accepted(passage_on(DocumentFactory(project=project), 0), "late")
            finally:
                connection.close()

        thread = threading.Thread(target=commit_elsewhere)
        thread.start()
        thread.join()
        yield from read_rows(claims, **kwargs)
        backends.update(pids)

    pids = []
    opened = rows._connection_in

    @contextmanager
    def noting_backend(snapshot, alias):
        with opened(snapshot, alias) as stream_connection:
            with stream_connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids.append(cursor.fetchone()[0])
            yield stream_connection

    monkeypatch.setattr(releases, "claim_rows", accept_one_more_first)
    monkeypatch.setattr(rows, "_connection_in", noting_backend)
    release = release_cut(actor=owner, project=project, name="snap", formats=["jsonl"])

    assert Claim.objects.filter(statement="late", status=ClaimStatus.ACCEPTED).exists()
    assert statements(release) == before
    assert release.claim_count == len(before)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert len(backends | {cursor.fetchone()[0]}) == 6  # five streams (issue 14), the cut


def test_download_and_list_query_counts_do_not_grow(
    project, other_project, owner, django_assert_num_queries
):
    MembershipFactory(project=other_project, user=owner, role=Role.OWNER)
    seed(project, 3, tag="s")
    seed(other_project, 30, tag="l")
    small = release_cut(actor=owner, project=project, name="s", formats=ALL_FORMATS)
    large = release_cut(actor=owner, project=other_project, name="l", formats=ALL_FORMATS)
    client = api_client(owner)

    for release in (small, large):
        for fmt in ("jsonl", "fixture"):
            with django_assert_num_queries(DOWNLOAD_QUERIES[connection.vendor]):
                response = client.get(f"{API}{release.pk}/download/?format={fmt}")
                body = b"".join(response.streaming_content)
            assert response.status_code == 200
            assert len(body) == release.files.get(format=fmt).size

    with django_assert_num_queries(LIST_QUERIES):
        assert len(client.get(API).json()["results"]) == 2
    for _ in range(3):
        release_cut(actor=owner, project=project, name="more", formats=["jsonl", "csv"])
    with django_assert_num_queries(LIST_QUERIES):
        assert len(client.get(API).json()["results"]) == 5


def test_command_refuses_an_unknown_user_without_creating_one(project, graded, tmp_path):
    before = get_user_model().objects.count()

    with pytest.raises(CommandError, match="ghost"):
        export("--project=alpha", "--user=ghost", f"--output={tmp_path / 'g.zip'}")

    assert get_user_model().objects.count() == before
    assert not Release.objects.exists()


# -- 9. helper threads and failures ----------------------------------------------------------


def helper_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("release-")]


def discarded_cut_bytes(project, owner, fmt: str) -> bytes:
    """The zip of a cut that is then rolled back, so the next one is the same version."""

    class Discard(Exception):
        pass

    with suppress(Discard), transaction.atomic():
        release = cut(project, owner, formats=[fmt])
        body = b"".join(release_file_chunks(release.files.get()))
        raise Discard
    return body


@pytest.mark.django_db(transaction=True)  # the cut is the outermost transaction
def test_a_failure_storing_chunks_rolls_the_whole_cut_back(project, owner, monkeypatch):
    seed(project, 40)
    monkeypatch.setattr(package, "CHUNK_BYTES", 1000)  # 1 MiB in production
    stored = []
    store = releases._chunk_saver

    def saver_failing_at_the_fourth_chunk(file, **kwargs):
        save = store(file, **kwargs)

        def save_or_fail(index, data):
            if index == 3:
                raise OSError("disk full")
            save(index, data)
            stored.append(index)

        return save_or_fail

    monkeypatch.setattr(releases, "_chunk_saver", saver_failing_at_the_fourth_chunk)

    with pytest.raises(OSError, match="disk full"):
        release_cut(actor=owner, project=project, name="x", formats=["jsonl", "csv"])

    assert stored == [0, 1, 2]  # written before the failure, then rolled back:
    assert not Release.objects.exists()
    assert not ReleaseFile.objects.exists()
    assert not ReleaseChunk.objects.exists()
    assert helper_threads() == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_format_writer_stops_the_helper_threads_and_rolls_back(
    project, owner, monkeypatch
):
    seed(project, 40)
    monkeypatch.setattr(package, "BLOCK_BYTES", 500)  # many hand-overs to the writer thread
    write = JsonlWriter.write
    written = []

    def write_then_fail(self, row):
        if len(written) == 30:
            raise RuntimeError("cannot write this row")
        write(self, row)
        written.append(row.id)

    monkeypatch.setattr(JsonlWriter, "write", write_then_fail)

    with pytest.raises(RuntimeError, match="cannot write this row"):
        release_cut(actor=owner, project=project, name="x", formats=["jsonl"])

    assert len(written) == 30
    assert not Release.objects.exists()
    assert not ReleaseChunk.objects.exists()
    assert helper_threads() == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_row_stream_fails_the_cut_and_rolls_back(project, owner, monkeypatch):
    seed(project, 40)
    batches = rows._batches

    def first_batch_then_fail(cursor, size):
        yield from itertools.islice(batches(cursor, 10), 1)
        raise ConnectionError("server closed the connection")

    monkeypatch.setattr(rows, "_batches", first_batch_then_fail)

    with pytest.raises(ConnectionError, match="server closed"):
        release_cut(actor=owner, project=project, name="x", formats=["jsonl"])

    assert not Release.objects.exists()
    assert helper_threads() == []


def test_release_bytes_do_not_depend_on_thread_timing(project, owner, monkeypatch):
    seed(project, 40)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2024, 6, 1, tzinfo=UTC))
    monkeypatch.setattr(package, "CHUNK_BYTES", 1000)
    monkeypatch.setattr(package, "BLOCK_BYTES", 700)
    expected = {fmt: discarded_cut_bytes(project, owner, fmt) for fmt in ALL_FORMATS}

    # The same cuts with the writer and the row streams stalling at random.
    jitter = random.Random(5)
    write_raw, batches = package.DataEntry._write_raw, rows._batches

    def slow_write_raw(self, block):
        time.sleep(jitter.random() / 500)
        write_raw(self, block)

    def slow_batches(cursor, size):
        for batch in batches(cursor, 7):
            time.sleep(jitter.random() / 500)
            yield batch

    monkeypatch.setattr(package.DataEntry, "_write_raw", slow_write_raw)
    monkeypatch.setattr(rows, "_batches", slow_batches)
    for fmt in ALL_FORMATS:
        assert discarded_cut_bytes(project, owner, fmt) == expected[fmt], fmt


def test_serial_worker_runs_calls_in_order_and_raises_the_first_error():
    done = []
    worker = SerialWorker(depth=2)
    for i in range(20):
        worker.submit(done.append, i)
    worker.wait()
    assert done == list(range(20))

    worker.submit(operator.truediv, 1, 0)
    worker.submit(done.append, "skipped after the error")
    with pytest.raises(ZeroDivisionError):
        worker.wait()
    with pytest.raises(ZeroDivisionError):
        worker.submit(done.append, "refused")
    worker.close()
    assert done == list(range(20))
    assert not worker._thread.is_alive()


def test_serial_worker_block_skips_queued_calls_when_the_block_raises():
    started = threading.Event()
    done = []

    def produce_then_fail():
        with serial_worker(threaded=True) as worker:

            def first():  # still running when the block fails: it is finished, not cut
                started.set()
                while not worker._cancelled:
                    time.sleep(0.001)
                done.append("first")

            worker.submit(first)
            worker.submit(done.append, "queued")
            started.wait()
            raise KeyError("the producer failed")

    with pytest.raises(KeyError):
        produce_then_fail()
    assert done == ["first"]
    assert helper_threads() == []


def test_prefetched_raises_the_sources_error_where_it_happened():
    def source():
        yield 1
        yield 2
        raise LookupError("third item")

    received = []
    with pytest.raises(LookupError, match="third item"), prefetched(source()) as items:
        received.extend(items)
    assert received == [1, 2]


def test_prefetched_stops_a_source_that_is_ahead_of_its_consumer():
    produced = itertools.count()

    def endless():
        while True:
            yield next(produced)

    with prefetched(endless(), depth=2, name="release-test") as items:
        assert next(items) == 0
    assert helper_threads() == []
    assert next(produced) <= 5  # it stopped within a few items of the queue's depth
