"""The browser tests' fixtures, written once: `browser`, `live_server`, `login`.

Registered from tests/conftest.py (`pytest_plugins`). Importing this module imports
neither Playwright nor Chromium: the `browser` fixture does, when a test asks for it,
so a run without browser tests never loads them.
"""

import os

import pytest

from .browser import SerialWSGIServer, UserPage, chromium_missing, launch


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module.

    Module-scoped rather than session-scoped on purpose: while Playwright runs, it
    keeps an asyncio loop marked as running in this thread, and pytest-django runs
    the tests that use no database (tests/test_deploy.py among them) after the
    transactional ones. A session-wide Playwright would leave them with
    DJANGO_ALLOW_ASYNC_UNSAFE set (`check --deploy` reports async.E001) or, without
    it, with SynchronousOnlyOperation. Stopped here, both are gone.
    """
    reason = chromium_missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API marks an asyncio loop as running in this thread between
    # its calls, and Django then refuses ORM calls (SynchronousOnlyOperation) from the
    # tests, their fixtures and pytest-django's flush. Nothing here is async: allow
    # them while Playwright runs, and only then.
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
    """pytest-django's live server, one per module; one request at a time on SQLite
    in memory (there the server shares the test's sqlite3 connection, which
    concurrent requests would use at once: see tests/browser.py SerialWSGIServer).
    """
    from django.db import connection
    from django.test.testcases import LiveServerThread
    from pytest_django.live_server_helper import LiveServer

    address = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    serial = connection.vendor == "sqlite" and connection.is_in_memory_db()
    original = LiveServerThread.server_class
    if serial:
        LiveServerThread.server_class = SerialWSGIServer
    try:
        server = LiveServer(address)  # started: the thread has built its server
    finally:
        LiveServerThread.server_class = original
    yield server
    server.stop()


@pytest.fixture
def login(browser, live_server):
    """login(user) -> a UserPage logged in as that user; closed after the test.

    Every page names its icon or finds /favicon.ico (issue 19 item 12): a failed
    icon request fails the test as it closes.
    """
    opened = []

    def open_as(user) -> UserPage:
        user_page = UserPage(browser, live_server.url, user.username)
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
        assert user_page.missing_icons == [], user_page.missing_icons
        user_page.close()
