"""Releases and independent assessments (issue 15): a minimum agreement, and the
fixture format carrying the settled assessments (never the blind ones)."""

import io
import json
import zipfile

import pytest
from django.core import serializers

from curation.choices import ClaimStatus, RoundState
from curation.models import AssessmentRound, Release
from curation.services.assessments import assessment_submit, round_adjudicate
from curation.services.releases import release_cut, release_file_chunks, release_filter
from curation.services.review import claim_accept

from .assessing import make_team, submitted_claim

pytestmark = pytest.mark.django_db


def assess_all(team, claim, grades):
    link = claim.evidence.get().pk
    for user, grade in zip(team.asked(claim), grades, strict=True):
        assessment_submit(
            actor=user, claim=claim, credibility=grade, kind="fact", stances={link: "supports"}
        )


@pytest.fixture
def settled():
    """Claims settled by agreement, by adjudication, still disputed, and a plain one."""
    team = make_team(k=2, reviewers=3)
    agreed = submitted_claim(team)
    assess_all(team, agreed, [2, 2])
    adjudicated = submitted_claim(team)
    assess_all(team, adjudicated, [1, 4])
    round_ = AssessmentRound.objects.get(claim=adjudicated)
    judge = team.not_asked(adjudicated)[0]
    link = adjudicated.evidence.get().pk
    round_adjudicate(
        actor=judge, round=round_, credibility=2, kind="fact", stances={link: "supports"},
        note="Two is fair.",
    )  # fmt: skip
    disputed = submitted_claim(team)
    assess_all(team, disputed, [1, 5])
    open_claim = submitted_claim(team)
    assessment_submit(
        actor=team.asked(open_claim)[0],
        claim=open_claim,
        credibility=3,
        kind="fact",
        stances={open_claim.evidence.get().pk: "supports"},
    )
    for claim in (agreed, adjudicated):
        claim_accept(actor=team.owner, claim=claim)
    return team, {"agreed": agreed, "adjudicated": adjudicated, "disputed": disputed,
                  "open": open_claim}  # fmt: skip


def test_a_release_keeps_claims_by_minimum_agreement(settled):
    team, _claims = settled
    statuses = [ClaimStatus.ACCEPTED, ClaimStatus.SUBMITTED]
    counts = {}
    for level in (None, "adjudicated", "agreed"):
        chosen = release_filter(project=team.project, statuses=statuses, min_agreement=level)
        release = release_cut(
            actor=team.owner, project=team.project, name=f"{level}", filter=chosen,
            formats=["jsonl"],
        )  # fmt: skip
        counts[level] = release.claim_count
    assert counts == {None: 4, "adjudicated": 2, "agreed": 1}
    assert Release.objects.get(name="agreed").filter["min_agreement"] == "agreed"
    assert "min_agreement" not in Release.objects.get(name="None").filter


def test_a_bad_minimum_agreement_is_a_400(settled):
    team, _ = settled
    response = team.client(team.owner).post(
        "/api/v1/releases/",
        {"project": team.project.pk, "name": "x", "min_agreement": "unanimous"},
        format="json",
    )
    assert response.status_code == 400
    assert "min_agreement" in response.json()
    assert not Release.objects.exists()


def test_the_fixture_carries_settled_assessments_and_loads_back(settled):
    team, _claims = settled
    chosen = release_filter(
        project=team.project, statuses=[ClaimStatus.ACCEPTED, ClaimStatus.SUBMITTED]
    )
    release = release_cut(
        actor=team.owner, project=team.project, name="all", filter=chosen, formats=["fixture"]
    )
    data = b"".join(release_file_chunks(release.files.get()))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        name = next(n for n in package.namelist() if n.endswith("fixture.json"))
        records = json.loads(package.read(name))
        users = json.loads(package.read(name.replace("fixture.json", "users.json")))
    rounds = [r for r in records if r["model"] == "curation.assessmentround"]
    assert sorted(r["fields"]["state"] for r in rounds) == sorted(
        [RoundState.AGREED, RoundState.ADJUDICATED, RoundState.DISPUTED]
    )
    assessments = [r for r in records if r["model"] == "curation.assessment"]
    assert len(assessments) == 6  # the open round's one submitted assessment stays blind
    assert len([r for r in records if r["model"] == "curation.assessedstance"]) == 6
    names = {u["fields"]["username"] for u in users}
    assert {a["fields"]["assessor"][0] for a in assessments} <= names
    # Natural keys resolve: the records deserialise against this database.
    objects = list(serializers.deserialize("json", json.dumps(records)))
    assert len(objects) == len(records)


def _files(release, fmt) -> dict[str, bytes]:
    data = b"".join(release_file_chunks(release.files.get(format=fmt)))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name.rsplit("/", 1)[-1]: package.read(name) for name in package.namelist()}


def test_every_format_carries_the_settled_assessments_and_none_still_blind(settled):
    team, claims = settled
    chosen = release_filter(
        project=team.project, statuses=[ClaimStatus.ACCEPTED, ClaimStatus.SUBMITTED]
    )
    release = release_cut(
        actor=team.owner,
        project=team.project,
        name="all",
        filter=chosen,
        formats=["jsonl", "csv", "webannotation"],
    )
    lines = [json.loads(line) for line in _files(release, "jsonl")["claims.jsonl"].splitlines()]
    by_statement = {str(claims[key].uuid): key for key in claims}
    carried = {by_statement[line["id"]]: line.get("assessments", []) for line in lines}
    assert {key: len(value) for key, value in carried.items()} == {
        "agreed": 2, "adjudicated": 2, "disputed": 2, "open": 0,
    }  # fmt: skip
    first = carried["adjudicated"][0]
    assert first["settled"] == "adjudicated"
    assert first["credibility"] in (1, 4)
    link = str(claims["adjudicated"].evidence.get().uuid)
    assert first["stances"] == {link: "supports"}

    rows = _files(release, "csv")["claims.csv"].decode().splitlines()
    header = rows[0].split(",")
    assert header[-2:] == ["assessment_count", "agreement"]
    summaries = {row.split(",")[0]: row.split(",")[-2:] for row in rows[1:]}
    assert summaries[str(claims["agreed"].uuid)] == ["2", "agreed"]
    assert summaries[str(claims["open"].uuid)] == ["0", ""]

    collection = json.loads(_files(release, "webannotation")["annotations.jsonld"])
    items = collection["first"]["items"]
    assessing = [
        a for a in items if a["id"] in {f"urn:uuid:{x['id']}" for v in carried.values() for x in v}
    ]
    assert len(assessing) == 6
    assert all(a["motivation"] == "assessing" for a in assessing)
    assert collection["total"] == len(items)
