"""Documents through /api/v1/documents/: JSON and multipart import, limits, immutability."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from curation.choices import HistoryAction, Role
from curation.models import Document, HistoryEntry

from .factories import DocumentFactory, MembershipFactory, SourceFactory, client_for

pytestmark = pytest.mark.django_db

DOCUMENTS = "/api/v1/documents/"
GRIN = "\U0001f600"


@pytest.fixture
def olga(owner):
    return client_for(owner)


def create_json(client: APIClient, project, **fields):
    return client.post(DOCUMENTS, {"project": project.pk, **fields}, format="json")


def upload(client: APIClient, project, name: str, content: bytes, **fields):
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(
        DOCUMENTS, {"project": project.pk, "file": file, **fields}, format="multipart"
    )


# --- JSON import ---------------------------------------------------------------------------------


def test_json_create_normalises_the_text(project, owner, olga):
    # NUL itself is refused by the API (see test_api_bad_requests); other C0 controls go.
    raw = f"\ufeffLine one\r\nCafe\u0301 {GRIN} and Zoe\u0308\rend\x1b.\x07"
    expected = f"Line one\nCaf\u00e9 {GRIN} and Zo\u00eb\nend."

    response = create_json(
        olga, project, title="Mixed input", text=raw, metadata={"lang-note": "mixed"}
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["text"] == expected
    assert body["sha256"] == hashlib.sha256(expected.encode("utf-8")).hexdigest()
    # Code points: the emoji counts one, not two (UTF-16) nor four (UTF-8).
    assert body["length"] == len(expected) == 28
    assert body["metadata"] == {"lang-note": "mixed"}
    assert body["title"] == "Mixed input"
    document = Document.objects.get(pk=body["id"])
    assert (document.text, document.length, document.created_by) == (expected, 28, owner)
    entry = HistoryEntry.objects.get(document=document)
    assert (entry.action, entry.actor) == (HistoryAction.CREATED, owner)


def test_json_create_keeps_explicit_metadata_fields(project, olga):
    response = create_json(
        olga,
        project,
        title="Brief",
        text="A brief on grain exports.",
        authors=["Ada Byron", "Alan Turing"],
        published_on="2024-05-01",
        url="https://example.org/brief",
        doi="10.1234/brief.1",
        language="en",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["authors"] == ["Ada Byron", "Alan Turing"]
    assert (body["published_on"], body["doi"], body["language"]) == (
        "2024-05-01",
        "10.1234/brief.1",
        "en",
    )
    assert (body["passage_count"], body["claim_count"]) == (0, 0)


def test_json_create_needs_a_title(project, olga):
    response = create_json(olga, project, text="Some text.")

    assert response.status_code == 400
    assert "title" in response.json()
    assert not Document.objects.exists()


def test_text_and_file_together_is_400(project, olga):
    file = SimpleUploadedFile("a.txt", b"File text.")
    response = olga.post(
        DOCUMENTS,
        {"project": project.pk, "title": "T", "text": "JSON text.", "file": file},
        format="multipart",
    )

    assert response.status_code == 400
    assert "text" in response.json()


def test_text_of_only_controls_is_400_on_text(project, olga):
    response = create_json(olga, project, title="Empty", text="\ufeff\x00\x01")

    assert response.status_code == 400
    assert "text" in response.json()
    assert not Document.objects.exists()


def test_duplicate_text_is_400_on_text(project, olga):
    first = create_json(olga, project, title="First", text="Same words.\n")
    # The same text after normalisation (CRLF, BOM) is the same document.
    second = create_json(olga, project, title="Second", text="\ufeffSame words.\r\n")

    assert first.status_code == 201
    assert second.status_code == 400
    assert str(first.json()["id"]) in second.json()["text"][0]
    assert Document.objects.count() == 1


def test_same_text_in_another_project_is_allowed(project, other_project, owner, olga):
    MembershipFactory(project=other_project, user=owner, role=Role.OWNER)

    assert create_json(olga, project, title="A", text="Shared words.").status_code == 201
    assert create_json(olga, other_project, title="B", text="Shared words.").status_code == 201


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANNOTATOR, Role.REVIEWER])
def test_only_owners_import(project, role):
    user = MembershipFactory(project=project, role=role).user

    response = create_json(client_for(user), project, title="T", text="Text.")

    assert response.status_code == 403
    assert not Document.objects.exists()


def test_project_of_a_non_member_is_400_on_project(project, outsider):
    response = create_json(client_for(outsider), project, title="T", text="Text.")

    assert response.status_code == 400
    assert "project" in response.json()


# --- multipart upload ---------------------------------------------------------------------------


def test_txt_upload_is_normalised_and_titled_from_the_file(project, olga):
    content = "\ufeffFirst line.\r\nSecond line with Zoe\u0308.\r\n".encode()

    response = upload(olga, project, "field-notes.txt", content)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["text"] == "First line.\nSecond line with Zo\u00eb.\n"
    assert body["title"] == "field-notes"
    assert body["imported_from"] == "field-notes.txt"
    assert body["metadata"]["format"] == "text"
    assert body["length"] == len(body["text"])


def test_markdown_upload_extracts_front_matter(project, olga):
    content = (
        b"Title: Grain corridor outlook\n"
        b"Author: Ada Byron\n"
        b"DOI: 10.5555/grain.2024.7\n\n"
        b"# Outlook\n\nShipments will rise in autumn.\n"
    )

    response = upload(olga, project, "outlook.md", content)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "Grain corridor outlook"
    assert body["doi"] == "10.5555/grain.2024.7"
    assert body["metadata"]["format"] == "markdown"
    assert "Shipments will rise in autumn." in body["text"]


HTML = b"""<!doctype html>
<html lang="de">
<head>
  <title>Hafenbericht | Example News</title>
  <meta name="citation_title" content="Port report">
  <meta name="citation_doi" content="10.4321/port.99">
  <meta name="citation_author" content="Grace Hopper">
  <meta name="citation_publication_date" content="2023-11-02">
  <link rel="canonical" href="https://example.org/port">
  <style>p { color: red; }</style>
  <script>var tracking = "do not import";</script>
</head>
<body>
  <nav><a href="/">Home</a></nav>
  <p>The port <b>handled</b> more grain&nbsp;than ever.</p>
  <p>Officials expect &laquo;record&raquo; volumes.</p>
</body>
</html>
"""


def test_html_upload_is_stripped_and_metadata_extracted(project, olga):
    response = upload(olga, project, "port.html", HTML)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert "<" not in body["text"]
    assert "tracking" not in body["text"]
    assert "color: red" not in body["text"]
    assert "The port handled more grain than ever." in body["text"]
    assert "Officials expect «record» volumes." in body["text"]
    assert body["title"] == "Port report"
    assert body["doi"] == "10.4321/port.99"
    assert body["authors"] == ["Grace Hopper"]
    assert body["published_on"] == "2023-11-02"
    assert body["url"] == "https://example.org/port"
    assert body["language"] == "de"
    assert body["metadata"]["format"] == "html"
    assert body["length"] == len(body["text"])


def test_explicit_fields_win_over_the_file_metadata(project, olga):
    response = upload(olga, project, "port.html", HTML, title="My title", doi="10.9999/mine")

    assert response.status_code == 201, response.json()
    assert (response.json()["title"], response.json()["doi"]) == ("My title", "10.9999/mine")


def test_upload_and_json_of_the_same_text_are_duplicates(project, olga):
    assert upload(olga, project, "a.txt", b"Identical words.\n").status_code == 201

    response = create_json(olga, project, title="Again", text="Identical words.\r\n")

    assert response.status_code == 400
    assert "text" in response.json()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("scan.txt", b"PK\x03\x04\x00\x00binary", "binary content"),
        ("utf16.txt", "Hello".encode("utf-16"), "binary content"),
        ("latin1.txt", "caf\u00e9 cr\u00e8me".encode("latin-1"), "not valid UTF-8: byte 0xe9"),
        ("empty.md", b"", "empty"),
        ("blank.txt", b"\xef\xbb\xbf \r\n\t", "no text"),
    ],
)
def test_undecodable_upload_is_400_on_file_with_the_reason(project, olga, name, content, reason):
    response = upload(olga, project, name, content)

    assert response.status_code == 400
    message = response.json()["file"]
    message = message[0] if isinstance(message, list) else message
    assert reason in message
    assert not Document.objects.exists()


@pytest.mark.parametrize("name", ["report.pdf", "report.docx", "report", "report.txt.exe"])
def test_unsupported_extension_is_400_on_file(project, olga, name):
    response = upload(olga, project, name, b"Plain words.")

    assert response.status_code == 400
    message = response.json()["file"]
    message = message[0] if isinstance(message, list) else message
    assert ".txt, .md or .html" in message
    assert not Document.objects.exists()


# --- size limit --------------------------------------------------------------------------------


def test_json_text_over_the_limit_is_413_and_writes_nothing(project, olga, settings):
    settings.CLAIMDESK_MAX_DOCUMENT_BYTES = 100
    # 30 code points, 120 bytes: the limit counts bytes.
    text = GRIN * 30

    response = create_json(olga, project, title="Big", text=text)

    assert response.status_code == 413
    assert "100-byte" in response.json()["detail"]
    assert not Document.objects.exists()
    assert not HistoryEntry.objects.exists()

    assert create_json(olga, project, title="Fits", text=GRIN * 25).status_code == 201


def test_upload_over_the_limit_is_413_and_writes_nothing(project, olga, settings):
    settings.CLAIMDESK_MAX_DOCUMENT_BYTES = 100

    response = upload(olga, project, "big.txt", b"word " * 21)

    assert response.status_code == 413
    assert not Document.objects.exists()
    assert upload(olga, project, "small.txt", b"word " * 20).status_code == 201


# --- reading -----------------------------------------------------------------------------------


def test_list_omits_the_text_and_detail_includes_it(project, olga):
    document = DocumentFactory(project=project, text="Only the detail shows this text.")

    listed = olga.get(f"{DOCUMENTS}?project={project.pk}")
    detail = olga.get(f"{DOCUMENTS}{document.pk}/")

    assert listed.status_code == detail.status_code == 200
    (row,) = listed.json()["results"]
    assert "text" not in row
    assert row["length"] == len(document.text)
    assert row["source_reliability"] == "B"
    assert detail.json()["text"] == "Only the detail shows this text."


def test_document_of_another_project_is_404(other_project, olga):
    foreign = DocumentFactory(project=other_project)

    assert olga.get(f"{DOCUMENTS}{foreign.pk}/").status_code == 404
    assert olga.get(f"{DOCUMENTS}?project={other_project.pk}").json()["results"] == []


# --- editing -------------------------------------------------------------------------------------


def test_patch_title_is_recorded_in_history(project, owner, olga):
    document = DocumentFactory(project=project, title="Old title")

    response = olga.patch(f"{DOCUMENTS}{document.pk}/", {"title": "New title"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "New title"
    document.refresh_from_db()
    assert document.title == "New title"
    entry = HistoryEntry.objects.get(document=document, action=HistoryAction.UPDATED)
    assert entry.actor == owner
    assert entry.changes == {"title": ["Old title", "New title"]}


def test_patch_text_does_not_change_the_text(project, olga):
    document = DocumentFactory(project=project, text="The original text.")
    before = (document.text, document.sha256, document.length)

    response = olga.patch(
        f"{DOCUMENTS}{document.pk}/",
        {"text": "A corrected text.", "sha256": "0" * 64, "length": 3},
        format="json",
    )

    # Read-only and unknown fields are ignored: the text is immutable.
    assert response.status_code == 200
    assert response.json()["sha256"] == before[1]
    document.refresh_from_db()
    assert (document.text, document.sha256, document.length) == before
    assert not HistoryEntry.objects.filter(document=document).exists()


def test_patch_project_is_ignored(project, other_project, owner, olga):
    MembershipFactory(project=other_project, user=owner, role=Role.OWNER)
    document = DocumentFactory(project=project)

    olga.patch(f"{DOCUMENTS}{document.pk}/", {"project": other_project.pk}, format="json")

    document.refresh_from_db()
    assert document.project_id == project.pk


def test_annotator_cannot_patch_a_document(project, annotator):
    document = DocumentFactory(project=project, title="Kept")

    response = client_for(annotator).patch(
        f"{DOCUMENTS}{document.pk}/", {"title": "Changed"}, format="json"
    )

    assert response.status_code == 403
    document.refresh_from_db()
    assert document.title == "Kept"


# --- sources of another project ------------------------------------------------------------------


@pytest.fixture
def foreign_source(other_project, owner):
    """A source of another project that the owner can see (owner there too)."""
    MembershipFactory(project=other_project, user=owner, role=Role.OWNER)
    return SourceFactory(project=other_project, name="Elsewhere")


def test_create_with_a_source_of_another_project_is_400_on_source(project, olga, foreign_source):
    response = create_json(olga, project, title="T", text="Text.", source=foreign_source.pk)

    assert response.status_code == 400
    assert "source" in response.json()
    assert not Document.objects.filter(project=project).exists()


def test_create_with_an_invisible_source_is_400_on_source(project, olga, other_project):
    hidden = SourceFactory(project=other_project, name="Hidden")

    response = create_json(olga, project, title="T", text="Text.", source=hidden.pk)

    assert response.status_code == 400
    assert "source" in response.json()
    assert not Document.objects.exists()


def test_patch_source_of_another_project_is_400_on_source(project, olga, foreign_source):
    document = DocumentFactory(project=project)
    before = document.source_id

    response = olga.patch(
        f"{DOCUMENTS}{document.pk}/", {"source": foreign_source.pk}, format="json"
    )

    assert response.status_code == 400
    assert "source" in response.json()
    document.refresh_from_db()
    assert document.source_id == before


def test_upload_with_a_source_of_another_project_is_400_on_source(project, olga, foreign_source):
    response = upload(olga, project, "a.txt", b"Some words.", source=foreign_source.pk)

    assert response.status_code == 400
    assert "source" in response.json()
    assert not Document.objects.filter(project=project).exists()
