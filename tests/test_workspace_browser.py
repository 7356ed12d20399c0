"""End-to-end tests of the annotation workspace and the review queue in headless Chromium.

A live server (pytest-django's `live_server`) serves the app; Playwright drives
Debian's Chromium (tests/browser.py). The database is checked directly after each
action. Screenshots go to tests/artifacts/ (the best ones are copied by hand to
docs/screenshots/).
"""

import re

import pytest
from django.utils import timezone

from curation.choices import ClaimStatus, Role
from curation.models import Claim, EvidenceLink, Passage
from curation.text import normalize_text, quote_context

from .browser import (
    REVIEW_PATH,
    select_quote,
    wait_until,
)
from .factories import (
    ClaimFactory,
    DocumentFactory,
    EvidenceLinkFactory,
    MembershipFactory,
    PassageFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Texts written for these tests. Emoji (one astral character, a flag of two regional
# indicators, a ZWJ family), CJK, letters with combining marks that NFC keeps apart
# (x + U+0303, q + U+0307), Cyrillic and right-to-left Arabic.
UNICODE_TEXT = normalize_text(
    "Field notes 😀 from Kyiv 🇺🇦: the envoy Zoë said x\u0303 and q\u0307 were rare; "
    "北京和莫斯科签署了新的能源协议。 Analysts expect trade to grow by a tenth next year, "
    "while the chairman — Ханна Коваль — disputed the figures.\n\n"
    "👩‍👩‍👧 Families crossed the border daily, according to the monitors, and the "
    "shelters reported 1,200 arrivals in a week.\n\n"
    "قال المتحدث إن الاتفاق سيستمر — the spokesman said the accord will last, "
    "but critics doubt it will survive the winter.\n"
)
# Starts right after 😀, crosses the flag, the combining marks and the CJK sentence.
SELECTED = (
    "from Kyiv 🇺🇦: the envoy Zoë said x\u0303 and q\u0307 were rare; 北京和莫斯科签署了新的能源协议"
)

CUSTOMS_TEXT = normalize_text(
    "Customs 📊 bulletin: trade between the two countries fell by 4 % in 2025, "
    "contradicting last year's forecasts. 海关数据显示贸易下降。\n"
)
EVIDENCE_QUOTE = "trade between the two countries fell by 4 % in 2025"

XSS = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
XSS_TITLE = "<b>Bold</b><script>window.__pwned=3</script> report"
XSS_TEXT = normalize_text(
    'Markup must stay text: <img src=x onerror="window.__pwned=4"> and '
    "<script>window.__pwned=5</script> are quoted here, not run.\n"
)


# -- fixtures --------------------------------------------------------------------------


@pytest.fixture
def team(project):
    """An annotator, a reviewer and an owner of `project`."""
    users = {}
    for username, role in (("anna", Role.ANNOTATOR), ("rafael", Role.REVIEWER)):
        users[username] = UserFactory(username=username)
        MembershipFactory(project=project, user=users[username], role=role)
    users["olga"] = UserFactory(username="olga")
    MembershipFactory(project=project, user=users["olga"], role=Role.OWNER)
    return users


def make_document(project, text, title, **extra):
    source = extra.pop("source", None) or SourceFactory(project=project, reliability="B")
    return DocumentFactory(project=project, source=source, title=title, text=text, **extra)


def make_passage(document, quote, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = document.text.index(quote, start + 1)
    end = start + len(quote)
    existing = Passage.objects.filter(document=document, start=start, end=end).first()
    if existing:
        return existing
    prefix, _, suffix = quote_context(document.text, start, end)
    return PassageFactory(document=document, start=start, end=end, prefix=prefix, suffix=suffix)


def make_claim(document, quote, author, **fields):
    if fields.get("status") in (ClaimStatus.ACCEPTED, ClaimStatus.REJECTED):
        fields.setdefault("reviewed_at", timezone.now())
    return ClaimFactory(passage=make_passage(document, quote), author=author, **fields)


@pytest.fixture
def unicode_document(project, team):
    """A document with claims in every status, nested and overlapping, and evidence."""
    document = make_document(
        project,
        UNICODE_TEXT,
        "Field notes from Kyiv — 北京 accord",
        source=SourceFactory(project=project, name="Kyiv monitoring mission", reliability="B"),
        authors=["Monitoring team"],
        language="en",
    )
    anna, rafael = team["anna"], team["rafael"]
    make_claim(
        document,
        "Analysts expect trade to grow by a tenth next year",
        anna,
        status=ClaimStatus.ACCEPTED,
        kind="prediction",
        attributed_to="Analysts",
        reviewer=rafael,
    )
    make_claim(document, "grow by a tenth", anna, credibility=3)  # nested in the accepted one
    make_claim(
        document,
        "Families crossed the border daily, according to the monitors",
        anna,
        status=ClaimStatus.SUBMITTED,
    )
    make_claim(
        document,
        "according to the monitors, and the shelters reported 1,200 arrivals",
        anna,
        status=ClaimStatus.REJECTED,
        kind="statistic",
    )  # overlaps the submitted one
    claim = make_claim(document, "the spokesman said the accord will last", anna, kind="prediction")
    EvidenceLinkFactory(
        claim=claim,
        passage=make_passage(document, "critics doubt it will survive the winter"),
        stance="refutes",
        author=anna,
    )
    return document


def wait_for_history(page) -> None:
    wait_until(
        page,
        "(() => { const list = document.querySelector('#panel .cd-history');"
        " return list && !list.textContent.includes('Loading history'); })()",
    )


def highlighted_text(page, passage_id) -> str:
    """The text of the highlight spans of one passage, in document order."""
    return page.evaluate(
        """(id) => [...document.querySelectorAll('#document-text [data-passages]')]
            .filter((span) => span.dataset.passages.split(' ').includes(String(id)))
            .map((span) => span.textContent).join('')""",
        passage_id,
    )


# -- 1. selecting text makes a claim -------------------------------------------------------


def test_selection_after_emoji_creates_claim_with_code_point_offsets(login, team, unicode_document):
    TopicFactory(project=unicode_document.project, name="energy")
    anna = login(team["anna"])
    page = anna.page
    anna.open_workspace(unicode_document.pk)
    page.evaluate("window.__noReload = true")

    assert "x\u0303" in UNICODE_TEXT and "🇺🇦" in UNICODE_TEXT  # NFC kept them apart
    selected = select_quote(page, "#document-text", SELECTED)
    assert selected == SELECTED
    page.dispatch_event("#document-text", "mouseup")
    dialog = page.locator("#claim-dialog[open]")
    dialog.wait_for()
    assert dialog.locator("blockquote.cd-quote").inner_text() == SELECTED
    assert dialog.locator("textarea[name=statement]").input_value() == SELECTED
    dialog.locator("select[name=kind]").select_option("fact")
    dialog.locator("input[name=attributed_to]").fill("the envoy")
    dialog.locator("select[name=credibility]").select_option("2")
    dialog.locator("select[name=topics]").select_option("energy")
    dialog.get_by_role("button", name="Save claim").click()
    page.locator("#panel .cd-statement").wait_for()
    anna.settle()

    claim = Claim.objects.select_related("passage").get(attributed_to="the envoy")
    passage = claim.passage
    start = UNICODE_TEXT.index(SELECTED)
    assert passage.exact == SELECTED
    assert (passage.start, passage.end) == (start, start + len(SELECTED))
    assert UNICODE_TEXT[passage.start : passage.end] == SELECTED
    # JavaScript would have said 15 (UTF-16): 😀 is one code point, two code units.
    assert passage.start == len("Field notes 😀 ")
    assert claim.statement == SELECTED
    assert claim.credibility == 2
    assert [t.name for t in claim.topics.all()] == ["energy"]

    # The panel shows the claim and the highlight is there at once, without a reload,
    # covering exactly the selection; the text around it is untouched.
    assert page.locator("#panel .cd-statement").inner_text() == SELECTED
    assert page.locator("#panel .cd-grade").inner_text() == "B2"
    assert page.evaluate("window.__noReload") is True
    assert page.evaluate("typeof window.claimdeskCreateMs") == "number"
    assert page.locator("#document-text").text_content() == UNICODE_TEXT
    assert highlighted_text(page, passage.pk) == SELECTED
    assert page.locator("#document-text .hl.claim-draft", has_text="北京").count() >= 1

    # Drawn again from the server's offsets after a reload: the same highlight.
    anna.open_workspace(unicode_document.pk)
    assert highlighted_text(page, passage.pk) == SELECTED
    assert page.locator("#document-text").text_content() == UNICODE_TEXT
    page.locator(f"#document-text span[data-passages='{passage.pk}']").first.click()
    wait_for_history(page)
    page.evaluate("window.scrollTo(0, 0)")
    page.mouse.move(0, 0)
    anna.screenshot("workspace-document.png")
    anna.assert_clean()


# -- 2. evidence from another document ------------------------------------------------------


def test_add_evidence_from_second_document(login, team, unicode_document):
    customs = make_document(
        unicode_document.project,
        CUSTOMS_TEXT,
        "Customs bulletin — 2025 trade figures",
        source=SourceFactory(project=unicode_document.project, name="Customs service"),
    )
    claim = Claim.objects.get(statement="Analysts expect trade to grow by a tenth next year")
    anna = login(team["anna"])
    page = anna.page
    anna.open_workspace(unicode_document.pk)

    # Open the claim by clicking its highlight (the nested claim sits in its middle).
    page.locator(f"#document-text span[data-passages='{claim.passage_id}']").first.click()
    page.locator("#panel h2", has_text="Claim").wait_for()
    page.get_by_role("button", name="Add evidence").click()
    dialog = page.locator("#evidence-dialog[open]")
    dialog.get_by_role("searchbox", name="Find a document").fill("Customs")
    dialog.get_by_role("button", name=customs.title).click()
    reader = "#evidence-dialog .cd-text"
    page.locator(reader, has_text="海关").wait_for()
    # In the dialog's order, with the mouse: select the passage, then stance, note, Save.
    # (The passage must survive typing the note and the click on Save, both of which
    # collapse the live selection.)
    assert select_quote(page, reader, EVIDENCE_QUOTE) == EVIDENCE_QUOTE
    dialog.locator("select[name=stance]").select_option("refutes")
    dialog.locator("textarea[name=note]").fill("Customs data say the opposite.")
    dialog.get_by_role("button", name="Save evidence").click()
    item = page.locator("#panel li.cd-evidence.ev-refutes")
    item.wait_for()
    anna.settle()

    link = EvidenceLink.objects.select_related("passage").get(claim=claim)
    start = CUSTOMS_TEXT.index(EVIDENCE_QUOTE)
    assert link.stance == "refutes"
    assert link.note == "Customs data say the opposite."
    assert link.passage.document_id == customs.pk
    assert (link.passage.start, link.passage.end) == (start, start + len(EVIDENCE_QUOTE))
    assert link.passage.exact == EVIDENCE_QUOTE
    assert EVIDENCE_QUOTE in item.inner_text()
    assert customs.title in item.inner_text()
    wait_for_history(page)
    page.evaluate("window.scrollTo(0, 0)")
    page.mouse.move(0, 0)
    anna.screenshot("workspace-claim-panel.png")

    # The other side: the link opens the customs document at the evidence passage.
    with page.expect_navigation():
        item.get_by_role("link").click()
    page.wait_for_selector("#document-text[data-ready=true]")
    assert page.url.endswith(f"#passage-{link.passage_id}")
    highlight = page.locator("#document-text .hl.ev-refutes")
    assert highlight.first.inner_text() == EVIDENCE_QUOTE
    assert "Evidence (refutes) for: Analysts expect" in highlight.first.get_attribute("title")
    page.locator("#panel", has_text="Evidence (refutes) for").wait_for()
    anna.assert_clean()


# -- 3. submit, then review from the keyboard ---------------------------------------------------


def test_submit_then_accept_and_reject_from_the_keyboard(login, team, unicode_document):
    anna_user, rafael_user = team["anna"], team["rafael"]
    draft = Claim.objects.get(statement="the spokesman said the accord will last")
    middle = make_claim(unicode_document, "Field notes", anna_user, status=ClaimStatus.SUBMITTED)
    last = make_claim(
        unicode_document,
        "critics doubt it will survive the winter",
        anna_user,
        status=ClaimStatus.SUBMITTED,
    )
    # The fixture's other submitted claim is reviewed elsewhere: out of this queue.
    Claim.objects.filter(statement__startswith="Families").update(status=ClaimStatus.DRAFT)

    anna = login(anna_user)
    anna.open_workspace(unicode_document.pk, draft.passage_id)
    anna.page.locator("#panel").get_by_role("button", name="Submit").click()
    anna.page.locator("#panel .cd-badge.status-submitted").wait_for()
    anna.settle()
    draft.refresh_from_db()
    assert draft.status == ClaimStatus.SUBMITTED
    anna.assert_clean()

    rafael = login(rafael_user)
    page = rafael.page
    rafael.open_review_queue()
    items = page.locator("#queue .cd-queue-item")
    assert items.count() == 3
    current = "() => document.activeElement.closest('.cd-queue-item')?.dataset.claim"
    order = [int(c) for c in items.evaluate_all("(nodes) => nodes.map((n) => n.dataset.claim)")]
    assert set(order) == {draft.pk, middle.pk, last.pk}
    assert int(page.evaluate(current)) == order[0]
    page.keyboard.press("j")
    assert int(page.evaluate(current)) == order[1]
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert int(page.evaluate(current)) == order[1]
    page.keyboard.press("k")
    assert int(page.evaluate(current)) == order[0]
    page.evaluate("window.scrollTo(0, 0)")
    page.mouse.move(0, 0)
    rafael.screenshot("review-queue.png")

    # a: note, Enter -> accepted; the item leaves the queue and the next one has focus.
    page.keyboard.press("a")
    page.keyboard.type("Matches the customs data.")
    page.keyboard.press("Enter")
    wait_until(page, "document.querySelectorAll('#queue .cd-queue-item').length === 2")
    rafael.settle()
    accepted = Claim.objects.get(pk=order[0])
    assert accepted.status == ClaimStatus.ACCEPTED
    assert accepted.review_note == "Matches the customs data."
    assert accepted.reviewer == rafael_user
    assert int(page.evaluate(current)) == order[1]

    # j to the last one, r: note, Enter -> rejected.
    page.keyboard.press("j")
    assert int(page.evaluate(current)) == order[2]
    page.keyboard.press("r")
    page.keyboard.type("No second source.")
    page.keyboard.press("Enter")
    wait_until(page, "document.querySelectorAll('#queue .cd-queue-item').length === 1")
    rafael.settle()
    rejected = Claim.objects.get(pk=order[2])
    assert rejected.status == ClaimStatus.REJECTED
    assert rejected.review_note == "No second source."
    assert Claim.objects.get(pk=order[1]).status == ClaimStatus.SUBMITTED
    assert [int(c) for c in items.evaluate_all("(n) => n.map((x) => x.dataset.claim)")] == [
        order[1]
    ]
    rafael.assert_clean()


# -- 4. a version conflict is shown, not lost ---------------------------------------------------


def test_version_conflict_between_two_browsers(login, team, unicode_document):
    claim = Claim.objects.get(statement="the spokesman said the accord will last")
    rafael = login(team["rafael"])  # A
    anna = login(team["anna"])  # B
    rafael.open_workspace(unicode_document.pk, claim.passage_id)
    anna.open_workspace(unicode_document.pk, claim.passage_id)

    edit_a = rafael.page.locator("#panel form.cd-edit")
    edit_a.locator("textarea[name=statement]").fill("The spokesman expects the accord to last.")
    edit_a.get_by_role("button", name="Save changes").click()
    rafael.page.locator("#status-line", has_text="Changes saved.").wait_for()

    anna.expect_status(412)
    edit_b = anna.page.locator("#panel form.cd-edit")
    edit_b.locator("textarea[name=statement]").fill("Anna's wording, based on version 1.")
    edit_b.get_by_role("button", name="Save changes").click()
    conflict = anna.page.locator("#panel .cd-conflict")
    conflict.wait_for()
    assert "changed by someone else" in conflict.inner_text()
    assert "rafael" in conflict.inner_text()
    assert "statement" in conflict.inner_text()
    conflict.scroll_into_view_if_needed()
    anna.screenshot("workspace-conflict.png")

    rafael.settle()
    anna.settle()
    claim.refresh_from_db()
    assert claim.statement == "The spokesman expects the accord to last."
    assert claim.version == 2

    anna.page.get_by_role("button", name="Reload the claim").click()
    anna.page.locator(
        "#panel .cd-statement", has_text="The spokesman expects the accord to last."
    ).wait_for()
    assert anna.page.locator("#panel form.cd-edit textarea[name=statement]").input_value() == (
        "The spokesman expects the accord to last."
    )
    rafael.assert_clean()
    anna.assert_clean()


# -- 5. user text is text ----------------------------------------------------------------


def test_markup_in_statement_title_and_text_renders_as_text(login, team, project):
    document = make_document(project, XSS_TEXT, XSS_TITLE)
    quote = "Markup must stay text"
    claim = make_claim(document, quote, team["anna"], statement=XSS, status=ClaimStatus.SUBMITTED)
    rafael = login(team["rafael"])
    page = rafael.page
    rafael.open_workspace(document.pk, claim.passage_id)

    assert page.locator("#panel .cd-statement").inner_text() == XSS
    assert page.locator("#content h1").inner_text() == XSS_TITLE
    assert page.locator("#document-text").text_content() == XSS_TEXT
    highlight = page.locator(f"#document-text span[data-passages='{claim.passage_id}']")
    assert XSS in highlight.get_attribute("title")
    page.get_by_role("button", name="Claims in this document").click()
    assert XSS in page.locator("#panel .cd-claim-list").inner_text()
    assert page.locator("#workspace img, #workspace script, #workspace b").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"

    rafael.open_review_queue()
    item = page.locator(f"#queue .cd-queue-item[data-claim='{claim.pk}']")
    assert item.locator(".cd-statement").inner_text() == XSS
    assert item.locator(".cd-meta a").inner_text() == XSS_TITLE
    assert page.locator("#workspace img, #workspace script, #workspace b").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    rafael.assert_clean()


# -- 6. roles: no buttons for forbidden moves, and the API refuses them --------------------------


def test_annotator_cannot_accept(login, team, unicode_document):
    claim = Claim.objects.get(statement__startswith="Families crossed")
    assert claim.status == ClaimStatus.SUBMITTED
    anna = login(team["anna"])
    page = anna.page
    anna.open_workspace(unicode_document.pk, claim.passage_id)
    page.locator("#panel .cd-badge.status-submitted").wait_for()
    assert page.locator("#panel button.move-accept").count() == 0
    assert page.locator("#panel button.move-reject").count() == 0
    assert (
        page.locator("#panel").get_by_role("button", name=re.compile("Accept|Reject")).count() == 0
    )

    anna.expect_status(403)
    status = page.evaluate(
        """async (id) => {
            const token = document.querySelector('[name=csrfmiddlewaretoken]').value;
            const response = await fetch(`/api/v1/claims/${id}/accept/`, {
                method: 'POST', credentials: 'same-origin',
                headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
                body: JSON.stringify({note: 'self-service'}),
            });
            // Read the body: an API answer is no-store, so Chromium only finishes
            // the request (what settle() waits for) once the body is consumed.
            await response.text();
            return response.status;
        }""",
        claim.pk,
    )
    assert status == 403
    anna.settle()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.reviewer is None
    anna.assert_clean()


# -- 7. CSP and a clean console --------------------------------------------------------------


def _directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def test_csp_without_unsafe_inline_and_no_console_errors(login, team, unicode_document):
    olga = login(team["olga"])  # an owner: every control of the page, source grading included
    page = olga.page

    # Reached from the admin: the index links the queue, a document's page the workspace.
    page.goto(olga.url("/admin/"))
    assert page.locator(f"a[href='{REVIEW_PATH}']").count() >= 1
    page.goto(olga.url(f"/admin/curation/document/{unicode_document.pk}/change/"))
    with page.expect_navigation():
        page.get_by_role("link", name="Open in workspace").click()

    for response in (
        olga.open_workspace(unicode_document.pk),
        olga.open_review_queue(),
    ):
        policy = response.headers.get("content-security-policy")
        assert policy, f"no Content-Security-Policy on {response.url}"
        directives = _directives(policy)
        script_src = directives.get("script-src", directives.get("default-src"))
        assert script_src, policy
        assert "'unsafe-inline'" not in script_src
        assert "'unsafe-eval'" not in script_src
        assert directives.get("object-src") == ["'none'"]

    olga.open_workspace(unicode_document.pk)
    page.get_by_role("button", name="Grade source").click()
    page.get_by_role("combobox", name="Source reliability").wait_for()
    olga.assert_clean()


# -- 8. keyboard and accessible names ------------------------------------------------------


def _tab_to(page, predicate_js: str, limit: int = 80) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            return True
    return False


def test_keyboard_reaches_the_workspace_controls(login, team, unicode_document):
    anna = login(team["anna"])
    page = anna.page
    anna.open_workspace(unicode_document.pk)

    new_claim = page.get_by_role("button", name="New claim from selection (n)")
    assert new_claim.count() == 1
    select_quote(page, "#document-text", "the envoy Zoë said")
    wait_until(page, "!document.getElementById('new-claim').disabled")
    # As a keyboard user would: Tab to "Skip to main content", Enter, then Tab.
    # (Tabbing through the admin sidebar instead passes its filter box, and focusing
    # a text box clears the document's selection, as in any page.)
    assert _tab_to(page, "document.activeElement.matches('a.skip-to-content-link')", limit=3)
    page.keyboard.press("Enter")
    assert _tab_to(page, "document.activeElement.id === 'new-claim'", limit=5)
    assert page.evaluate("document.activeElement.matches(':focus-visible')")
    page.keyboard.press("Enter")
    page.locator("#claim-dialog[open]").wait_for()
    page.keyboard.press("Escape")
    page.locator("#claim-dialog[open]").wait_for(state="detached")
    # The shortcut does the same from anywhere outside a form field.
    select_quote(page, "#document-text", "the envoy Zoë said")
    wait_until(page, "!document.getElementById('new-claim').disabled")
    page.keyboard.press("n")
    page.locator("#claim-dialog[open] blockquote", has_text="the envoy Zoë said").wait_for()
    page.keyboard.press("Escape")
    page.locator("#claim-dialog[open]").wait_for(state="detached")

    # Open a claim from the keyboard alone: "Claims in this document", then the claim.
    assert _tab_to(page, "document.activeElement.id === 'list-claims'")
    page.keyboard.press("Enter")
    assert _tab_to(
        page,
        "document.activeElement.textContent.includes('the spokesman said the accord')",
    )
    page.keyboard.press("Enter")
    page.locator("#panel .cd-statement").wait_for()

    # Every panel control is reachable with Tab and has an accessible name.
    names = page.evaluate(
        """() => [...document.querySelectorAll('#panel button, #panel a[href], #panel textarea,'
            + ' #panel select, #panel input')].map((node) => {
              const labelled = node.getAttribute('aria-label') || node.closest('label')?.textContent
                || node.textContent;
              return (labelled || '').trim();
            })"""
    )
    assert names and all(names), names
    reached = set()
    page.locator("#panel").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const node = document.activeElement;
                return node.closest('#panel') && node.tagName === 'BUTTON'
                    ? node.textContent.trim() : null; }"""
        )
        if info:
            reached.add(info)
    for name in ("Submit", "Save changes", "Add evidence"):
        assert name in reached, reached
        assert page.locator("#panel").get_by_role("button", name=name, exact=True).count() == 1
    anna.assert_clean()


def test_claim_from_a_typed_quote_without_selecting(login, team, unicode_document):
    """Keyboard users cannot select text without caret browsing: they type the quote."""
    anna = login(team["anna"])
    page = anna.page
    anna.open_workspace(unicode_document.pk)
    claims = Claim.objects.count()

    assert _tab_to(page, "document.activeElement.id === 'quote-claim'")
    page.keyboard.press("Enter")
    page.locator("#claim-dialog[open]").wait_for()
    assert page.evaluate("document.activeElement.name") == "exact"
    page.keyboard.type("the")  # occurs many times: the server says so
    anna.expect_status(400)
    page.locator("#claim-dialog").get_by_role("button", name="Save claim").click()
    error = page.locator("#claim-dialog .cd-error")
    error.wait_for()
    wait_until(page, "document.querySelector('#claim-dialog .cd-error').textContent.length > 0")
    assert "passage_input: exact:" in error.text_content()
    anna.screenshot("workspace-quote-form.png")
    anna.settle()
    assert Claim.objects.count() == claims

    quote = "the envoy Zoë said x\u0303"  # ends with a combining mark
    page.locator("#claim-dialog [name=exact]").fill(quote)
    page.locator("#claim-dialog").get_by_role("button", name="Save claim").click()
    page.locator("#claim-dialog[open]").wait_for(state="detached")
    page.locator("#panel .cd-statement", has_text="the envoy Zoë said").wait_for()
    anna.settle()

    claim = Claim.objects.select_related("passage").latest("pk")
    assert Claim.objects.count() == claims + 1
    start = UNICODE_TEXT.index(quote)
    assert (claim.passage.start, claim.passage.end) == (start, start + len(quote))
    assert claim.statement == claim.passage.exact == quote
    assert claim.author == team["anna"]
    page.locator(f'#document-text [data-passages~="{claim.passage_id}"]').first.wait_for()
    anna.assert_clean()


def test_viewers_have_no_quote_form(login, project, unicode_document):
    viewer = UserFactory(username="victor")
    MembershipFactory(project=project, user=viewer, role=Role.VIEWER)
    victor = login(viewer)
    victor.open_workspace(unicode_document.pk)

    assert victor.page.locator("#quote-claim").is_hidden()
    victor.assert_clean()
