"""Independent assessments through the real stack (issue 15): assignment, the
rules of assessing, agreement, adjudication and the precise 4xx of bad input."""

import pytest
from django.core.exceptions import ValidationError

from curation.choices import AssessmentStatus, ClaimStatus, HistoryAction, Role, RoundState
from curation.models import AssessedStance, Assessment, AssessmentRound, Claim, HistoryEntry
from curation.services.review import claim_submit

from .assessing import make_team, payload, submitted_claim
from .factories import ClaimFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ASSESSMENTS = "/api/v1/assessments/"
ADJUDICATIONS = "/api/v1/adjudications/"


def assessors_of(claim) -> list[int]:
    return list(
        Assessment.objects.filter(claim=claim)
        .order_by("assessor_id")
        .values_list("assessor_id", flat=True)
    )


def test_one_assessment_per_claim_keeps_todays_workflow():
    team = make_team(k=1)
    claim = submitted_claim(team)
    assert claim.status == ClaimStatus.SUBMITTED
    assert not AssessmentRound.objects.exists()
    response = team.client(team.reviewers[0]).post(
        f"/api/v1/claims/{claim.pk}/accept/", {"note": ""}, format="json"
    )
    assert response.status_code == 200


def test_assessors_are_chosen_round_robin_skipping_the_author():
    team = make_team(k=2, reviewers=2)
    # The author is a reviewer too here: eligible for others' claims, never their own.
    team.project.memberships.filter(user=team.author).update(role=Role.REVIEWER)
    picks = [assessors_of(submitted_claim(team)) for _ in range(3)]
    others = [user.pk for user in team.eligible]  # owner and reviewers, by id
    assert picks[0] == others[:2]
    assert picks[1] == sorted([others[2], others[0]])
    assert picks[2] == sorted([others[1], others[2]])
    # Over the three claims everyone eligible was asked equally often.
    asked = [pk for pick in picks for pk in pick]
    assert {asked.count(pk) for pk in others} == {2}


def test_too_few_eligible_members_refuses_the_submit_and_writes_nothing():
    team = make_team(k=4, reviewers=2)  # eligible: the owner and two reviewers
    claim = ClaimFactory(
        author=team.author, project=team.project, passage__document__project=team.project
    )
    response = team.client(team.author).post(
        f"/api/v1/claims/{claim.pk}/submit/", {}, format="json"
    )
    assert response.status_code == 400
    assert "only 3 member(s)" in str(response.json())
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT
    assert not AssessmentRound.objects.exists()
    assert not HistoryEntry.objects.filter(claim=claim).exists()


def test_agreeing_assessors_set_the_claims_values_with_history():
    team = make_team(k=3, reviewers=3, tolerance=1)
    claim = submitted_claim(team, credibility=6, kind="opinion")
    link = claim.evidence.get()
    version = Claim.objects.get(pk=claim.pk).version
    for user, grade in zip(team.asked(claim), [2, 3, 2], strict=True):
        response = team.client(user).post(
            ASSESSMENTS,
            payload(claim, credibility=grade, kind="statistic", stance="refutes"),
            format="json",
        )
        assert response.status_code == 201, response.json()
    claim.refresh_from_db()
    link.refresh_from_db()
    round_ = AssessmentRound.objects.get(claim=claim)
    assert (round_.state, round_.agreed, round_.credibility) == (RoundState.AGREED, True, 2)
    assert (claim.credibility, claim.kind, claim.version) == (2, "statistic", version + 1)
    assert claim.status == ClaimStatus.SUBMITTED  # settled: now the accept/reject decision
    assert link.stance == "refutes"
    graded = HistoryEntry.objects.get(claim=claim, action=HistoryAction.GRADED)
    assert graded.changes == {"credibility": [6, 2], "kind": ["opinion", "statistic"]}
    assert HistoryEntry.objects.filter(
        evidence=link, changes__stance=["supports", "refutes"]
    ).exists()
    accepted = team.client(team.owner).post(f"/api/v1/claims/{claim.pk}/accept/", {}, format="json")
    assert accepted.status_code == 200


def test_disagreement_goes_to_adjudication_by_a_reviewer_who_did_not_assess():
    team = make_team(k=2, reviewers=3)
    claim = submitted_claim(team)
    (first, second), third = team.asked(claim), team.not_asked(claim)[0]
    assert team.client(first).post(ASSESSMENTS, payload(claim, 2), format="json").status_code == 201
    assert (
        team.client(second).post(ASSESSMENTS, payload(claim, 5), format="json").status_code == 201
    )
    round_ = AssessmentRound.objects.get(claim=claim)
    assert round_.state == RoundState.DISPUTED
    # Nobody decides a disputed claim before adjudication.
    refused = team.client(third).post(f"/api/v1/claims/{claim.pk}/accept/", {}, format="json")
    assert refused.status_code == 409
    assert "adjudication" in refused.json()["detail"]

    queue = team.client(third).get(ADJUDICATIONS, {"state": "disputed"}).json()["results"]
    assert [row["id"] for row in queue] == [round_.pk]
    assert sorted(a["credibility"] for a in queue[0]["assessments"]) == [2, 5]

    settle = f"{ADJUDICATIONS}{round_.pk}/settle/"
    values = {**payload(claim, 3), "note": "The source is weak; 3 fits."}
    assert team.client(first).post(settle, values, format="json").status_code == 403
    assert team.client(team.author).post(settle, values, format="json").status_code == 403
    no_note = team.client(third).post(settle, {**values, "note": " "}, format="json")
    assert no_note.status_code == 400
    assert "note" in no_note.json()
    done = team.client(third).post(settle, values, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["state"] == RoundState.ADJUDICATED
    assert done.json()["adjudicator"] == third.username
    claim.refresh_from_db()
    assert claim.credibility == 3
    entry = HistoryEntry.objects.get(claim=claim, action=HistoryAction.GRADED)
    assert entry.note == "Adjudicated: The source is weak; 3 fits."
    assert team.client(third).post(settle, values, format="json").status_code == 409


def test_bad_assessments_answer_precise_errors_and_write_nothing():
    team = make_team(k=2, reviewers=3)
    claim = submitted_claim(team)
    (first, second), third = team.asked(claim), team.not_asked(claim)[0]
    asked = team.client(first)

    not_asked = team.client(third).post(ASSESSMENTS, payload(claim), format="json")
    assert not_asked.status_code == 403
    assert "not asked" in not_asked.json()["detail"]
    for bad, field in [
        ({"credibility": 7}, "credibility"),
        ({"credibility": 0}, "credibility"),
        ({"kind": "rumour"}, "kind"),
        ({"stances": [{"evidence": 10**9, "stance": "supports"}]}, "stances"),
        ({"stances": []}, "stances"),
        ({"stances": [{"evidence": claim.evidence.get().pk, "stance": "agrees"}]}, "stances"),
        ({"credibility": "high"}, "credibility"),
    ]:
        response = asked.post(ASSESSMENTS, {**payload(claim), **bad}, format="json")
        assert response.status_code == 400, bad
        assert field in response.json(), response.json()
    assert not Assessment.objects.filter(status=AssessmentStatus.SUBMITTED).exists()
    assert not AssessedStance.objects.exists()

    assert asked.post(ASSESSMENTS, payload(claim), format="json").status_code == 201
    again = asked.post(ASSESSMENTS, payload(claim, 4), format="json")
    assert again.status_code == 409
    assert "already submitted" in again.json()["detail"]
    assert Assessment.objects.get(assessor=first).credibility == 2

    # Correcting one's own is fine while nobody else has submitted ...
    mine = Assessment.objects.get(assessor=first)
    fixed = asked.patch(f"{ASSESSMENTS}{mine.pk}/", {"credibility": 3}, format="json")
    assert fixed.status_code == 200
    assert fixed.json()["credibility"] == 3
    # ... and not once the claim is settled (only adjudication changes the outcome).
    assert (
        team.client(second).post(ASSESSMENTS, payload(claim, 3), format="json").status_code == 201
    )
    late = asked.patch(f"{ASSESSMENTS}{mine.pk}/", {"credibility": 1}, format="json")
    assert late.status_code == 409
    assert "settled" in late.json()["detail"]
    assert Assessment.objects.get(pk=mine.pk).credibility == 3
    other = Assessment.objects.get(assessor=second)
    assert (
        asked.patch(f"{ASSESSMENTS}{other.pk}/", {"credibility": 1}, format="json").status_code
        == 403
    )


def test_a_correction_after_someone_else_submitted_is_refused():
    team = make_team(k=3, reviewers=3)
    claim = submitted_claim(team)
    first, second, _ = team.asked(claim)
    team.client(first).post(ASSESSMENTS, payload(claim), format="json")
    team.client(second).post(ASSESSMENTS, payload(claim), format="json")
    mine = Assessment.objects.get(assessor=first)
    response = team.client(first).patch(
        f"{ASSESSMENTS}{mine.pk}/", {"credibility": 5}, format="json"
    )
    assert response.status_code == 409
    assert "final" in response.json()["detail"]


def test_owner_reassigns_a_pending_assessment_to_an_eligible_member():
    team = make_team(k=2, reviewers=3)
    claim = submitted_claim(team)
    (first, second), third = team.asked(claim), team.not_asked(claim)[0]
    pending = Assessment.objects.get(assessor=first)
    url = f"{ASSESSMENTS}{pending.pk}/reassign/"
    assert team.client(second).post(
        url, {"assessor": third.username}, format="json"
    ).status_code in (403, 404)
    taken = team.client(team.owner).post(url, {"assessor": second.username}, format="json")
    assert taken.status_code == 400
    nul = team.client(team.owner).post(url, {"assessor": "third\x00"}, format="json")
    assert nul.status_code == 400 and "assessor" in nul.json()
    author = team.client(team.owner).post(url, {"assessor": team.author.username}, format="json")
    assert author.status_code == 400
    done = team.client(team.owner).post(url, {"assessor": third.username}, format="json")
    assert done.status_code == 200
    assert done.json()["assessor"] == third.username
    assert HistoryEntry.objects.filter(
        claim=claim, changes__assessors=[[first.pk], [third.pk]]
    ).exists()
    assert team.client(first).post(ASSESSMENTS, payload(claim), format="json").status_code == 403
    team.client(third).post(ASSESSMENTS, payload(claim), format="json")
    team.client(second).post(ASSESSMENTS, payload(claim), format="json")
    late = team.client(team.owner).post(url, {"assessor": first.username}, format="json")
    assert late.status_code == 409


def test_another_projects_assessments_are_absent():
    team = make_team(k=2, reviewers=2)
    other = make_team(k=2, reviewers=2, slug="elsewhere")
    claim = submitted_claim(team)
    foreign = Assessment.objects.filter(claim=claim).first()
    client = other.client(other.owner)
    assert client.get(f"{ASSESSMENTS}{foreign.pk}/").status_code == 404
    assert client.get(ASSESSMENTS, {"project": team.project.pk}).json()["results"] == []
    assert (
        client.post(ASSESSMENTS, payload(claim), format="json").status_code == 400
    )  # unknown claim
    assert client.get(f"/api/v1/projects/{team.project.pk}/agreement/").status_code == 404
    assert client.get(f"/api/v1/projects/{team.project.pk}/agreement/matrix.csv").status_code == 404


def test_resubmitting_a_reopened_claim_opens_a_new_round():
    team = make_team(k=2, reviewers=2)
    claim = submitted_claim(team)
    for user in team.asked(claim):
        team.client(user).post(ASSESSMENTS, payload(claim), format="json")
    owner = team.client(team.owner)
    assert owner.post(f"/api/v1/claims/{claim.pk}/reject/", {}, format="json").status_code == 200
    assert owner.post(f"/api/v1/claims/{claim.pk}/reopen/", {}, format="json").status_code == 200
    claim_submit(actor=team.author, claim=claim)
    assert list(AssessmentRound.objects.filter(claim=claim).values_list("number", "state")) == [
        (1, RoundState.AGREED),
        (2, RoundState.OPEN),
    ]


def test_project_settings_are_validated_through_the_api():
    team = make_team(k=1)
    client = team.client(team.owner)
    url = f"/api/v1/projects/{team.project.pk}/"
    assert client.patch(url, {"assessments_per_claim": 11}, format="json").status_code == 400
    assert client.patch(url, {"credibility_tolerance": 9}, format="json").status_code == 400
    assert client.patch(url, {"assessor_pool": "everyone"}, format="json").status_code == 400
    ok = client.patch(
        url, {"assessments_per_claim": 2, "assessor_pool": "annotators"}, format="json"
    )
    assert ok.status_code == 200
    assert ok.json()["assessments_per_claim"] == 2
    assert (
        team.client(team.reviewers[0])
        .patch(url, {"assessments_per_claim": 3}, format="json")
        .status_code
        == 403
    )


def test_annotator_pool_includes_annotators_but_never_the_author():
    team = make_team(k=2, reviewers=0)
    team.project.assessor_pool = "annotators"
    team.project.save()
    helper = UserFactory(username="helper")
    MembershipFactory(project=team.project, user=helper, role=Role.ANNOTATOR)
    claim = submitted_claim(team)
    # The owner and the other annotator; not the author, not the viewer.
    assert assessors_of(claim) == sorted([team.owner.pk, helper.pk])


def test_assessment_list_query_count_does_not_grow(django_assert_max_num_queries):
    team = make_team(k=2, reviewers=2)
    claims = [submitted_claim(team, links=2) for _ in range(6)]
    for claim in claims:
        for user in team.asked(claim):
            team.client(user).post(ASSESSMENTS, payload(claim), format="json")
    client = team.client(team.owner)
    with django_assert_max_num_queries(4):
        rows = client.get(ASSESSMENTS, {"page_size": 100}).json()["results"]
    assert len(rows) == 12
    with django_assert_max_num_queries(4):
        assert len(client.get(ASSESSMENTS, {"page_size": 1}).json()["results"]) == 1
    with django_assert_max_num_queries(5):
        assert client.get(ADJUDICATIONS).status_code == 200


def test_unknown_values_in_services_raise_validation_errors():
    from curation.services.assessments import assessment_submit

    team = make_team(k=2, reviewers=2)
    claim = submitted_claim(team, links=0)
    with pytest.raises(ValidationError) as error:
        assessment_submit(actor=team.reviewers[0], claim=claim, credibility=9, kind="fact")
    assert "credibility" in error.value.message_dict
