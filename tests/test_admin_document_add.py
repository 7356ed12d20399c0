"""Add document in the admin (issue 19 item 4): a pasted text or an uploaded file (read
as the import command reads it), authors one a line, and a refused form that keeps what
was typed. The browser test is test_admin_document_add_browser.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from curation.models import Document

from .factories import DocumentFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:curation_document_add")
HTML = (
    b"<html><head><title>Harbour notice</title></head>"
    b"<body><article><p>The harbour closed on Monday.</p></article></body></html>"
)


def post(client, project, **fields):
    data = {"project": project.pk, "title": "", "text": "", "authors": "", "metadata": "{}"}
    return client.post(ADD, {**data, **fields, "_save": "Save"})


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def test_a_txt_upload_is_imported_with_its_file_name_as_title(owner_client, project):
    upload = SimpleUploadedFile("port-bulletin.txt", b"The port reopened in May.\r\n")

    response = post(owner_client, project, file=upload)

    assert response.status_code == 302
    document = Document.objects.get(project=project)
    assert document.title == "port-bulletin"
    assert document.text == "The port reopened in May.\n"
    assert document.metadata["format"] == "text"


def test_an_html_upload_is_read_as_the_import_command_reads_it(owner_client, project):
    upload = SimpleUploadedFile("notice.html", HTML, content_type="text/html")

    response = post(owner_client, project, file=upload, authors="Ana Lima\n\n  Bo Chen \n")

    assert response.status_code == 302
    document = Document.objects.get(project=project)
    assert document.title == "Harbour notice"
    assert "The harbour closed on Monday." in document.text
    assert "<p>" not in document.text
    assert document.authors == ["Ana Lima", "Bo Chen"]


def test_a_typed_title_overrides_the_file_s(owner_client, project):
    upload = SimpleUploadedFile("notice.html", HTML)

    post(owner_client, project, file=upload, title="Typed title")

    assert Document.objects.get(project=project).title == "Typed title"


@pytest.mark.parametrize("both", [True, False])
def test_text_and_file_both_or_neither_is_a_form_error(owner_client, project, both):
    fields = {"text": "Some text.", "file": SimpleUploadedFile("a.txt", b"Other.")} if both else {}

    response = post(owner_client, project, title="T", **fields)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert ("not both" in errors[0]) if both else errors == ["Paste the text or upload a file."]
    assert not Document.objects.exists()


def test_an_unsupported_file_is_refused_on_the_file_field(owner_client, project):
    response = post(owner_client, project, file=SimpleUploadedFile("a.pdf", b"%PDF"))

    assert response.status_code == 200
    assert "unsupported file type" in response.context["adminform"].form.errors["file"][0]


def test_a_duplicate_text_keeps_what_was_typed(owner_client, project):
    existing = DocumentFactory(project=project, text="Same words.")

    response = post(
        owner_client, project, text="Same words.", title="Second try", authors="Ana Lima\nBo Chen"
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert f"document {existing.pk}" in form.errors["text"][0]
    content = response.content.decode()
    assert "Second try" in content and "Ana Lima\nBo Chen" in content
    assert Document.objects.count() == 1


def test_the_change_page_shows_and_saves_authors_one_a_line(owner_client, project):
    document = DocumentFactory(project=project, authors=["Ana Lima", "Bo Chen"])
    url = reverse("admin:curation_document_change", args=[document.pk])

    form = owner_client.get(url).context["adminform"].form
    assert form["authors"].value() == "Ana Lima\nBo Chen"
    assert "Ana Lima\nBo Chen</textarea>" in owner_client.get(url).content.decode()

    data = {
        "title": document.title,
        "authors": "Ana Lima\nCarl Diaz",
        "metadata": "{}",
        "language": document.language,
        "_save": "Save",
    }
    assert owner_client.post(url, data).status_code == 302
    document.refresh_from_db()
    assert document.authors == ["Ana Lima", "Carl Diaz"]
