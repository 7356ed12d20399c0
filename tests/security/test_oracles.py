"""Items 6 and 8: the admin tells nothing about other projects' objects and people."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from curation.choices import Role
from curation.models import Claim
from tests.factories import ClaimFactory, MembershipFactory, ProjectFactory, UserFactory

AUTOCOMPLETE = "/admin/autocomplete/"


@pytest.fixture
def two_projects(db):
    alpha, beta = ProjectFactory(slug="alpha"), ProjectFactory(slug="beta")
    olga = UserFactory(username="olga")
    MembershipFactory(project=alpha, user=olga, role=Role.OWNER)
    zed = UserFactory(username="zed", email="zed.zimmer@betacorp.example", first_name="Zed")
    MembershipFactory(project=beta, user=zed, role=Role.OWNER)
    client = Client()
    client.force_login(olga)
    return client, alpha, beta, zed


def test_view_on_site_shortcut_is_no_oracle(two_projects):
    client, alpha, beta, _ = two_projects
    content_type = ContentType.objects.get_for_model(Claim)
    theirs = ClaimFactory(passage__document__project=beta)
    ours = ClaimFactory(passage__document__project=alpha)
    answers = {
        name: client.get(f"/admin/r/{content_type.pk}/{pk}/").status_code
        for name, pk in (("theirs", theirs.pk), ("ours", ours.pk), ("missing", 10**9))
    }
    assert answers == {"theirs": 404, "ours": 404, "missing": 404}


def _autocomplete(client, term):
    response = client.get(
        AUTOCOMPLETE,
        {"app_label": "curation", "model_name": "membership", "field_name": "user", "term": term},
    )
    assert response.status_code == 200, response.content
    return [result["text"] for result in response.json()["results"]]


@pytest.mark.parametrize("fragment", ["betacorp", "zimmer", "ze", "Zed", ""])
def test_owner_finds_no_one_by_a_fragment(two_projects, fragment):
    client, *_ = two_projects
    assert _autocomplete(client, fragment) == []


@pytest.mark.parametrize(
    "exact", ["zed", "zed.zimmer@betacorp.example", "ZED.ZIMMER@betacorp.example"]
)
def test_owner_finds_a_person_by_exact_username_or_email(two_projects, exact):
    client, *_ = two_projects
    assert _autocomplete(client, exact) == ["zed"]


def test_a_superuser_still_searches_by_fragment(two_projects):
    _, *_ = two_projects
    root = UserFactory(username="root", is_superuser=True)
    client = Client()
    client.force_login(root)
    assert _autocomplete(client, "betacorp") == ["zed"]
