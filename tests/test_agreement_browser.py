"""Issue 15 in headless Chromium: two assessors disagree, the claim appears in the
adjudication queue, a third reviewer settles it from the keyboard, and the
agreement page shows the figures. Screenshots go to tests/artifacts/."""

import pytest

from curation.choices import RoundState
from curation.models import AssessmentRound, Claim
from curation.services.assessments import assessment_submit

from .assessing import make_team, submitted_claim
from .browser import REVIEW_PATH, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settled_history(team, grades):
    """Claims already assessed (so the agreement page has figures to show)."""
    for first, second in grades:
        claim = submitted_claim(team)
        link = claim.evidence.get().pk
        for user, grade in zip(team.asked(claim), (first, second), strict=True):
            assessment_submit(
                actor=user, claim=claim, credibility=grade, kind="fact", stances={link: "supports"}
            )


def assess_in_browser(page_of, user, credibility: str, kind: str):
    assessor = page_of(user)
    page = assessor.page
    page.goto(assessor.url(REVIEW_PATH))
    page.click("#assessments-waiting a")
    if credibility == "2":
        assessor.screenshot("assess-form.png", full_page=True)
    page.select_option("select[name=credibility]", credibility)
    page.select_option("select[name=kind]", kind)
    page.select_option("select[name^=stance_]", "supports")
    page.fill("input[name=note]", f"{user.username}'s own reading <b>bold</b>")
    with page.expect_navigation():
        page.click("#assess-form button[type=submit]")
    assert "Assessment submitted." in page.text_content("ul.messagelist")
    assessor.assert_clean()
    return assessor


def test_disagreement_is_adjudicated_and_the_agreement_page_shows_it(login):
    team = make_team(k=2, reviewers=3)
    settled_history(team, [(2, 2), (3, 3), (1, 2), (4, 4), (2, 3)])
    claim = submitted_claim(team, credibility=6)
    first, second = team.asked(claim)
    judge = team.not_asked(claim)[0]

    assess_in_browser(login, first, "2", "fact")
    assess_in_browser(login, second, "5", "opinion")
    round_ = AssessmentRound.objects.get(claim=claim)
    assert round_.state == RoundState.DISPUTED

    # The third reviewer finds it from the review queue and settles it by keyboard.
    reviewer = login(judge)
    page = reviewer.page
    page.goto(reviewer.url(REVIEW_PATH))
    with page.expect_navigation():
        page.click("#adjudication-link")
    item = page.locator(f".cd-queue-item[data-round='{round_.pk}']")
    assert item.count() == 1
    side_by_side = item.locator(".cd-side-by-side").inner_text()
    assert first.username in side_by_side and second.username in side_by_side
    # Assessors' notes are text, never markup.
    assert "<b>bold</b>" in side_by_side
    assert item.locator(".cd-side-by-side b").count() == 0
    wait_until(page, "document.activeElement.classList.contains('cd-queue-item')")
    reviewer.screenshot("adjudication-queue.png", full_page=True)
    page.keyboard.press("3")
    assert item.locator("select[name$='credibility']").input_value() == "3"
    item.locator("select[name$='kind']").select_option("fact")
    item.locator("select[name*='stance_']").select_option("supports")
    page.keyboard.press("n")
    page.keyboard.type("The quote states a fact; 3 fits the evidence.")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Claim settled." in page.text_content("ul.messagelist")
    assert page.locator("#queue-empty").is_visible()
    reviewer.assert_clean()

    round_.refresh_from_db()
    claim = Claim.objects.get(pk=claim.pk)
    assert (round_.state, round_.adjudicator_id) == (RoundState.ADJUDICATED, judge.pk)
    assert (claim.credibility, claim.kind) == (3, "fact")

    # The agreement page: α per measure with n and interval, pairs, charts.
    page.goto(reviewer.url(f"/admin/curation/assessmentround/agreement/?project={team.project.pk}"))
    rows = page.locator("#alpha-table tbody tr")
    assert rows.count() == 3
    credibility = page.locator("#alpha-table tr[data-measure=credibility]").inner_text()
    assert "ordinal" in credibility and "6" in credibility  # six settled items
    alpha_text = page.locator("#alpha-table tr[data-measure=credibility] .cd-alpha").inner_text()
    assert alpha_text != "—"
    assert page.locator("#alpha-chart rect.cd-bar").count() >= 2
    assert page.locator("#pairwise-table tbody tr").count() >= 1
    assert page.locator("#time-chart circle").count() >= 1
    reviewer.screenshot("agreement-page.png", full_page=True)
    csv = page.request.get(reviewer.url(page.locator("#matrix-csv").get_attribute("href")))
    assert csv.status == 200
    assert csv.text().count("\n") == 1 + 12
    reviewer.assert_clean()
