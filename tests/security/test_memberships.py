"""Item 7: adding a member tells nothing about who has an account unless the caller
may add members."""

import pytest
from django.test import Client

from curation.choices import Role
from tests.factories import MembershipFactory, ProjectFactory, UserFactory


@pytest.fixture
def alpha(db):
    project = ProjectFactory(slug="alpha")
    UserFactory(username="zed")  # has an account, in no project of the caller's
    return project


def _add(user, project, username):
    client = Client()
    client.force_login(user)
    return client.post(
        "/api/v1/memberships/",
        {"project": project.pk, "user": username, "role": "viewer"},
        content_type="application/json",
    )


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANNOTATOR, Role.REVIEWER])
def test_non_owner_gets_one_answer_for_existing_and_missing_users(alpha, role):
    caller = UserFactory(username="victor")
    MembershipFactory(project=alpha, user=caller, role=role)
    existing, missing = _add(caller, alpha, "zed"), _add(caller, alpha, "no-such-user")
    assert existing.status_code == missing.status_code == 403
    assert existing.json() == missing.json()


def test_owner_is_told_a_user_does_not_exist(alpha):
    owner = UserFactory(username="olga")
    MembershipFactory(project=alpha, user=owner, role=Role.OWNER)
    assert _add(owner, alpha, "no-such-user").status_code == 400
    assert _add(owner, alpha, "zed").status_code == 201


def test_another_projects_id_answers_as_a_missing_project(alpha):
    beta = ProjectFactory(slug="beta")
    caller = UserFactory(username="victor")
    MembershipFactory(project=alpha, user=caller, role=Role.OWNER)
    existing, missing = _add(caller, beta, "zed"), _add(caller, beta, "no-such-user")
    assert existing.status_code == missing.status_code == 400
    assert existing.json() == missing.json()
    assert set(existing.json()) == {"project"}
