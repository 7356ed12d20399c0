"""Issue 17 in Chromium: regions dimmed and collapsed, a quote's occurrences to pick
from, and a large text's first screen."""

import pytest

from curation.models import Claim
from curation.services import DocumentInput, document_import

from ..test_workspace_browser import team  # noqa: F401  (fixture)
from .samples import BRIEF, PARAGRAPH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def brief(project, team):  # noqa: F811
    return document_import(
        actor=team["olga"], project=project, item=DocumentInput(text=BRIEF, title="Brief")
    )


def test_regions_are_collapsed_until_opened(login, team, brief):  # noqa: F811
    anna = login(team["anna"])
    page = anna.page
    anna.open_workspace(brief.pk)
    toggles = page.locator("#document-text .cd-region-toggle")
    assert toggles.count() >= 3
    hidden = page.locator("#document-text .cd-region-collapsed")
    assert hidden.count() > 0 and not hidden.first.is_visible()
    # The whole text is still in the page (offsets never change); toggles add none.
    assert page.evaluate("document.getElementById('document-text').textContent") == brief.text
    repeat = page.locator("#document-text .cd-region-toggle.cd-region-repeat").first
    repeat.click()
    assert repeat.get_attribute("aria-expanded") == "true"
    page.locator("#document-text .cd-region-repeat:not(.cd-region-toggle)").first.wait_for()
    page.locator("#document-text").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('document-text').scrollTop = 0")
    anna.screenshot("workspace-regions.png")
    repeat.click()
    assert repeat.get_attribute("aria-expanded") == "false"
    anna.assert_clean()


def test_quote_dialog_offers_the_occurrences_of_an_ambiguous_quote(login, team, brief):  # noqa: F811
    anna = login(team["anna"])
    page = anna.page
    anna.open_workspace(brief.pk)
    page.locator("#quote-claim").click()
    page.locator("#claim-dialog[open]").wait_for()
    quote = PARAGRAPH[:60]
    page.locator("#claim-dialog [name=exact]").fill(quote)
    anna.expect_status(400)
    page.locator("#claim-dialog").get_by_role("button", name="Save claim").click()
    choices = page.locator("#claim-dialog .cd-occurrences li")
    choices.first.wait_for()
    assert choices.count() == 2
    assert "in repeated text" in choices.nth(1).text_content()
    assert "occurrences" not in page.locator("#claim-dialog .cd-error").text_content()
    anna.screenshot("workspace-quote-occurrences.png")
    choices.nth(0).locator("button").click()
    page.locator("#claim-dialog[open]").wait_for(state="detached")
    anna.settle()
    claim = Claim.objects.select_related("passage").latest("pk")
    first = brief.text.index(quote)
    assert (claim.passage.start, claim.passage.end) == (first, first + len(quote))
    anna.assert_clean()


def test_large_text_shows_its_first_screen_then_the_rest(login, team, project):  # noqa: F811
    line = "Corridor freight figures for the quarter, by port and by route. " * 20 + "\n"
    text = line * 2_400  # ~3 MB: drawn in slices
    document = document_import(
        actor=team["olga"], project=project, item=DocumentInput(text=text, title="Large")
    )
    anna = login(team["anna"])
    page = anna.page
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    anna.open_workspace(document.pk)
    anna.screenshot("workspace-large-text-first-screen.png")
    page.wait_for_selector("#document-text[data-complete=true]", timeout=60_000)
    anna.screenshot("workspace-large-text.png")
    # The whole text once: the opening's drawing was replaced, not added to.
    assert page.evaluate("document.getElementById('document-text').textContent.length") == len(text)
    # Its first screen came from the text's opening, fetched beside the whole text.
    assert any(f"/api/v1/documents/{document.pk}/text/?end=" in url for url in requested)
    anna.assert_clean()
