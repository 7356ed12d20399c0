"""Item 9: a Content-Security-Policy on every HTML page; authenticated API answers
are not stored by caches. Item 10: the schema and docs are not public in production.
Item 11: `check --deploy` warns when production would silently run on SQLite."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from curation.choices import Role
from tests.factories import MembershipFactory, ProjectFactory, TopicFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "claims.example.org",
}


@pytest.fixture
def owner_client(db):
    project = ProjectFactory(slug="alpha")
    user = UserFactory(username="olga")
    MembershipFactory(project=project, user=user, role=Role.OWNER)
    TopicFactory(project=project, name="energy")
    client = Client()
    client.force_login(user)
    return client, project


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/curation/claim/",
        "/admin/curation/topic/",
        "/admin/curation/topic/add/",
        "/admin/password_change/",
    ],
)
def test_every_admin_page_carries_a_strict_policy(owner_client, path):
    client, _ = owner_client
    response = client.get(path)
    assert response.status_code == 200, path
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_the_admin_login_page_carries_the_policy(db):
    response = Client().get("/admin/login/")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in _policy(response)["script-src"]


def test_a_change_form_carries_the_policy(owner_client):
    client, project = owner_client
    response = client.get(f"/admin/curation/project/{project.pk}/change/")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in _policy(response)["script-src"]


def test_inline_code_in_admin_pages_carries_this_responses_nonce(owner_client):
    client, _ = owner_client
    response = client.get("/admin/curation/topic/")
    nonce = next(
        source.strip("'").removeprefix("nonce-")
        for source in _policy(response)["script-src"]
        if source.startswith("'nonce-")
    )
    assert f'nonce="{nonce}"'.encode() in response.content


def test_authenticated_api_answers_are_not_stored(owner_client):
    client, _ = owner_client
    response = client.get("/api/v1/topics/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_api_docs_page_has_a_policy_and_no_inline_script(owner_client):
    client, _ = owner_client
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert _policy(response)["script-src"] == ["'self'"]
    assert b"<script>" not in response.content
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


ASK_SCHEMA = """
from django.test import Client
PATHS = {paths!r}
client = Client()
for path in PATHS:
    print(path, client.get(path, secure=True, HTTP_HOST="claims.example.org").status_code)
"""


def _ask(paths, **env):
    result = manage("shell", "-c", ASK_SCHEMA.format(paths=paths), **env)
    assert result.returncode == 0, result.stderr
    return dict(line.split() for line in result.stdout.splitlines() if line.startswith("/"))


def test_schema_and_docs_need_a_login_in_production():
    statuses = _ask(["/api/v1/schema/", "/api/v1/docs/"])
    assert statuses == {"/api/v1/schema/": "401", "/api/v1/docs/": "401"}


def test_a_setting_makes_the_schema_public():
    # (The docs page needs collectstatic's manifest in production; the schema does not.)
    assert _ask(["/api/v1/schema/"], CLAIMDESK_PUBLIC_API_DOCS="1") == {"/api/v1/schema/": "200"}


def test_check_deploy_warns_when_production_falls_back_to_sqlite():
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={k: v for k, v in clean.items() if k not in {"DEBUG", "SECRET_KEY"}} | PRODUCTION,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "claimdesk.W001" in result.stderr
    assert "DATABASE_URL is not set" in result.stderr


def test_check_deploy_is_clean_with_a_database_url():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DATABASE_URL="postgres://claimdesk@db.internal:5432/claimdesk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
