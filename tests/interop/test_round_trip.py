"""Issue 18, 3: a project released as jsonl, imported into an empty project and
released again gives the same claims, passages, evidence, grades and statuses."""

import json

import pytest
from django.contrib.auth import get_user_model

from curation.choices import ClaimStatus, Role
from curation.demo import build_demo
from curation.exports.rows import ReleaseFilter
from curation.models import Claim, Document, EvidenceLink, HistoryEntry, Project
from curation.services import release_cut, release_file_chunks
from curation.services.annotation_imports import annotations_import

from ..factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

EVERY_STATUS = ReleaseFilter(statuses=tuple(ClaimStatus.values))


def jsonl_release(project, actor) -> bytes:
    release = release_cut(
        actor=actor, project=project, name="round trip", formats=["jsonl"], filter=EVERY_STATUS
    )
    return b"".join(release_file_chunks(release.files.get(format="jsonl")))


def claims_of(data: bytes) -> list[dict]:
    """The release's claims as a reader compares them: ids, versions and times aside."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        lines = archive.read("claims.jsonl").decode().split("\n")[:-1]
    claims = []
    for line in map(json.loads, lines):

        def passage(p):
            d = p["document"]
            return (d["sha256"], d["title"], d["url"], d["doi"], p["start"], p["end"],
                    p["exact"], p["prefix"], p["suffix"])  # fmt: skip

        claims.append({
            "statement": line["statement"], "kind": line["kind"],
            "attributed_to": line["attributed_to"], "topics": line["topics"],
            "credibility": line["credibility"], "grade": line["grade"],
            "source": line["source"] and (line["source"]["name"], line["source"]["reliability"]),
            "status": line["status"], "author": line["author"],
            "review": (line["review"]["reviewer"], line["review"]["note"],
                       line["review"]["reviewed_at"]),
            "passage": passage(line["passage"]),
            "evidence": sorted(
                (e["stance"], e["note"], e["author"], passage(e["passage"]))
                for e in line["evidence"]
            ),
        })  # fmt: skip
    return sorted(claims, key=lambda c: (c["passage"], c["statement"]))


def test_demo_released_as_jsonl_imports_into_an_empty_project_and_releases_the_same():
    demo = build_demo()
    users = {u.username: u for u in get_user_model().objects.all()}
    before = jsonl_release(demo, users["olga"])
    assert Claim.objects.filter(project=demo).values("status").distinct().count() >= 3
    empty = ProjectFactory(slug="copy", name="Copy")
    for name, role in (("olga", Role.OWNER), ("rafael", Role.REVIEWER), ("anna", Role.ANNOTATOR)):
        MembershipFactory(project=empty, user=users[name], role=role)

    report = annotations_import(
        actor=users["olga"], project=empty, kind="claimdesk", name="demo.zip", data=before
    )

    assert report.counts["not_anchored"] == 0, report.items
    assert report.counts["skipped"] == 0, report.items
    expected = claims_of(before)
    assert report.counts["imported"] == len(expected) + sum(len(c["evidence"]) for c in expected)
    assert len(report.documents_created) == Document.objects.filter(project=empty).count() > 0
    after = jsonl_release(empty, users["olga"])
    assert claims_of(after) == expected
    # The moves are recorded as the import's history.
    accepted = Claim.objects.filter(project=empty, status=ClaimStatus.ACCEPTED).count()
    assert HistoryEntry.objects.filter(project=empty, action="accepted").count() == accepted > 0
    # Importing the same release again adds nothing: every item is already there.
    again = annotations_import(
        actor=users["olga"], project=empty, kind="claimdesk", name="demo.zip", data=before
    )
    assert again.counts == {"imported": 0, "skipped": report.counts["imported"], "not_anchored": 0}
    assert EvidenceLink.objects.filter(claim__project=empty).count() == sum(
        len(c["evidence"]) for c in expected
    )
    assert Project.objects.filter(slug="copy").exists()
