"""Add document by file upload in headless Chromium (issue 19 item 4); the screenshot is
docs/screenshots/admin-add-document.png. The harness is tests/browser.py's."""

import os
import shutil
from pathlib import Path

import pytest

from curation.models import Document

from .browser import SerialWSGIServer, UserPage, chromium_missing, launch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
HTML = (
    b"<html><head><title>Harbour notice</title></head>"
    b"<body><article><p>The harbour closed on Monday after the storm.</p>"
    b"<p>Ferries resumed on Thursday.</p></article></body></html>"
)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for this module (see test_workspace_browser.py's twin
    for why module-scoped and why DJANGO_ALLOW_ASYNC_UNSAFE while it runs)."""
    reason = chromium_missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def live_server(request):
    from django.db import connection
    from django.test.testcases import LiveServerThread
    from pytest_django.live_server_helper import LiveServer

    serial = connection.vendor == "sqlite" and connection.is_in_memory_db()
    original = LiveServerThread.server_class
    if serial:
        LiveServerThread.server_class = SerialWSGIServer
    try:
        server = LiveServer("localhost")
    finally:
        LiveServerThread.server_class = original
    yield server
    server.stop()


@pytest.fixture
def login(browser, live_server):
    opened = []

    def open_as(user) -> UserPage:
        user_page = UserPage(browser, live_server.url, user.username)
        # Every page names its icon or finds /favicon.ico: no 404 for it either.
        user_page.missing_icons = []
        user_page.page.on(
            "response",
            lambda response: (
                "favicon" in response.url
                and response.status >= 400
                and user_page.missing_icons.append(response.url)
            ),
        )
        opened.append(user_page)
        user_page.login()
        return user_page

    yield open_as
    for user_page in opened:
        assert user_page.missing_icons == []
        user_page.close()


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
