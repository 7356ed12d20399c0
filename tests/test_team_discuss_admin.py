"""Discussion and notifications in the admin (issue 14): the header's unread count
and favicon on every page, the notifications list, the claim page's thread."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curation.models import Comment, Notification
from curation.services import comments as service

from .factories import ClaimFactory, PassageFactory

pytestmark = pytest.mark.django_db

NOTIFICATIONS = reverse("admin:curation_notification_changelist")


@pytest.fixture
def claim(project, document, annotator):
    return ClaimFactory(passage=PassageFactory(document=document), author=annotator)


def test_header_shows_unread_count_and_favicon_on_admin_pages(client, claim, reviewer, annotator):
    service.comment_create(actor=reviewer, claim=claim, body="@anna see this")
    service.comment_create(actor=reviewer, claim=claim, body="and this")
    client.force_login(annotator)
    for url in (
        reverse("admin:index"),
        reverse("admin:curation_claim_changelist"),
        reverse("admin:curation_claim_change", args=[claim.pk]),
        reverse("admin:curation_claim_review"),
        NOTIFICATIONS,
    ):
        page = client.get(url).content.decode()
        assert 'class="cd-unread-count" aria-label="2 unread">2</span>' in page, url
        assert 'rel="icon" href="/static/curation/favicon.svg"' in page, url
    # Django's password pages replace the user links, but keep the frame's favicon.
    assert "favicon.svg" in client.get(reverse("admin:password_change")).content.decode()
    client.logout()
    assert "favicon.svg" in client.get(reverse("admin:login")).content.decode()


def test_header_count_costs_one_query(client, claim, reviewer, annotator):
    client.force_login(annotator)
    url = reverse("admin:curation_claim_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as none_unread:
        client.get(url)
    for n in range(5):
        service.comment_create(actor=reviewer, claim=claim, body=f"@anna {n}")
    with CaptureQueriesContext(connection) as five_unread:
        page = client.get(url).content.decode()
    assert ">5</span>" in page
    counts = [q["sql"] for q in five_unread.captured_queries if "curation_notification" in q["sql"]]
    assert len(counts) == 1
    assert len(five_unread) == len(none_unread)


def test_notifications_page_lists_only_ones_own_and_marks_read(
    client, claim, reviewer, annotator, other_annotator
):
    service.comment_create(actor=reviewer, claim=claim, body="@anna @arno look")
    mine = Notification.objects.get(recipient=annotator)
    theirs = Notification.objects.get(recipient=other_annotator)
    client.force_login(annotator)
    page = client.get(NOTIFICATIONS).content.decode()
    assert "You were mentioned" in page and page.count("/open/") == 1
    # Opening marks read and goes to the claim in its document's workspace.
    opened = client.get(reverse("admin:curation_notification_open", args=[mine.pk]))
    workspace = reverse("admin:curation_document_workspace", args=[claim.passage.document_id])
    assert opened.status_code == 302
    assert opened["Location"] == f"{workspace}#passage-{claim.passage_id}"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert (
        client.get(reverse("admin:curation_notification_open", args=[theirs.pk])).status_code == 404
    )
    service.comment_create(actor=reviewer, claim=claim, body="more")
    assert client.get(reverse("admin:curation_notification_read_all")).status_code == 405
    client.post(reverse("admin:curation_notification_read_all"))
    assert not Notification.objects.filter(recipient=annotator, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notifications_list_query_count_does_not_grow(
    client, claim, reviewer, annotator, django_assert_max_num_queries
):
    client.force_login(annotator)
    service.comment_create(actor=reviewer, claim=claim, body="@anna one")
    with CaptureQueriesContext(connection) as one:
        client.get(NOTIFICATIONS)
    for n in range(30):
        service.comment_create(actor=reviewer, claim=claim, body=f"@anna {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(NOTIFICATIONS)
    assert len(many) == len(one)


def test_claim_page_shows_thread_and_posts_comments(client, claim, reviewer, annotator):
    first = service.comment_create(actor=annotator, claim=claim, body="<b>not markup</b>")
    client.force_login(reviewer)
    change = reverse("admin:curation_claim_change", args=[claim.pk])
    page = client.get(change).content.decode()
    assert 'id="discussion"' in page
    assert "&lt;b&gt;not markup&lt;/b&gt;" in page and "<b>not markup</b>" not in page
    post = reverse("admin:curation_comment_post", args=[claim.pk])
    response = client.post(post, {"body": "Reply @anna", "parent": str(first.pk)})
    assert response.status_code == 302 and response["Location"] == f"{change}#discussion"
    reply = Comment.objects.get(parent=first)
    assert reply.author == reviewer and [u.username for u in reply.mentions.all()] == ["anna"]
    client.post(post, {"body": "   "})
    assert Comment.objects.count() == 2  # refused, said on the page
    client.post(post, {"retract": str(first.pk)})  # not the author's
    first.refresh_from_db()
    assert first.retracted_at is None
    client.post(post, {"retract": str(reply.pk)})
    reply.refresh_from_db()
    assert reply.retracted_at is not None
    history = client.get(reverse("admin:curation_claim_history", args=[claim.pk]))
    assert "Reply @anna" in history.content.decode()


def test_outsider_cannot_post_to_anothers_claim(client, claim, outsider):
    client.force_login(outsider)
    response = client.post(reverse("admin:curation_comment_post", args=[claim.pk]), {"body": "x"})
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_comment_list_is_scoped_and_names_no_other_project(client, claim, reviewer, outsider):
    from .factories import DocumentFactory

    other_document = DocumentFactory(project=outsider.memberships.get().project)
    other = ClaimFactory(passage=PassageFactory(document=other_document), author=outsider)
    service.comment_create(actor=outsider, claim=other, body="Beta's secret")
    service.comment_create(actor=reviewer, claim=claim, body="Alpha's note")
    client.force_login(reviewer)
    page = client.get(reverse("admin:curation_comment_changelist")).content.decode()
    assert "Alpha&#x27;s note" in page or "Alpha's note" in page
    assert "Beta" not in page


def test_comment_changelist_query_count_does_not_grow(client, claim, reviewer):
    client.force_login(reviewer)
    url = reverse("admin:curation_comment_changelist")
    service.comment_create(actor=reviewer, claim=claim, body="one")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(30):
        service.comment_create(actor=reviewer, claim=claim, body=f"more {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)
