"""Issue 17: a claim or passage whose quote matched only loosely says so."""

import pytest
from django.contrib.messages import get_messages

from curation.models import Passage
from curation.services import DocumentInput, document_import

from ..factories import client_for

TEXT = "He said \u201cthe\u00a0corridor is\u2014at last\u2014open\u201d and left the port.\n"
TYPED = '"the corridor   is-at last-open"'


@pytest.fixture
def typographic(project, owner):
    return document_import(actor=owner, project=project, item=DocumentInput(text=TEXT, title="T"))


@pytest.mark.django_db
def test_claim_from_a_loosely_matched_quote_says_so(typographic, annotator):
    response = client_for(annotator).post(
        "/api/v1/claims/",
        {"passage_input": {"document": typographic.pk, "exact": TYPED}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["quote_match"] == "loose"
    assert body["passage"]["exact"].startswith("\u201cthe\u00a0corridor")
    # Read later, the claim does not pretend to know how its quote was typed.
    again = client_for(annotator).get(f"/api/v1/claims/{body['id']}/").json()
    assert again["quote_match"] is None


@pytest.mark.django_db
def test_claim_from_an_exact_quote_or_an_existing_passage(typographic, annotator):
    client = client_for(annotator)
    exact = client.post(
        "/api/v1/claims/",
        {"passage_input": {"document": typographic.pk, "exact": "left the port"}},
        format="json",
    )
    assert exact.status_code == 201, exact.json()
    assert exact.json()["quote_match"] == "exact"
    existing = client.post(
        "/api/v1/claims/", {"passage_id": exact.json()["passage"]["id"]}, format="json"
    )
    assert existing.status_code == 201, existing.json()
    assert existing.json()["quote_match"] is None


@pytest.mark.django_db
def test_bulk_claims_report_each_quote_match(typographic, annotator):
    response = client_for(annotator).post(
        "/api/v1/claims/",
        [
            {"passage_input": {"document": typographic.pk, "exact": TYPED}},
            {"passage_input": {"document": typographic.pk, "exact": "He said"}},
        ],
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert [claim["quote_match"] for claim in response.json()] == ["loose", "exact"]


@pytest.mark.django_db
def test_admin_passage_from_a_loose_quote_warns(client, typographic, annotator):
    client.force_login(annotator)
    response = client.post(
        "/admin/curation/passage/add/", {"document": typographic.pk, "exact": TYPED}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    passage = Passage.objects.get(document=typographic)
    assert passage.exact == TEXT[passage.start : passage.end]
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("matched loosely" in m for m in shown), shown
