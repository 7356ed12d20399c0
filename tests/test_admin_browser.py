"""The admin in headless Chromium (issue 19): a stale claim edit keeps what the user
typed and says who changed the claim; the review queue pages through every
submitted claim and counts them; pages load a favicon (no 404 in the console).

The harness is tests/browser.py's (Debian's Chromium, a live server)."""

import pytest

from curation.choices import ClaimStatus, Role
from curation.models import Claim
from curation.services import claim_update

from .browser import wait_until
from .factories import ClaimFactory, DocumentFactory, MembershipFactory, PassageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_stale_admin_edit_keeps_the_typed_values_and_names_who_changed_the_claim(
    login, project, annotator, reviewer
):
    claim = ClaimFactory(
        passage=PassageFactory(document=DocumentFactory(project=project)),
        author=annotator,
        attributed_to="the ministry",
    )
    anna = login(annotator)
    page = anna.page
    page.goto(anna.url(f"/admin/curation/claim/{claim.pk}/change/"))
    page.fill("#id_statement", "Anna's careful wording")
    # Meanwhile a reviewer changes who the claim is attributed to.
    claim_update(actor=reviewer, claim=claim, attributed_to="the reviewers")

    with page.expect_navigation():
        page.click("input[name=_save]")

    error = page.locator(".errornote, ul.errorlist.nonfield").first.inner_text()
    assert "Rafael changed this claim on" in page.content()
    assert "version 1 → 2" in page.content() and "attributed to" in page.content()
    assert error  # the admin's own error banner
    assert page.input_value("#id_statement") == "Anna's careful wording"
    assert page.input_value("#id_attributed_to") == "the reviewers"
    anna.settle()
    claim.refresh_from_db()
    assert (claim.version, claim.statement) == (2, claim.passage.exact)
    anna.screenshot("admin-stale-edit.png", full_page=True)

    with page.expect_navigation():
        page.click("input[name=_save]")

    anna.settle()
    claim.refresh_from_db()
    assert claim.version == 3
    assert (claim.statement, claim.attributed_to) == ("Anna's careful wording", "the reviewers")
    anna.assert_clean()


def test_the_review_queue_pages_through_every_submitted_claim_and_counts_them(
    login, project, annotator, reviewer
):
    document = DocumentFactory(project=project)
    claims = [
        ClaimFactory(
            passage=PassageFactory(document=document, start=i, end=i + 8),
            author=annotator,
            status=ClaimStatus.SUBMITTED,
        )
        for i in range(104)
    ]
    rafael = login(reviewer)
    page = rafael.page
    rafael.open_review_queue()
    items = page.locator("#queue .cd-queue-item")

    assert page.locator("#queue-count").inner_text() == "104 claims wait for review."
    wait_until(page, "document.querySelectorAll('#queue .cd-queue-item').length === 100")
    assert page.locator("#status-line").inner_text() == "Showing 100 claims of 104 waiting."
    more = page.locator("#queue-more")
    assert more.is_visible() and "(4 more waiting)" in more.inner_text()
    rafael.screenshot("review-queue-paged.png")

    more.click()
    wait_until(page, "document.querySelectorAll('#queue .cd-queue-item').length === 104")
    assert not more.is_visible()
    shown = {int(c) for c in items.evaluate_all("(nodes) => nodes.map((n) => n.dataset.claim)")}
    assert shown == {claim.pk for claim in claims}

    # Accept the first: the count goes down with it.
    items.first.focus()
    page.keyboard.press("a")
    page.keyboard.press("Enter")
    wait_until(page, "document.querySelectorAll('#queue .cd-queue-item').length === 103")
    assert page.locator("#queue-count strong").inner_text() == "103"
    rafael.settle()
    assert Claim.objects.filter(status=ClaimStatus.ACCEPTED).count() == 1
    rafael.assert_clean()


def test_j_on_the_last_claim_loads_the_next_page(login, project, annotator, reviewer):
    document = DocumentFactory(project=project)
    for i in range(101):
        ClaimFactory(
            passage=PassageFactory(document=document, start=i, end=i + 8),
            author=annotator,
            status=ClaimStatus.SUBMITTED,
        )
    rafael = login(reviewer)
    page = rafael.page
    rafael.open_review_queue()
    wait_until(page, "document.querySelectorAll('#queue .cd-queue-item').length === 100")
    page.locator("#queue .cd-queue-item").last.focus()

    page.keyboard.press("j")

    wait_until(page, "document.querySelectorAll('#queue .cd-queue-item').length === 101")
    wait_until(
        page,
        "document.activeElement.closest('.cd-queue-item')"
        " === document.querySelector('#queue .cd-queue-item:last-child')",
    )
    rafael.assert_clean()


def test_the_queue_filters_travel_in_the_url_and_narrow_the_count(
    login, project, other_project, annotator, reviewer
):
    MembershipFactory(project=other_project, user=reviewer, role=Role.REVIEWER)
    for target, count in ((project, 3), (other_project, 2)):
        document = DocumentFactory(project=target)
        for i in range(count):
            ClaimFactory(
                passage=PassageFactory(document=document, start=i, end=i + 8),
                status=ClaimStatus.SUBMITTED,
            )
    rafael = login(reviewer)
    page = rafael.page
    rafael.open_review_queue()
    assert page.locator("#queue-count").inner_text() == "5 claims wait for review."

    page.select_option("#queue-filters select[name=project]", str(other_project.pk))
    with page.expect_navigation():
        page.click("#queue-filters button[type=submit]")

    assert f"project={other_project.pk}" in page.url
    assert page.locator("#queue-count").inner_text() == "2 claims wait for review (filtered)."
    wait_until(page, "document.querySelectorAll('#queue .cd-queue-item').length === 2")
    assert page.input_value("#queue-filters select[name=project]") == str(other_project.pk)
    rafael.assert_clean()
