"""Item 5: deletes never lose others' work silently. A topic in use needs a
confirmation, and every claim that loses it gets a history entry; a claim carrying
someone else's evidence is not its author's alone to delete."""

import pytest
from django.test import Client

from curation.choices import HistoryAction, Role
from curation.models import Claim, EvidenceLink, HistoryEntry, Topic
from tests.factories import (
    ClaimFactory,
    DocumentFactory,
    EvidenceLinkFactory,
    MembershipFactory,
    PassageFactory,
    ProjectFactory,
    TopicFactory,
    UserFactory,
)


@pytest.fixture
def world(db):
    project = ProjectFactory(slug="alpha")
    users = {}
    for name, role in (("anna", Role.ANNOTATOR), ("rafael", Role.REVIEWER)):
        users[name] = UserFactory(username=name)
        MembershipFactory(project=project, user=users[name], role=role)
    document = DocumentFactory(project=project)
    topic = TopicFactory(project=project, name="energy")
    spare = TopicFactory(project=project, name="trade")
    claims = []
    for n in range(3):
        claim = ClaimFactory(
            passage=PassageFactory(document=document, start=n, end=n + 5), author=users["anna"]
        )
        claim.topics.set([topic, spare] if n else [topic])
        claims.append(claim)
    return project, users, topic, claims, document


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_deleting_a_topic_in_use_answers_409_with_the_count(world):
    _, users, topic, _, _ = world
    response = client_for(users["rafael"]).delete(f"/api/v1/topics/{topic.pk}/")
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["claims"]) == ("in_use", 3)
    assert "3 claim" in body["detail"]
    assert Topic.objects.filter(pk=topic.pk).exists()
    assert not HistoryEntry.objects.exists()


def test_a_confirmed_topic_delete_records_history_on_every_claim(world):
    _, users, topic, claims, _ = world
    response = client_for(users["rafael"]).delete(f"/api/v1/topics/{topic.pk}/?confirm=1")
    assert response.status_code == 204
    assert not Topic.objects.filter(pk=topic.pk).exists()
    entries = HistoryEntry.objects.filter(action=HistoryAction.UPDATED).order_by("claim_id")
    assert [entry.claim_id for entry in entries] == [claim.pk for claim in claims]
    assert entries[0].changes == {"topics": [["energy"], []]}
    assert entries[1].changes == {"topics": [["energy", "trade"], ["trade"]]}
    assert {entry.actor_id for entry in entries} == {users["rafael"].pk}
    # The claims changed: an edit based on the old version is stale.
    assert set(Claim.objects.values_list("version", flat=True)) == {2}


def test_an_unused_topic_is_deleted_without_confirmation(world):
    project, users, _, _, _ = world
    unused = TopicFactory(project=project, name="unused")
    response = client_for(users["rafael"]).delete(f"/api/v1/topics/{unused.pk}/")
    assert response.status_code == 204


def test_the_admin_confirmation_page_lists_the_claims_and_records_history(world):
    _, users, topic, claims, _ = world
    client = client_for(users["rafael"])
    page = client.get(f"/admin/curation/topic/{topic.pk}/delete/")
    assert page.status_code == 200
    assert b"Claim-topic relationships" in page.content  # the summary, with its count
    response = client.post(f"/admin/curation/topic/{topic.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Topic.objects.filter(pk=topic.pk).exists()
    assert HistoryEntry.objects.filter(claim__in=claims).count() == 3


def _claim_with_reviewers_evidence(world):
    _, users, _, claims, document = world
    claim = claims[0]
    EvidenceLinkFactory(
        claim=claim,
        passage=PassageFactory(document=document, start=30, end=40),
        author=users["anna"],
    )
    EvidenceLinkFactory(
        claim=claim,
        passage=PassageFactory(document=document, start=40, end=50),
        author=users["rafael"],
    )
    return claim


def test_author_cannot_delete_a_draft_carrying_a_reviewers_evidence(world):
    _, users, _, _, _ = world
    claim = _claim_with_reviewers_evidence(world)
    response = client_for(users["anna"]).delete(
        f"/api/v1/claims/{claim.pk}/", HTTP_IF_MATCH=f'"{claim.pk}.{claim.version}"'
    )
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["users"]) == ("evidence_of_others", ["rafael"])
    assert "rafael" in body["detail"]
    assert EvidenceLink.objects.filter(claim=claim).count() == 2


def test_a_reviewer_deletes_it_with_history_for_the_claim_and_each_link(world):
    _, users, _, _, _ = world
    claim = _claim_with_reviewers_evidence(world)
    response = client_for(users["rafael"]).delete(
        f"/api/v1/claims/{claim.pk}/", HTTP_IF_MATCH=f'"{claim.pk}.{claim.version}"'
    )
    assert response.status_code == 204
    deleted = HistoryEntry.objects.filter(action=HistoryAction.DELETED)
    assert sorted(deleted.values_list("object_type", flat=True)) == [
        "claim",
        "evidencelink",
        "evidencelink",
    ]
    assert not EvidenceLink.objects.filter(claim_id=claim.pk).exists()


def test_author_still_deletes_a_draft_carrying_only_their_own_evidence(world):
    _, users, _, claims, document = world
    claim = claims[1]
    EvidenceLinkFactory(
        claim=claim,
        passage=PassageFactory(document=document, start=60, end=70),
        author=users["anna"],
    )
    response = client_for(users["anna"]).delete(
        f"/api/v1/claims/{claim.pk}/", HTTP_IF_MATCH=f'"{claim.pk}.{claim.version}"'
    )
    assert response.status_code == 204
