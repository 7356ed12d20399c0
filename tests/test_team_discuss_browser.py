"""Discussion and notifications in headless Chromium (issue 14): rafael comments on
anna's claim with "@anna" from the workspace; anna sees the count in the admin
header and the notification, and opens it. Screenshots: docs/screenshots/team-*.png
(copied from tests/artifacts/)."""

import pytest

from curation.choices import ClaimStatus, Role
from curation.models import Comment, Notification

from .browser import workspace_path
from .factories import (
    ClaimFactory,
    DocumentFactory,
    MembershipFactory,
    PassageFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "The ministry said on Monday that grain exports rose by a third in the spring. "
    "Independent analysts doubt the figure and point to shipping data."
)
QUOTE = "grain exports rose by a third in the spring"


@pytest.fixture
def team(project):
    users = {}
    for username, role in (("anna", Role.ANNOTATOR), ("rafael", Role.REVIEWER)):
        users[username] = UserFactory(username=username)
        MembershipFactory(project=project, user=users[username], role=role)
    return users


@pytest.fixture
def claim(project, team):
    document = DocumentFactory(
        project=project,
        title="Grain report, spring",
        text=TEXT,
        source=SourceFactory(project=project, reliability="B"),
    )
    start = TEXT.index(QUOTE)
    passage = PassageFactory(document=document, start=start, end=start + len(QUOTE))
    return ClaimFactory(
        passage=passage,
        author=team["anna"],
        statement="Grain exports rose by a third in spring.",
        status=ClaimStatus.SUBMITTED,
    )


def test_mention_from_the_workspace_reaches_the_other_user(login, team, claim):
    rafael = login(team["rafael"])
    page = rafael.page
    page.goto(rafael.url(workspace_path(claim.passage.document_id, claim.passage_id)))
    thread = page.locator("#panel .cd-discussion")
    thread.locator(".cd-comments", has_text="No comments yet.").wait_for()
    thread.get_by_role("textbox", name="Comment").fill(
        "@anna is the spring figure the ministry's own? <b>check</b>"
    )
    thread.get_by_role("button", name="Comment").click()
    posted = thread.locator(".cd-comment", has_text="@anna is the spring figure")
    posted.wait_for()
    # User text is text: the markup shows as typed, no element is made of it.
    assert "<b>check</b>" in posted.locator(".cd-comment-body").inner_text()
    assert posted.locator("b").count() == 0
    thread.get_by_role("button", name="Reply").click()
    thread.get_by_role("textbox", name="Comment").fill("Asking before I accept.")
    thread.get_by_role("button", name="Comment").click()
    thread.locator(".cd-comment.depth-1", has_text="Asking before I accept.").wait_for()
    # The claim's history in the panel names the comments.
    page.locator("#panel .cd-history", has_text="created comment").first.wait_for()
    rafael.settle()
    rafael.screenshot("team-workspace-discussion.png", full_page=True)
    rafael.assert_clean()

    comment = Comment.objects.get(parent=None)
    assert [user.username for user in comment.mentions.all()] == ["anna"]
    assert Notification.objects.filter(recipient=team["anna"]).count() == 2  # mention, reply

    anna = login(team["anna"])
    page = anna.page
    page.goto(anna.url("/admin/"))
    count = page.locator("#user-tools .cd-unread-count")
    assert count.inner_text() == "2"
    page.locator("#notifications-link").click()
    row = page.locator("#result_list tbody tr", has_text="You were mentioned")
    row.wait_for()
    anna.screenshot("team-notifications.png", full_page=True)
    row.get_by_role("link").click()
    # Opening it marks it read and shows the claim with its discussion.
    page.locator("#panel .cd-discussion .cd-comment", has_text="@anna is the spring").wait_for()
    assert page.locator("#user-tools .cd-unread-count").inner_text() == "1"
    anna.settle()
    assert Notification.objects.filter(recipient=team["anna"], read_at=None).count() == 1
    anna.assert_clean()


def test_review_queue_and_claim_page_show_the_discussion(login, team, claim):
    from curation.services.comments import comment_create

    comment_create(actor=team["anna"], claim=claim, body="Source is the ministry's bulletin.")
    rafael = login(team["rafael"])
    page = rafael.page
    page.goto(rafael.url("/admin/curation/claim/review/"))
    toggle = page.get_by_role("button", name="Comments (1)")
    toggle.click()
    item = page.locator(".cd-queue-item .cd-discussion")
    item.locator(".cd-comment", has_text="ministry's bulletin").wait_for()
    item.get_by_role("textbox", name="Comment").fill("Thanks @anna, accepting.")
    item.get_by_role("button", name="Comment").click()
    page.get_by_role("button", name="Comments (2)").wait_for()
    rafael.settle()
    rafael.screenshot("team-review-queue-comments.png", full_page=True)

    page.goto(rafael.url(f"/admin/curation/claim/{claim.pk}/change/"))
    page.locator("#discussion .cd-comment", has_text="Thanks @anna").wait_for()
    page.locator("#id_comment_body").fill("One more note from the claim page.")
    page.locator("#discussion").get_by_role("button", name="Comment").click()
    page.locator("#discussion .cd-comment", has_text="One more note").wait_for()
    rafael.screenshot("team-claim-discussion.png", full_page=True)
    rafael.assert_clean()
