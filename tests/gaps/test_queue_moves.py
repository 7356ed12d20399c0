"""Issue 15: while a claim's assessments are open, the API offers no accept/reject."""

import pytest
from rest_framework.test import APIClient

from ..assessing import make_team, submitted_claim


@pytest.mark.django_db
def test_claim_awaiting_assessments_offers_no_decision_until_settled():
    team = make_team(k=2, reviewers=3)
    claim = submitted_claim(team)
    client = APIClient()
    client.force_authenticate(team.owner)

    moves = client.get(f"/api/v1/claims/{claim.pk}/").json()["permissions"]["moves"]
    assert "accept" not in moves and "reject" not in moves
    listed = client.get("/api/v1/claims/", {"status": "submitted"}).json()["results"]
    assert [c["permissions"]["moves"] for c in listed if c["id"] == claim.pk] == [moves]
    # The server agrees: the move itself answers 409.
    refused = client.post(f"/api/v1/claims/{claim.pk}/accept/", {"version": 2}, format="json")
    assert refused.status_code == 409


@pytest.mark.django_db
def test_claim_without_independent_assessments_offers_accept_and_reject():
    team = make_team(k=1, reviewers=1, slug="single")
    claim = submitted_claim(team)
    client = APIClient()
    client.force_authenticate(team.owner)
    moves = client.get(f"/api/v1/claims/{claim.pk}/").json()["permissions"]["moves"]
    assert "accept" in moves and "reject" in moves
