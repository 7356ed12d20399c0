"""The issue 15 admin pages: query counts that do not grow, CSRF, scoping, bad input."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from curation.models import Assessment, AssessmentRound
from curation.services.assessments import assessment_submit

from .assessing import make_team, submitted_claim

pytestmark = pytest.mark.django_db

# Session and user, the user's roles, the page's own reads (the adjudication
# queue: its rounds, their assessments, stances and evidence; the agreement page:
# the selector's reads, see test_agreement_api.py; one more SET LOCAL on PostgreSQL),
# the admin's sidebar and the header's unread notification count (issue 14).
# The review queue: two more for issue 15 (waiting, disputed).
PINNED = {
    "/admin/curation/assessment/": 9,
    "/admin/curation/assessmentround/": 9,
    "/admin/curation/assessmentround/adjudication/": 10,
    "/admin/curation/assessmentround/agreement/": 14,
    "/admin/curation/claim/review/": 11,
}
PAGES = list(PINNED)


def disputed(team, n: int) -> None:
    for _ in range(n):
        claim = submitted_claim(team, links=2)
        stances = dict.fromkeys(claim.evidence.values_list("pk", flat=True), "supports")
        for user, grade in zip(team.asked(claim), (1, 5), strict=True):
            assessment_submit(
                actor=user, claim=claim, credibility=grade, kind="fact", stances=stances
            )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", PAGES)
def test_admin_pages_query_count_does_not_grow(url, django_assert_max_num_queries):
    team = make_team(k=2, reviewers=3)
    judge = team.reviewers[-1]  # a reviewer: sees every page, adjudicates some rounds
    counts = []
    for total in (2, 8):
        disputed(team, total - AssessmentRound.objects.count())
        client = logged_in(judge)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    client = logged_in(judge)
    with django_assert_max_num_queries(PINNED[url]):
        client.get(url)


def test_adjudication_form_needs_csrf_and_a_note_and_shows_errors():
    team = make_team(k=2, reviewers=3)
    disputed(team, 1)
    round_ = AssessmentRound.objects.get()
    judge = next(
        u for u in team.eligible if u not in [a.assessor for a in round_.assessments.all()]
    )
    url = "/admin/curation/assessmentround/adjudication/"
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(judge)
    assert strict.post(url, {"round": round_.pk}).status_code == 403
    client = logged_in(judge)
    prefix = f"r{round_.pk}-"
    data = {"round": round_.pk, f"{prefix}credibility": "3", f"{prefix}kind": "fact"}
    for link in round_.claim.evidence.all():
        data[f"{prefix}stance_{link.pk}"] = "supports"
    no_note = client.post(url, data)
    assert no_note.status_code == 400
    assert "This field is required" in no_note.text
    round_.refresh_from_db()
    assert round_.state == "disputed"
    assessor = round_.assessments.first().assessor
    assert logged_in(assessor).post(url, {**data, f"{prefix}note": "x"}).status_code == 404
    done = client.post(url, {**data, f"{prefix}note": "Fair."})
    assert done.status_code == 302
    round_.refresh_from_db()
    assert (round_.state, round_.credibility) == ("adjudicated", 3)


def test_assess_page_is_the_assessors_own_and_refuses_values_off_the_scale():
    team = make_team(k=2, reviewers=2)
    claim = submitted_claim(team)
    mine, theirs = Assessment.objects.filter(claim=claim).order_by("assessor_id")
    client = logged_in(mine.assessor)
    assert client.get(f"/admin/curation/assessment/{theirs.pk}/assess/").status_code == 404
    url = f"/admin/curation/assessment/{mine.pk}/assess/"
    link = claim.evidence.get().pk
    bad = client.post(url, {"credibility": "9", "kind": "fact", f"stance_{link}": "supports"})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.text
    mine.refresh_from_db()
    assert mine.status == "pending"
