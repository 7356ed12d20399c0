"""Blindness (issue 15): before submitting their own assessment, nobody reads
another's assessment of that claim through any endpoint, filter, list, export or
admin page. Each surface is tried by a pending assessor, a member who was not
asked, and a viewer; then the pending assessor submits and may read them all."""

import csv
import io

import pytest
from django.test import Client

from curation.models import Assessment, AssessmentRound

from .assessing import make_team, payload, submitted_claim

pytestmark = pytest.mark.django_db

SECRET_GRADE = 5  # the first assessor's credibility: nobody else may learn it


@pytest.fixture
def open_round():
    team = make_team(k=3, reviewers=3)
    claim = submitted_claim(team, credibility=1)
    # Asked: the owner and two reviewers (by id); a reviewer assesses first.
    owner, first, pending = team.asked(claim)
    assert owner == team.owner
    response = team.client(first).post(
        "/api/v1/assessments/", payload(claim, SECRET_GRADE, kind="prediction"), format="json"
    )
    assert response.status_code == 201
    secret = Assessment.objects.get(claim=claim, assessor=first)
    others = {
        "pending assessor": pending,
        "member not asked": team.not_asked(claim)[0],
        "viewer": team.viewer,
    }
    return team, claim, secret, others


def api_leaks(team, claim, secret, user) -> list[str]:
    """Every API read that could show the secret assessment; the ones that do."""
    client = team.client(user)
    leaks = []
    lists = [
        {},
        {"claim": claim.pk},
        {"project": team.project.pk},
        {"assessor": secret.assessor.username},
        {"assessor": secret.assessor.pk},
        {"status": "submitted"},
        {"round_state": "open"},
        {"q": claim.statement[:5]},
        {"ordering": "-submitted_at"},
    ]
    for params in lists:
        rows = client.get("/api/v1/assessments/", params).json()["results"]
        if any(row["id"] == secret.pk or row["credibility"] == SECRET_GRADE for row in rows):
            leaks.append(f"assessments list {params}")
    if client.get(f"/api/v1/assessments/{secret.pk}/").status_code != 404:
        leaks.append("assessment detail")
    if client.patch(f"/api/v1/assessments/{secret.pk}/", {}, format="json").status_code != 404:
        leaks.append("assessment patch")
    round_ = AssessmentRound.objects.get(claim=claim)
    if client.get("/api/v1/adjudications/").json()["results"]:
        leaks.append("adjudications list")
    if client.get(f"/api/v1/adjudications/{round_.pk}/").status_code != 404:
        leaks.append("adjudication detail")
    figures = client.get(f"/api/v1/projects/{team.project.pk}/agreement/").json()
    if figures["assessments"] or figures["pairwise"]:
        leaks.append("agreement figures")
    matrix = client.get(f"/api/v1/projects/{team.project.pk}/agreement/matrix.csv")
    if len(list(csv.reader(io.StringIO(b"".join(matrix.streaming_content).decode())))) > 1:
        leaks.append("agreement matrix csv")
    history = client.get(f"/api/v1/claims/{claim.pk}/history/").json()["results"]
    if any("credibility" in entry["changes"] or "kind" in entry["changes"] for entry in history):
        leaks.append("claim history")
    shown = client.get(f"/api/v1/claims/{claim.pk}/").json()
    if shown["credibility"] == SECRET_GRADE or shown["kind"] == "prediction":
        leaks.append("claim")
    return leaks


def admin_leaks(claim, secret, user) -> list[str]:
    client = Client()
    client.force_login(user)
    leaks = []
    changelist = client.get("/admin/curation/assessment/")
    if f"/admin/curation/assessment/{secret.pk}/change/" in changelist.text:
        leaks.append("admin assessment list")
    for url in (
        f"/admin/curation/assessment/{secret.pk}/change/",
        f"/admin/curation/assessment/{secret.pk}/assess/",
    ):
        if client.get(url).status_code != 404:
            leaks.append(url)
    queue = client.get("/admin/curation/assessmentround/adjudication/")
    if claim.statement in queue.text:
        leaks.append("adjudication queue")
    page = client.get("/admin/curation/assessmentround/agreement/")
    if page.status_code != 200 or "0 assessment(s)" not in page.text:
        leaks.append("agreement page")
    return leaks


@pytest.mark.parametrize("who", ["pending assessor", "member not asked", "viewer"])
def test_nobody_reads_an_assessment_before_submitting_their_own(open_round, who):
    team, claim, secret, others = open_round
    user = others[who]
    assert api_leaks(team, claim, secret, user) == []
    assert admin_leaks(claim, secret, user) == []


def test_the_owner_sees_who_is_asked_but_not_what_they_said(open_round):
    team, claim, secret, _ = open_round
    rows = team.client(team.owner).get("/api/v1/assessments/", {"claim": claim.pk}).json()
    assert [row["status"] for row in rows["results"]] == ["pending", "pending"]
    assert secret.pk not in {row["id"] for row in rows["results"]}


def test_after_submitting_ones_own_the_others_are_readable(open_round):
    team, claim, secret, others = open_round
    pending = others["pending assessor"]
    client = team.client(pending)
    assert client.post("/api/v1/assessments/", payload(claim, 2), format="json").status_code == 201
    assert client.get(f"/api/v1/assessments/{secret.pk}/").json()["credibility"] == SECRET_GRADE
    rows = client.get("/api/v1/assessments/", {"claim": claim.pk}).json()["results"]
    assert secret.pk in {row["id"] for row in rows}
    # The member who was not asked still cannot: the round is open until the third submits.
    outsider = team.client(others["member not asked"])
    assert outsider.get(f"/api/v1/assessments/{secret.pk}/").status_code == 404
