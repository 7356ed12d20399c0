"""Helpers for the browser tests (tests/test_workspace_browser.py) and bench/workspace.py.

Chromium is Debian's /usr/bin/chromium, driven by Playwright's Python package;
Playwright never downloads a browser here.
"""

import os
import re
import threading
import time
from pathlib import Path

from django.core.servers.basehttp import ThreadedWSGIServer

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PASSWORD = "pw-for-tests"  # tests/factories.py: UserFactory.password
VIEWPORT = {"width": 1280, "height": 860}


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing: apt-get install chromium (see .ci/run)"
    return None


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)


def workspace_path(document_id: int, passage_id: int | None = None) -> str:
    path = f"/admin/curation/document/{document_id}/workspace/"
    return path + (f"#passage-{passage_id}" if passage_id else "")


REVIEW_PATH = "/admin/curation/claim/review/"

# Select [start, end) (UTF-16 units, as JavaScript counts) of the text under `root`,
# like a user dragging the mouse: a DOM Range over the text nodes, whatever spans
# split them. Returns what the browser says is selected.
SELECT_U16_JS = """
([selector, start, end]) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let pos = 0, node, startNode = null, startOffset = 0, endNode = null, endOffset = 0;
  while ((node = walker.nextNode())) {
    const length = node.data.length;
    if (startNode === null && start < pos + length) { startNode = node; startOffset = start - pos; }
    if (endNode === null && end <= pos + length) { endNode = node; endOffset = end - pos; }
    pos += length;
  }
  if (startNode === null || endNode === null) throw new Error(`no text at ${start}-${end}`);
  const range = document.createRange();
  range.setStart(startNode, startOffset);
  range.setEnd(endNode, endOffset);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return selection.toString();
}
"""

# The UTF-16 offset of a quote in the text under `root` (JavaScript's indexOf).
FIND_U16_JS = """
([selector, quote]) => document.querySelector(selector).textContent.indexOf(quote)
"""


def select_quote(page, selector: str, quote: str) -> str:
    """Select the first occurrence of `quote` in the element; return the selected text."""
    start = page.evaluate(FIND_U16_JS, [selector, quote])
    assert start >= 0, f"{quote!r} is not in {selector}"
    # JavaScript string lengths are UTF-16 code units: an astral character counts 2.
    end = start + len(quote.encode("utf-16-le")) // 2
    return page.evaluate(SELECT_U16_JS, [selector, start, end])


def wait_until(page, expression: str, timeout: float = 10.0, arg=None):
    """Poll a JavaScript expression until it is truthy; return its value.

    Not page.wait_for_function: Playwright evaluates its predicate with eval() in
    the page, which the workspace's CSP (no 'unsafe-eval') rightly refuses.
    page.evaluate() goes through the DevTools protocol and is not subject to it.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {expression}")
        page.wait_for_timeout(25)


class SerialWSGIServer(ThreadedWSGIServer):
    """Django's live server, answering one request at a time (connections stay threaded).

    With SQLite in memory the server's request threads share the test's one
    connection, and the workspace sends its API requests in parallel: concurrent use
    of a sqlite3 connection fails at random ("bad parameter or other API misuse").
    """

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                result = application(environ, start_response)
                try:
                    return list(result)
                finally:
                    if hasattr(result, "close"):
                        result.close()

        super().set_app(one_at_a_time)


class UserPage:
    """One browser context logged in as one user, with the errors its pages report.

    Console errors and uncaught exceptions are collected; `assert_clean()` fails on
    any but a favicon 404 and the HTTP error statuses the test said it expects
    (Chromium logs every 4xx answer to fetch() as a console error).
    """

    def __init__(self, browser, base_url: str, username: str):
        self.base_url = base_url
        self.username = username
        self.context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.expected_statuses: set[int] = set()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        self.in_flight = 0
        self.page.on("request", self._request_started)
        self.page.on("requestfinished", self._request_ended)
        self.page.on("requestfailed", self._request_ended)

    def _request_started(self, request) -> None:
        self.in_flight += 1

    def _request_ended(self, request) -> None:
        self.in_flight -= 1

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until the page has had no request in flight for a moment.

        Call it before reading the database from the test: with SQLite in memory the
        live server uses the test's own connection.
        """
        deadline = time.monotonic() + timeout
        quiet = 0
        while quiet < 3:
            self.page.wait_for_timeout(25)
            quiet = quiet + 1 if self.in_flight <= 0 else 0
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.in_flight} requests still in flight after {timeout} s")

    def _console(self, message) -> None:
        if message.type != "error":
            return
        text = message.text
        url = (message.location or {}).get("url", "")
        if url.endswith("/favicon.ico") and "404" in text:
            return
        status = re.search(r"status of (\d{3})", text)
        if status and int(status.group(1)) in self.expected_statuses:
            return
        self.errors.append(f"console: {text} ({url})")

    def expect_status(self, *statuses: int) -> None:
        self.expected_statuses.update(statuses)

    def assert_clean(self) -> None:
        assert self.errors == [], f"{self.username}'s pages reported errors: {self.errors}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def login(self) -> None:
        page = self.page
        page.goto(self.url("/admin/login/?next=/admin/"))
        page.fill("#id_username", self.username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("input[type=submit]")
        assert "/admin/login/" not in page.url, f"{self.username} could not log in"

    def open_workspace(self, document_id: int, passage_id: int | None = None):
        """Open the document's workspace (at a passage, which opens its panel)."""
        response = self.page.goto(self.url(workspace_path(document_id, passage_id)))
        if response is None:  # only the #fragment changed: load the page again
            response = self.page.reload()
        assert response is not None and response.status == 200, response
        self.page.wait_for_selector("#document-text[data-ready=true]")
        if passage_id:
            self.page.wait_for_selector("#panel h2")
        return response

    def open_review_queue(self):
        response = self.page.goto(self.url(REVIEW_PATH))
        assert response is not None and response.status == 200, response
        wait_until(self.page, "document.getElementById('status-line').textContent.length > 0")
        return response

    def screenshot(self, name: str, **options) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), **options)
        return path

    def close(self) -> None:
        self.settle()
        self.context.close()
