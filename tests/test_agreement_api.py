"""GET /api/v1/projects/{id}/agreement/ and its CSV: figures, filters, errors, queries."""

import csv
import datetime
import io

import krippendorff
import pytest
from django.utils import timezone

from curation.models import Assessment
from curation.services.assessments import assessment_submit

from .assessing import make_team, submitted_claim
from .factories import ClaimFactory, DocumentFactory, PassageFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

GRADES = [(2, 2), (3, 3), (2, 5), (4, 4), (1, 2)]  # (first assessor, second assessor)


def assess(claim, user, credibility, kind="fact"):
    stances = dict.fromkeys(claim.evidence.values_list("pk", flat=True), "supports")
    return assessment_submit(
        actor=user, claim=claim, credibility=credibility, kind=kind, stances=stances
    )


@pytest.fixture
def assessed():
    """Two assessors (the same two for every claim: k = number eligible = 2)."""
    team = make_team(k=2, reviewers=1)
    topic = TopicFactory(project=team.project, name="energy")
    claims = []
    for i, (a, b) in enumerate(GRADES):
        claim = submitted_claim(team)
        if i < 2:
            claim.topics.add(topic)
        first, second = team.asked(claim)
        assess(claim, first, a)
        assess(claim, second, b, kind="fact" if i != 4 else "opinion")
        claims.append(claim)
    return team, claims, topic


def test_alpha_is_the_librarys_on_the_assessment_matrix(assessed):
    team, _claims, _topic = assessed
    response = team.client(team.viewer).get(f"/api/v1/projects/{team.project.pk}/agreement/")
    assert response.status_code == 200
    figures = response.json()
    expected = krippendorff.alpha(
        reliability_data=[[a for a, _ in GRADES], [b for _, b in GRADES]],
        value_domain=[1, 2, 3, 4, 5, 6],
        level_of_measurement="ordinal",
    )
    credibility = figures["alpha"]["credibility"]
    assert credibility["alpha"] == pytest.approx(expected, abs=1e-4)
    assert (credibility["items"], credibility["values"], credibility["assessors"]) == (5, 10, 2)
    low, high = credibility["ci95"]
    assert low <= credibility["alpha"] <= high
    kind = krippendorff.alpha(
        reliability_data=[[0, 0, 0, 0, 0], [0, 0, 0, 0, 1]], level_of_measurement="nominal"
    )
    assert figures["alpha"]["kind"]["alpha"] == pytest.approx(kind, abs=1e-4)
    assert figures["alpha"]["stance"]["alpha"] is None  # everyone said "supports"
    assert figures["alpha"]["stance"]["items"] == 5
    assert figures["rounds"] == {"open": 0, "agreed": 3, "disputed": 2, "adjudicated": 0}
    (pair,) = figures["pairwise"]
    assert pair["items"] == 5
    assert pair["credibility"] == pytest.approx(3 / 5)
    assert pair["kind"] == pytest.approx(4 / 5)
    month = timezone.now().strftime("%Y-%m")
    assert [row["period"] for row in figures["over_time"]] == [month]
    assert figures["over_time"][0]["items"] == 5


def test_filters_narrow_the_figures_and_bad_ones_answer_400(assessed):
    team, claims, topic = assessed
    client = team.client(team.owner)
    url = f"/api/v1/projects/{team.project.pk}/agreement/"
    assert client.get(url, {"topic": "energy"}).json()["items"] == 2
    assert client.get(url, {"topic": topic.pk}).json()["items"] == 2
    document = claims[0].passage.document_id
    assert client.get(url, {"document": f"{document}"}).json()["items"] == 1
    tomorrow = (timezone.now() + datetime.timedelta(days=1)).date().isoformat()
    assert client.get(url, {"since": tomorrow}).json()["items"] == 0
    assert client.get(url, {"until": tomorrow}).json()["items"] == 5
    for params, field in [
        ({"topic": "nope"}, "topic"),
        ({"document": "1,x"}, "document"),
        ({"since": "2026-13-01"}, "since"),
        ({"since": "2026-02-02", "until": "2026-01-01"}, "until"),
    ]:
        response = client.get(url, params)
        assert response.status_code == 400, params
        assert field in response.json()
    assert client.get("/api/v1/projects/999999/agreement/").status_code == 404


def test_matrix_csv_has_one_row_per_assessment(assessed):
    team, claims, _ = assessed
    response = team.client(team.owner).get(
        f"/api/v1/projects/{team.project.pk}/agreement/matrix.csv"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "round",
        "claim",
        "assessor",
        "credibility",
        "kind",
        "submitted_at",
        "stances",
    ]
    assert len(rows) == 1 + 2 * len(GRADES)
    link = claims[0].evidence.get().pk
    assert rows[1][1] == str(claims[0].pk)
    assert rows[1][6] == f"{link}:supports"
    assert rows[1][5].endswith("Z")


def test_span_agreement_between_annotators_of_the_same_document():
    team = make_team(k=1)
    document = DocumentFactory(project=team.project)
    ann, bob = UserFactory(username="span-a"), UserFactory(username="span-b")
    passages = {}
    for author, spans in [(ann, [(0, 10), (20, 30)]), (bob, [(0, 10), (25, 35), (40, 50)])]:
        for start, end in spans:
            if (start, end) not in passages:
                passages[start, end] = PassageFactory(document=document, start=start, end=end)
            ClaimFactory(project=team.project, author=author, passage=passages[start, end])
    figures = team.client(team.owner).get(f"/api/v1/projects/{team.project.pk}/agreement/").json()
    (pair,) = figures["spans"]
    assert (pair["annotator_a"], pair["annotator_b"], pair["documents"]) == ("span-a", "span-b", 1)
    assert pair["exact"] == {"precision": pytest.approx(1 / 3, abs=1e-4), "recall": 0.5, "f1": 0.4}
    assert pair["overlap"] == {
        "precision": pytest.approx(2 / 3, abs=1e-4),
        "recall": 1.0,
        "f1": 0.8,
    }


def test_agreement_query_count_does_not_grow(django_assert_max_num_queries):
    team = make_team(k=2, reviewers=1)
    url = f"/api/v1/projects/{team.project.pk}/agreement/"
    for size in (2, 8):
        while Assessment.objects.filter(status="submitted").count() < 2 * size:
            claim = submitted_claim(team, links=2)
            for user in team.asked(claim):
                assess(claim, user, 2)
        # The project, the topic-free filters, SAVEPOINT, SET LOCAL cursor_tuple_fraction
        # (PostgreSQL), the matrix, the spans, RELEASE, the rounds, the usernames.
        with django_assert_max_num_queries(8):
            assert team.client(team.owner).get(url).json()["items"] == size
