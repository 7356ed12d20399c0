"""Add document by file upload in headless Chromium (issue 19 item 4); the screenshot is
docs/screenshots/admin-add-document.png. The harness is tests/browser.py's."""

import shutil
from pathlib import Path

import pytest

from curation.models import Document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
HTML = (
    b"<html><head><title>Harbour notice</title></head>"
    b"<body><article><p>The harbour closed on Monday after the storm.</p>"
    b"<p>Ferries resumed on Thursday.</p></article></body></html>"
)


def test_an_owner_adds_a_document_by_uploading_a_file(login, project, owner, tmp_path):
    upload = tmp_path / "harbour-notice.html"
    upload.write_bytes(HTML)
    olga = login(owner)
    page = olga.page
    page.goto(olga.url("/admin/curation/document/add/"))
    page.select_option("#id_project", str(project.pk))
    page.set_input_files("#id_file", str(upload))
    page.fill("#id_authors", "Ana Lima\nBo Chen")
    shot = olga.screenshot("admin-add-document.png", full_page=True)
    shutil.copyfile(shot, SCREENSHOTS / "admin-add-document.png")
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "was added successfully" in page.content()
    olga.settle()
    document = Document.objects.get(project=project)
    assert document.title == "Harbour notice"
    assert document.authors == ["Ana Lima", "Bo Chen"]
    assert "Ferries resumed on Thursday." in document.text

    # The same file again: refused on the form, which keeps the authors typed.
    page.goto(olga.url("/admin/curation/document/add/"))
    page.select_option("#id_project", str(project.pk))
    page.set_input_files("#id_file", str(upload))
    page.fill("#id_authors", "Carl Diaz")
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert f"already holds this text (document {document.pk})" in page.content()
    assert page.input_value("#id_authors") == "Carl Diaz"
    olga.settle()
    assert Document.objects.count() == 1
    olga.assert_clean()
