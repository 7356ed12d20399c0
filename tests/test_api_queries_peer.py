"""Query pins of the requests the peer benchmark times (../shared/peer-bench/, phases
c and e; docs/benchmarks.md): a claim posted by offsets, and the claims of one
document. Counts only: the benchmark measures the time."""

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from curation.models import Claim

from .factories import ClaimFactory, DocumentFactory, EvidenceLinkFactory, PassageFactory

TEXT = "Officials said exports of grain rose by a third. Analysts doubt the figure. " * 4


@pytest.fixture
def owner_client(owner) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=owner)[1]}")
    return client


@pytest.fixture
def spans_document(project, owner):
    """A document with ten claims on ten spans, as the benchmark's spans are: no topics,
    no evidence."""
    document = DocumentFactory(project=project, text=TEXT)
    for n in range(10):
        ClaimFactory(passage=PassageFactory(document=document, start=n, end=n + 20), author=owner)
    return document


def test_the_claims_of_one_document_take_three_queries(
    spans_document, owner_client, django_assert_num_queries
):
    # token; the claims with passage, title, grade and usernames joined (flags for
    # topics and evidence in the same statement); the caller's roles for `permissions`
    with django_assert_num_queries(3):
        response = owner_client.get("/api/v1/claims/", {"document": spans_document.pk})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 10


def test_topics_and_evidence_of_one_document_cost_one_query_each(
    spans_document, owner_client, django_assert_num_queries
):
    claim = Claim.objects.filter(passage__document=spans_document).order_by("pk").first()
    EvidenceLinkFactory(
        claim=claim, passage=PassageFactory(document=spans_document, start=40, end=60)
    )

    with django_assert_num_queries(4):
        response = owner_client.get("/api/v1/claims/", {"document": spans_document.pk})

    assert response.status_code == 200
    evidence = [len(item["evidence"]) for item in response.json()["results"]]
    assert sorted(evidence) == [0] * 9 + [1]


def test_a_claim_by_offsets_takes_eleven_queries(
    spans_document, owner_client, django_assert_num_queries
):
    body = {"passage_input": {"document": spans_document.pk, "start": 100, "end": 130}}

    # token; the document; the transaction (2); the roles; the passage (INSERT … ON
    # CONFLICT, then SELECT); the claim; its history entry; the answer read back as a
    # GET reads it; the caller's roles for `permissions`
    with django_assert_num_queries(11):
        response = owner_client.post("/api/v1/claims/", {**body, "kind": "fact"}, format="json")

    assert response.status_code == 201, response.content
