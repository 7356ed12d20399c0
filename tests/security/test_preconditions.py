"""Item 3: no lost updates. PUT, PATCH and DELETE on claims and evidence links need
If-Match or `version` (428 without); evidence links are versioned like claims."""

import pytest
from django.test import Client

from curation.choices import Role
from curation.models import Claim, EvidenceLink
from tests.factories import (
    ClaimFactory,
    DocumentFactory,
    EvidenceLinkFactory,
    MembershipFactory,
    PassageFactory,
    ProjectFactory,
    UserFactory,
)


@pytest.fixture
def world(db):
    project = ProjectFactory(slug="alpha")
    rafael = UserFactory(username="rafael")
    MembershipFactory(project=project, user=rafael, role=Role.REVIEWER)
    document = DocumentFactory(project=project)
    claim = ClaimFactory(passage=PassageFactory(document=document), author=rafael)
    link = EvidenceLinkFactory(
        claim=claim, passage=PassageFactory(document=document, start=11, end=20), author=rafael
    )
    client = Client()
    client.force_login(rafael)
    return client, claim, link


def _json(client, method, url, body=None, **headers):
    return getattr(client, method)(url, body or {}, content_type="application/json", **headers)


def assert_428(response):
    assert response.status_code == 428, response.content
    body = response.json()
    assert body["code"] == "precondition_required"
    assert "If-Match" in body["detail"] and "version" in body["detail"]


@pytest.mark.parametrize("method", ["patch", "put"])
def test_claim_write_without_a_precondition_is_428(world, method):
    client, claim, _ = world
    url = f"/api/v1/claims/{claim.pk}/"
    body = client.get(url).json() if method == "put" else {}
    body.pop("version", None)
    body["statement"] = "Last writer wins?"
    assert_428(_json(client, method, url, body))
    claim.refresh_from_db()
    assert (claim.statement, claim.version) != ("Last writer wins?", 2)
    assert claim.version == 1


def test_claim_delete_without_a_precondition_is_428(world):
    client, claim, _ = world
    assert_428(client.delete(f"/api/v1/claims/{claim.pk}/"))
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_claim_delete_with_a_version_in_the_body(world):
    client, claim, _ = world
    response = _json(client, "delete", f"/api/v1/claims/{claim.pk}/", {"version": 1})
    assert response.status_code == 204, response.content


def test_evidence_answers_carry_a_version_and_an_etag(world):
    client, _, link = world
    response = client.get(f"/api/v1/evidence/{link.pk}/")
    assert response.json()["version"] == 1
    assert response["ETag"] == f'"{link.pk}.1"'


@pytest.mark.parametrize("method", ["patch", "put"])
def test_evidence_write_without_a_precondition_is_428(world, method):
    client, _, link = world
    url = f"/api/v1/evidence/{link.pk}/"
    body = client.get(url).json() if method == "put" else {}
    body.pop("version", None)
    body["note"] = "Overwritten."
    assert_428(_json(client, method, url, body))
    link.refresh_from_db()
    assert (link.note, link.version) == ("", 1)


def test_evidence_delete_without_a_precondition_is_428(world):
    client, _, link = world
    assert_428(client.delete(f"/api/v1/evidence/{link.pk}/"))
    assert EvidenceLink.objects.filter(pk=link.pk).exists()


def test_two_editors_of_one_evidence_link_cannot_lose_an_update(world):
    client, _, link = world
    url = f"/api/v1/evidence/{link.pk}/"
    etag = client.get(url)["ETag"]
    first = _json(client, "patch", url, {"note": "First."}, HTTP_IF_MATCH=etag)
    assert first.status_code == 200, first.content
    assert first.json()["version"] == 2
    assert first["ETag"] == f'"{link.pk}.2"'
    second = _json(client, "patch", url, {"note": "Second."}, HTTP_IF_MATCH=etag)
    assert second.status_code == 412
    assert second.json()["version"] == 2
    link.refresh_from_db()
    assert link.note == "First."
    stale = _json(client, "delete", url, {"version": 1})
    assert stale.status_code == 412
    assert _json(client, "delete", url, {"version": 2}).status_code == 204


def test_evidence_version_in_the_body_works_like_if_match(world):
    client, _, link = world
    url = f"/api/v1/evidence/{link.pk}/"
    response = _json(client, "patch", url, {"stance": "refutes", "version": 1})
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert _json(client, "patch", url, {"stance": "supports", "version": 1}).status_code == 412


def test_the_admin_evidence_form_refuses_a_stale_save(world):
    client, _, link = world
    url = f"/admin/curation/evidencelink/{link.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="expected_version" value="1"' in page.content
    # Someone else saves first (version 2) ...
    first = _json(client, "patch", f"/api/v1/evidence/{link.pk}/", {"note": "API.", "version": 1})
    assert first.status_code == 200
    # ... then the form rendered at version 1 is posted: refused, nothing overwritten.
    response = client.post(url, {"stance": "refutes", "note": "Admin.", "expected_version": "1"})
    link.refresh_from_db()
    assert (link.note, link.stance, link.version) == ("API.", "supports", 2)
    assert response.status_code == 302  # back to the form, with the reason shown
