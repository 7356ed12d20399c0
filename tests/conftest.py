import os

import pytest
from django.db import connection

from curation.choices import Role

from .factories import DocumentFactory, MembershipFactory, ProjectFactory, UserFactory

# browser, live_server and login: imported lazily, so no Playwright without browser tests.
pytest_plugins = ["tests.browser_fixtures"]

REQUIRE_POSTGRES = os.environ.get("CLAIMDESK_REQUIRE_POSTGRES") == "1"


def pytest_configure(config):
    from django.conf import settings

    # The production hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        message = f"needs PostgreSQL, the database is {connection.vendor}"
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def project(db):
    return ProjectFactory(slug="alpha", name="Alpha")


@pytest.fixture
def other_project(db):
    return ProjectFactory(slug="beta", name="Beta")


def _member(project, username, role):
    user = UserFactory(username=username)
    MembershipFactory(project=project, user=user, role=role)
    return user


@pytest.fixture
def owner(project):
    return _member(project, "olga", Role.OWNER)


@pytest.fixture
def reviewer(project):
    return _member(project, "rafael", Role.REVIEWER)


@pytest.fixture
def annotator(project):
    return _member(project, "anna", Role.ANNOTATOR)


@pytest.fixture
def other_annotator(project):
    return _member(project, "arno", Role.ANNOTATOR)


@pytest.fixture
def viewer(project):
    return _member(project, "victor", Role.VIEWER)


@pytest.fixture
def outsider(other_project):
    """Owner of another project, member of nothing in `project`."""
    return _member(other_project, "oscar", Role.OWNER)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def document(project):
    return DocumentFactory(project=project)
