"""Selectors (reads) and the rules written once: grade, timestamps, tracked updates."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.core.exceptions import ValidationError
from knox.models import AuthToken
from rest_framework import serializers
from rest_framework.test import APIClient

from curation import grading
from curation.choices import ClaimStatus, HistoryAction, Reliability, Role
from curation.exports.common import iso
from curation.exports.rows import ClaimRow
from curation.models import Claim, HistoryEntry
from curation.selectors.access import roles_by_project
from curation.selectors.claims import claims_complete, claims_for_api, claims_read
from curation.selectors.releases import ReleaseFilter, release_claims
from curation.services.access import role_among
from curation.services.annotations import CLAIM_EDITABLE_FIELDS, CLAIM_TRACKED_FIELDS
from curation.services.history import tracked_update

from .factories import (
    ClaimFactory,
    DocumentFactory,
    EvidenceLinkFactory,
    PassageFactory,
    SourceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(owner) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=owner)[1]}")
    return client


# -- the claims of one document: the peer benchmark's phase e ----------------------------


@pytest.mark.parametrize("claims", [1, 12])
def test_claims_without_topics_or_evidence_cost_three_queries(
    project, owner, owner_client, django_assert_num_queries, claims
):
    document = DocumentFactory(project=project)
    for n in range(claims):
        ClaimFactory(passage=PassageFactory(document=document, start=n, end=n + 5), author=owner)

    # token, the claims (with passage, document, source and usernames joined, and
    # whether each has topics or evidence), the caller's roles: nothing to prefetch
    with django_assert_num_queries(3):
        response = owner_client.get(f"/api/v1/claims/?document={document.pk}")

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == claims
    assert all(c["topics"] == [] and c["evidence"] == [] for c in results)


def test_a_page_loads_topics_and_evidence_only_for_the_claims_that_have_some(project, owner):
    document = DocumentFactory(project=project)
    bare = ClaimFactory(passage=PassageFactory(document=document, start=0, end=5))
    tagged = ClaimFactory(passage=PassageFactory(document=document, start=5, end=9))
    tagged.topics.set([TopicFactory(project=project, name="zeta"), TopicFactory(project=project)])
    linked = EvidenceLinkFactory(claim=tagged)

    page = claims_complete(list(claims_for_api(Claim.objects.order_by("pk"))))

    assert list(page[0].topics.all()) == []
    assert sorted(t.name for t in page[1].topics.all())[-1] == "zeta"
    assert [list(c.evidence.all()) for c in page] == [[], [linked]]
    assert [c.pk for c in claims_read([tagged.pk, bare.pk])] == [tagged.pk, bare.pk]


def test_another_projects_document_lists_no_claims(project, other_project, owner_client):
    ClaimFactory(passage=PassageFactory(document=DocumentFactory(project=other_project)))
    document = Claim.objects.get().passage.document_id

    response = owner_client.get(f"/api/v1/claims/?document={document}")

    assert response.status_code == 200
    assert response.json()["results"] == []


# -- the grade: one definition ----------------------------------------------------------


def test_no_source_counts_as_f_in_every_reading_of_the_grade(project, owner, owner_client):
    sourceless = DocumentFactory(project=project, source=None)
    claim = ClaimFactory(passage=PassageFactory(document=sourceless), credibility=3)
    graded = ClaimFactory(
        passage=PassageFactory(
            document=DocumentFactory(
                project=project, source=SourceFactory(project=project, reliability="A")
            )
        ),
        credibility=2,
    )

    assert grading.grade(None, 3) == claim.grade == "F3"
    assert grading.grade("A", 2) == graded.grade == "A2"
    answer = owner_client.get(f"/api/v1/claims/{claim.pk}/").json()
    assert (answer["source_reliability"], answer["grade"]) == ("F", "F3")
    names = [f for f in ClaimRow.__dataclass_fields__ if f not in ("topics", "evidence")]
    row = ClaimRow(**{**dict.fromkeys(names), "source_reliability": "F", "credibility": 3})
    assert row.grade == "F3"
    # Filters read the same rule: F finds the claim without a source.
    only_f = owner_client.get("/api/v1/claims/?source_reliability=F").json()["results"]
    assert [c["id"] for c in only_f] == [claim.pk]
    accepted = Claim.objects.filter(pk__in=[claim.pk, graded.pk])
    accepted.update(status=ClaimStatus.SUBMITTED)
    chosen = release_claims(
        project=project,
        filter=ReleaseFilter(statuses=(ClaimStatus.SUBMITTED,), min_source_reliability="B"),
    )
    assert list(chosen) == [graded]
    everything = ReleaseFilter(
        statuses=(ClaimStatus.SUBMITTED,), min_source_reliability=Reliability.F
    )
    assert set(release_claims(project=project, filter=everything)) == {claim, graded}


# -- timestamps: one Python definition, the same text as DRF's --------------------------


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
        datetime(2024, 5, 1, 9, 30, 1, 500000, tzinfo=UTC),
        datetime(2024, 5, 1, 11, 30, tzinfo=timezone(timedelta(hours=2))).astimezone(UTC),
    ],
)
def test_exports_write_timestamps_as_the_api_does(settings, moment):
    settings.TIME_ZONE = "UTC"

    assert iso(moment) == serializers.DateTimeField().to_representation(moment)
    assert iso(moment).endswith("Z")
    assert iso(None) is None


# -- roles: one resolution ------------------------------------------------------------------


def test_roles_by_project_and_role_among_agree_with_the_admin(project, owner, viewer, rf):
    from curation.admin.base import request_role

    request = rf.get("/")
    request.user = viewer
    roles = roles_by_project(viewer)

    assert roles == {project.pk: Role.VIEWER}
    assert role_among(viewer, roles, project.pk) == request_role(request, project.pk)
    viewer.is_active = False
    assert roles_by_project(viewer) == {}
    assert role_among(viewer, roles, project.pk) is None


# -- tracked_update: snapshot, setattr, full_clean, diff, save, history -----------------


def test_tracked_update_records_what_changed_and_nothing_else(project, owner):
    claim = ClaimFactory(passage=PassageFactory(document=DocumentFactory(project=project)))
    fields = ("statement", "kind", "attributed_to", "credibility")
    assert fields == CLAIM_TRACKED_FIELDS
    assert set(CLAIM_EDITABLE_FIELDS) == {*CLAIM_TRACKED_FIELDS, "topics"}

    unchanged = {"statement": claim.statement}
    same = tracked_update(actor=owner, obj=claim, data=unchanged, fields=fields)
    changes = tracked_update(
        actor=owner, obj=claim, data={"statement": "New words", "credibility": 1}, fields=fields
    )

    assert same == {}
    assert set(changes) == {"statement", "credibility"}
    claim.refresh_from_db()
    assert (claim.statement, claim.credibility) == ("New words", 1)
    (entry,) = HistoryEntry.objects.filter(claim=claim)
    assert entry.action == HistoryAction.UPDATED
    assert entry.changes["credibility"] == [2, 1]


def test_tracked_update_refuses_unknown_and_invalid_values_and_writes_nothing(project, owner):
    claim = ClaimFactory(passage=PassageFactory(document=DocumentFactory(project=project)))
    fields = CLAIM_TRACKED_FIELDS

    with pytest.raises(ValidationError) as unknown:
        tracked_update(actor=owner, obj=claim, data={"status": "accepted"}, fields=fields)
    with pytest.raises(ValidationError) as invalid:
        tracked_update(actor=owner, obj=claim, data={"kind": "rumour"}, fields=fields)

    assert "status" in unknown.value.message_dict
    assert "kind" in invalid.value.message_dict
    claim.refresh_from_db()
    assert claim.kind == "fact"
    assert not HistoryEntry.objects.filter(claim=claim).exists()
