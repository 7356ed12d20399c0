"""GET /api/v1/claims|sources|documents/{id}/history/: what the admin's History page
shows, through the API (issue 19, item 13). One contract for the three: paged like
every list, newest first."""

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from curation import services
from curation.models import Membership

from .factories import ClaimFactory, PassageFactory, SourceFactory

KINDS = ["claims", "sources", "documents"]


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")
    return client


def _regrade(owner, source, times):
    for n in range(times):
        source = services.source_update(
            actor=owner,
            source=source,
            reliability="BC"[n % 2],
            reliability_rationale=f"Regraded {n}",
        )
    return source


def test_source_history_shows_regradings_newest_first(owner, viewer, project):
    source = _regrade(owner, SourceFactory(project=project, reliability="A"), 2)

    response = _client(viewer).get(f"/api/v1/sources/{source.pk}/history/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [entry["changes"]["reliability"] for entry in results] == [["B", "C"], ["A", "B"]]
    assert {entry["actor"] for entry in results} == {owner.username}
    assert results[0]["object_type"] == "source"


def test_document_history_shows_edits(owner, viewer, document):
    services.document_update(actor=owner, document=document, title="A better title")

    response = _client(viewer).get(f"/api/v1/documents/{document.pk}/history/")

    assert response.status_code == 200
    [entry] = response.json()["results"]
    assert entry["changes"]["title"][1] == "A better title"
    assert entry["actor"] == owner.username


def test_history_pages_with_a_cursor(owner, project):
    source = _regrade(owner, SourceFactory(project=project, reliability="A"), 5)
    client = _client(owner)

    first = client.get(f"/api/v1/sources/{source.pk}/history/?page_size=2").json()
    second = client.get(first["next"]).json()

    assert len(first["results"]) == len(second["results"]) == 2
    seen = [entry["note"] for entry in first["results"] + second["results"]]
    assert seen == [f"Regraded {n}" for n in (4, 3, 2, 1)]


@pytest.mark.parametrize("query", ["ordering=name", "q=anything", "reliability=Z"])
def test_history_ignores_the_resource_list_parameters(owner, project, query):
    # The source list's ordering and filters name fields a history entry lacks.
    source = _regrade(owner, SourceFactory(project=project, reliability="A"), 1)
    response = _client(owner).get(f"/api/v1/sources/{source.pk}/history/?{query}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def _edited(kind, owner, document, edits: int):
    """A claim, source or document of `document`'s project, edited `edits` times."""
    if kind == "claims":
        claim = ClaimFactory(passage=PassageFactory(document=document), author=owner)
        for n in range(edits):
            claim = services.claim_update(actor=owner, claim=claim, statement=f"Edit {n}")
        return claim
    if kind == "sources":
        source = document.source
        for n in range(edits):
            source = services.source_update(actor=owner, source=source, name=f"Name {n}")
        return source
    for n in range(edits):
        services.document_update(actor=owner, document=document, title=f"Title {n}")
    return document


@pytest.mark.parametrize("kind", KINDS)
def test_every_history_is_paged_newest_first(owner, document, kind):
    target = _edited(kind, owner, document, 3)
    client = _client(owner)

    first = client.get(f"/api/v1/{kind}/{target.pk}/history/?page_size=2").json()
    second = client.get(first["next"]).json()

    entries = first["results"] + second["results"]
    assert [entry["id"] for entry in entries] == list(
        target.history.order_by("-at", "-pk").values_list("pk", flat=True)
    )
    assert len(entries) == 3
    assert second["next"] is None


@pytest.mark.parametrize("kind", KINDS)
def test_another_projects_history_is_404(outsider, owner, document, kind):
    target = _edited(kind, owner, document, 1)
    response = _client(outsider).get(f"/api/v1/{kind}/{target.pk}/history/")
    assert response.status_code == 404
    assert "Edit 0" not in response.content.decode()
    assert "Name 0" not in response.content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_a_removed_members_history_is_404(owner, viewer, document, kind):
    target = _edited(kind, owner, document, 1)
    client = _client(viewer)
    assert client.get(f"/api/v1/{kind}/{target.pk}/history/").status_code == 200

    services.membership_remove(
        actor=owner, membership=Membership.objects.get(user=viewer, project=document.project)
    )

    assert client.get(f"/api/v1/{kind}/{target.pk}/history/").status_code == 404


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("edits", [1, 12])
def test_history_query_count_does_not_grow(owner, document, django_assert_num_queries, kind, edits):
    target = _edited(kind, owner, document, edits)
    client = _client(owner)

    # token, the object (scoped), one page of entries with their actors
    with django_assert_num_queries(3):
        response = client.get(f"/api/v1/{kind}/{target.pk}/history/")

    assert response.status_code == 200
    assert len(response.json()["results"]) == edits
