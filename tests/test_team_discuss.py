"""Discussing a claim and being told (issue 14, parts 3 and 4): services, API, the
permission matrix, query pins and optional email."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient

from curation.choices import NotificationKind, Role
from curation.exceptions import StaleVersion
from curation.models import Comment, HistoryEntry, Notification
from curation.selectors.comments import claim_thread, unread_count
from curation.services import comments as service
from curation.services.notifications import notification_read, notifications_read_all

from .factories import ClaimFactory, MembershipFactory, PassageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(project, document, annotator):
    return ClaimFactory(passage=PassageFactory(document=document), author=annotator)


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")
    return client


def kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# -- services ---------------------------------------------------------------------------


def test_comment_notifies_claim_author_and_records_history(claim, reviewer, annotator):
    comment = service.comment_create(actor=reviewer, claim=claim, body="Which year?")
    assert comment.author == reviewer and comment.project_id == claim.project_id
    assert kinds(annotator) == [NotificationKind.COMMENTED]
    assert kinds(reviewer) == []  # never the actor
    entry = HistoryEntry.objects.get(claim=claim, object_type="comment")
    assert entry.changes == {"body": ["", "Which year?"]} and entry.actor == reviewer


def test_mention_of_the_author_is_one_notification(claim, reviewer, annotator):
    service.comment_create(actor=reviewer, claim=claim, body="@anna which year?")
    assert kinds(annotator) == [NotificationKind.MENTIONED]


def test_mentions_resolve_only_to_active_members(
    claim, reviewer, annotator, other_annotator, outsider
):
    gone = UserFactory(username="gone", is_active=False)
    MembershipFactory(project=claim.project, user=gone, role=Role.ANNOTATOR)
    comment = service.comment_create(
        actor=reviewer, claim=claim, body="@arno @oscar @gone @nobody see the source. cc @arno."
    )
    assert [user.username for user in comment.mentions.all()] == ["arno"]
    assert kinds(other_annotator) == [NotificationKind.MENTIONED]
    assert kinds(outsider) == [] and kinds(gone) == []


def test_mention_parsing_ignores_addresses_and_trailing_stop():
    assert service.mentioned_usernames("mail a@b.org, thanks @anna. @a.b-c @anna") == [
        "anna",
        "a.b-c",
    ]


def test_viewer_comments_only_when_the_project_allows(claim, viewer):
    with pytest.raises(PermissionDenied):
        service.comment_create(actor=viewer, claim=claim, body="May I?")
    claim.project.viewers_may_comment = True
    claim.project.save(update_fields=["viewers_may_comment"])
    assert service.comment_create(actor=viewer, claim=claim, body="Thanks.").pk


def test_outsider_cannot_comment(claim, outsider):
    with pytest.raises(ValidationError) as caught:
        service.comment_create(actor=outsider, claim=claim, body="Hello")
    assert "claim" in caught.value.message_dict
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "some text"), ("  \n\t", "some text"), ("a\x00b", "NUL"), ("x" * 10_001, "at most")],
)
def test_bad_bodies_are_refused_and_nothing_is_written(claim, reviewer, body, message):
    with pytest.raises(ValidationError) as caught:
        service.comment_create(actor=reviewer, claim=claim, body=body)
    assert message in caught.value.message_dict["body"][0]
    assert not Comment.objects.exists() and not Notification.objects.exists()


def test_reply_must_be_on_the_same_claim(claim, reviewer, document, annotator):
    root = service.comment_create(actor=reviewer, claim=claim, body="Root")
    other = ClaimFactory(passage=PassageFactory(document=document, start=11, end=20))
    with pytest.raises(ValidationError) as caught:
        service.comment_create(actor=reviewer, claim=other, body="Reply", parent=root)
    assert "parent" in caught.value.message_dict


def test_edit_and_retract_keep_what_was_said(claim, reviewer, annotator):
    comment = service.comment_create(actor=reviewer, claim=claim, body="First wording")
    with pytest.raises(PermissionDenied):
        service.comment_edit(actor=annotator, comment=comment, body="Not mine")
    with pytest.raises(StaleVersion):
        service.comment_edit(actor=reviewer, comment=comment, body="x", expected_version=9)
    comment = service.comment_edit(
        actor=reviewer, comment=comment, body="Second wording", expected_version=1
    )
    assert comment.version == 2 and comment.edited_at
    comment = service.comment_retract(actor=reviewer, comment=comment, expected_version=2)
    assert comment.body == "" and comment.retracted_at and Comment.objects.count() == 1
    history = list(
        HistoryEntry.objects.filter(claim=claim, object_type="comment")
        .order_by("at", "pk")
        .values_list("changes", flat=True)
    )
    assert history == [
        {"body": ["", "First wording"]},
        {"body": ["First wording", "Second wording"]},
        {"body": ["Second wording", ""]},
    ]
    with pytest.raises(ValidationError):
        service.comment_edit(actor=reviewer, comment=comment, body="Back again")


def test_edit_tells_only_the_newly_mentioned(claim, reviewer, annotator, other_annotator):
    comment = service.comment_create(actor=reviewer, claim=claim, body="@arno look")
    service.comment_edit(actor=reviewer, comment=comment, body="@arno @anna look")
    assert kinds(other_annotator) == [NotificationKind.MENTIONED]
    assert kinds(annotator) == [NotificationKind.COMMENTED, NotificationKind.MENTIONED]


def test_thread_puts_replies_under_their_parent(claim, reviewer, annotator):
    first = service.comment_create(actor=reviewer, claim=claim, body="first")
    second = service.comment_create(actor=annotator, claim=claim, body="second")
    reply = service.comment_create(actor=annotator, claim=claim, body="reply", parent=first)
    deeper = service.comment_create(actor=reviewer, claim=claim, body="deeper", parent=reply)
    with CaptureQueriesContext(connection) as queries:
        thread = claim_thread(reviewer, claim.pk)
        [(c.author.username, [m.username for m in c.mentions.all()]) for c in thread]
    assert len(queries) == 2  # the rows (authors joined), all their mentions
    assert [(c.pk, c.depth) for c in thread] == [
        (first.pk, 0),
        (reply.pk, 1),
        (deeper.pk, 2),
        (second.pk, 0),
    ]


def test_read_marks_only_ones_own(claim, reviewer, annotator):
    service.comment_create(actor=reviewer, claim=claim, body="@anna one")
    service.comment_create(actor=reviewer, claim=claim, body="two")
    assert unread_count(annotator) == 2
    first = Notification.objects.filter(recipient=annotator).first()
    with pytest.raises(Notification.DoesNotExist):
        notification_read(actor=reviewer, notification=first)
    notification_read(actor=annotator, notification=first)
    assert unread_count(annotator) == 1
    assert notifications_read_all(actor=annotator) == 1
    assert unread_count(annotator) == 0


def test_email_is_off_by_default(claim, reviewer, annotator, django_capture_on_commit_callbacks):
    annotator.email = "anna@example.org"
    annotator.save()
    with django_capture_on_commit_callbacks(execute=True):
        service.comment_create(actor=reviewer, claim=claim, body="Quiet")
    assert mail.outbox == []


def test_email_when_switched_on(
    claim, reviewer, annotator, settings, django_capture_on_commit_callbacks
):
    settings.CLAIMDESK_NOTIFY_BY_EMAIL = True
    annotator.email = "anna@example.org"
    annotator.save()
    with django_capture_on_commit_callbacks(execute=True):
        service.comment_create(actor=reviewer, claim=claim, body="@anna please check")
    assert [message.to for message in mail.outbox] == [["anna@example.org"]]
    assert "mentioned" in mail.outbox[0].subject


# -- API --------------------------------------------------------------------------------


def test_api_comment_round_trip(claim, reviewer, annotator):
    api = client_for(reviewer)
    created = api.post(
        "/api/v1/comments/", {"claim": claim.pk, "body": "Source? @anna"}, format="json"
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["mentions"] == ["anna"] and body["author"] == "rafael"
    assert created["ETag"] == f'"{body["id"]}.1"'
    reply = client_for(annotator).post(
        "/api/v1/comments/",
        {"claim": claim.pk, "parent": body["id"], "body": "The ministry."},
        format="json",
    )
    assert reply.status_code == 201
    listed = api.get(f"/api/v1/comments/?claim={claim.pk}").json()["results"]
    assert [row["body"] for row in listed] == ["Source? @anna", "The ministry."]

    url = f"/api/v1/comments/{body['id']}/"
    assert api.patch(url, {"body": "Source?"}, format="json").status_code == 428
    edited = api.patch(url, {"body": "Source?"}, format="json", HTTP_IF_MATCH=created["ETag"])
    assert edited.status_code == 200 and edited.json()["version"] == 2
    stale = api.patch(url, {"body": "again", "version": 1}, format="json")
    assert stale.status_code == 412
    assert api.delete(url).status_code == 405
    assert api.put(url, {"body": "x"}, format="json").status_code == 405
    retracted = api.post(f"{url}retract/", {"version": 2}, format="json")
    assert retracted.status_code == 200 and retracted.json()["retracted"] is True
    history = api.get(f"/api/v1/claims/{claim.pk}/history/")
    assert history.status_code == 200
    assert "Source? @anna" in history.content.decode()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({"body": "a\x00b"}, "body"),
        ({"body": "ok", "claim": 10**12}, "claim"),
        ({"body": "ok", "parent": "x"}, "parent"),
        ({}, "body"),
    ],
)
def test_api_bad_comment_is_a_precise_400(claim, reviewer, payload, field):
    response = client_for(reviewer).post(
        "/api/v1/comments/", {"claim": claim.pk, **payload}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Comment.objects.exists()


def test_api_other_project_comment_is_404(claim, reviewer, outsider):
    comment = service.comment_create(actor=reviewer, claim=claim, body="Inside")
    api = client_for(outsider)
    assert api.get(f"/api/v1/comments/{comment.pk}/").status_code == 404
    assert api.post(f"/api/v1/comments/{comment.pk}/retract/").status_code == 404
    assert api.get(f"/api/v1/comments/?claim={claim.pk}").json()["results"] == []
    refused = api.post("/api/v1/comments/", {"claim": claim.pk, "body": "hi"}, format="json")
    assert refused.status_code == 400 and "claim" in refused.json()


def test_api_viewer_comment_follows_the_setting(claim, viewer):
    api = client_for(viewer)
    payload = {"claim": claim.pk, "body": "A question"}
    assert api.post("/api/v1/comments/", payload, format="json").status_code == 403
    claim.project.viewers_may_comment = True
    claim.project.save(update_fields=["viewers_may_comment"])
    assert api.post("/api/v1/comments/", payload, format="json").status_code == 201


def test_api_only_the_author_edits(claim, reviewer, annotator):
    comment = service.comment_create(actor=reviewer, claim=claim, body="Mine")
    api = client_for(annotator)
    url = f"/api/v1/comments/{comment.pk}/"
    assert api.patch(url, {"body": "x", "version": 1}, format="json").status_code == 403
    assert api.post(f"{url}retract/").status_code == 403


def test_api_notifications_are_ones_own(claim, reviewer, annotator, other_annotator):
    service.comment_create(actor=reviewer, claim=claim, body="@anna and @arno")
    theirs = Notification.objects.get(recipient=other_annotator)
    api = client_for(annotator)
    listed = api.get("/api/v1/notifications/").json()["results"]
    assert [row["kind"] for row in listed] == ["mentioned"]
    assert listed[0]["actor"] == "rafael" and listed[0]["unread"] is True
    assert api.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    read = api.post(f"/api/v1/notifications/{listed[0]['id']}/read/")
    assert read.status_code == 200 and read.json()["unread"] is False
    assert api.get("/api/v1/notifications/?unread=true").json()["results"] == []
    assert api.get("/api/v1/notifications/?unread=maybe").status_code == 400
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # Nobody can make a notification over the API.
    assert api.post("/api/v1/notifications/", {}, format="json").status_code == 405


# -- query pins -------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_comment_and_notification_lists_do_not_grow_with_rows(claim, reviewer, annotator):
    api = client_for(annotator)
    service.comment_create(actor=reviewer, claim=claim, body="@anna one")
    # token, page of rows (author joined), their mentions
    few = (_queries(api, "/api/v1/comments/"), _queries(api, "/api/v1/notifications/"))
    for n in range(20):
        service.comment_create(actor=reviewer, claim=claim, body=f"@anna more {n}")
    many = (_queries(api, "/api/v1/comments/"), _queries(api, "/api/v1/notifications/"))
    assert few == many == (3, 2)


# -- a release one asked for is ready ----------------------------------------------------


def test_release_ready_tells_who_asked_for_it(claim, owner, reviewer):
    from curation.services.release_jobs import release_enqueue

    from .jobs import run_queued_jobs

    release = release_enqueue(actor=owner, project=claim.project, name="June", formats=["jsonl"])
    assert not Notification.objects.exists()
    run_queued_jobs()
    [told] = Notification.objects.all()
    assert (told.recipient, told.kind, told.release_id) == (
        owner,
        NotificationKind.RELEASE_READY,
        release.pk,
    )
    assert "is ready" in told.text


def test_comment_counts_for_a_page_of_claims(claim, reviewer, annotator, document):
    other = ClaimFactory(passage=PassageFactory(document=document, start=11, end=20))
    service.comment_create(actor=reviewer, claim=claim, body="one")
    gone = service.comment_create(actor=reviewer, claim=claim, body="two")
    service.comment_retract(actor=reviewer, comment=gone)
    api = client_for(annotator)
    answer = api.get(f"/api/v1/comments/counts/?claim={claim.pk}&claim={other.pk}")
    assert answer.status_code == 200 and answer.json() == {"counts": {str(claim.pk): 1}}
    assert api.get("/api/v1/comments/counts/?claim=x").status_code == 400
    assert api.get("/api/v1/comments/counts/").status_code == 400


# -- the permission matrix: role × action, own/other project --------------------------

MATRIX = {
    # role: (create, retrieve, retract someone else's, retrieve someone else's notification)
    "viewer": (403, 200, 403, 404),
    "annotator": (201, 200, 403, 404),
    "reviewer": (201, 200, 403, 404),
    "owner": (201, 200, 403, 404),
    "outsider": (400, 404, 404, 404),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix(role, request, claim, annotator, other_annotator):
    user = {
        "viewer": lambda: request.getfixturevalue("viewer"),
        "annotator": lambda: annotator,
        "reviewer": lambda: request.getfixturevalue("reviewer"),
        "owner": lambda: request.getfixturevalue("owner"),
        "outsider": lambda: request.getfixturevalue("outsider"),
    }[role]()
    theirs = service.comment_create(actor=other_annotator, claim=claim, body="@anna note")
    someone_elses = Notification.objects.get(recipient=annotator, kind="mentioned")
    before = (Comment.objects.count(), HistoryEntry.objects.count())
    api = client_for(user)
    create, retrieve, retract, notification = MATRIX[role]

    made = api.post("/api/v1/comments/", {"claim": claim.pk, "body": "mine"}, format="json")
    assert made.status_code == create, made.content
    if create != 201:
        assert (Comment.objects.count(), HistoryEntry.objects.count()) == before
    assert api.get(f"/api/v1/comments/{theirs.pk}/").status_code == retrieve
    assert api.post(f"/api/v1/comments/{theirs.pk}/retract/").status_code == retract
    theirs.refresh_from_db()
    assert theirs.retracted_at is None
    if user != annotator:
        assert api.get(f"/api/v1/notifications/{someone_elses.pk}/").status_code == notification
    own = api.get("/api/v1/notifications/").json()["results"]
    assert all(Notification.objects.get(pk=row["id"]).recipient == user for row in own)
