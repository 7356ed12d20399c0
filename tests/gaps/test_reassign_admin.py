"""Issue 15: an owner reassigns a pending assessment from the admin (the API's service)."""

import pytest
from django.test import Client
from django.urls import reverse

from curation.models import Assessment, HistoryEntry

from ..assessing import make_team, submitted_claim


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(assessment) -> str:
    return reverse("admin:curation_assessment_reassign", args=[assessment.pk])


@pytest.mark.django_db
def test_owner_reassigns_a_pending_assessment_in_the_admin():
    team = make_team(k=2, reviewers=3)
    claim = submitted_claim(team)
    pending = Assessment.objects.filter(claim=claim).order_by("pk").first()
    asked = set(Assessment.objects.filter(claim=claim).values_list("assessor_id", flat=True))
    free = next(p for p in team.reviewers if p.pk not in asked)
    client = logged_in(team.owner)

    page = client.get(url(pending))
    assert page.status_code == 200
    offered = {user.pk for user in page.context["form"].fields["assessor"].queryset}
    # Owner and reviewers may assess; the author and those already asked are not offered.
    assert offered == {u.pk for u in [team.owner, *team.reviewers]} - asked
    assert team.author.pk not in offered

    response = client.post(url(pending), {"assessor": free.pk})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.assessor_id == free.pk
    entry = HistoryEntry.objects.filter(note__contains="reassigned").latest("pk")
    assert entry.changes["assessors"][1] == [free.pk]


@pytest.mark.django_db
def test_reassign_refuses_non_owners_ineligible_people_and_other_projects():
    team = make_team(k=2, reviewers=3)
    other = make_team(k=2, reviewers=3, slug="other")
    claim = submitted_claim(team)
    pending = Assessment.objects.filter(claim=claim).order_by("pk").first()
    before = pending.assessor_id
    # A reviewer of the project, and the owner of another project: nothing to see.
    assert logged_in(team.reviewers[0]).get(url(pending)).status_code == 404
    assert logged_in(other.owner).get(url(pending)).status_code == 404
    # The claim's author is not offered; posting it anyway is a form error, nothing written.
    response = logged_in(team.owner).post(url(pending), {"assessor": team.author.pk})
    assert response.status_code == 200
    assert "assessor" in response.context["form"].errors
    pending.refresh_from_db()
    assert pending.assessor_id == before


@pytest.mark.django_db
def test_assessment_page_links_to_reassign_while_pending():
    team = make_team(k=2, reviewers=3)
    claim = submitted_claim(team)
    pending = Assessment.objects.filter(claim=claim).order_by("pk").first()
    page = logged_in(team.owner).get(reverse("admin:curation_assessment_change", args=[pending.pk]))
    assert page.status_code == 200
    assert url(pending) in page.content.decode()
