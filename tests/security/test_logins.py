"""Item 1: failed logins are limited per account and per client address, on the
API token endpoint and the admin login alike, in the database (shared by workers)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory

TOKEN_URL = "/api/v1/auth/token/"
ADMIN_LOGIN = "/admin/login/"
RIGHT = "pw-for-tests"


def api_login(username, password, **meta):
    return Client().post(
        TOKEN_URL, {"username": username, "password": password}, "application/json", **meta
    )


def admin_login(username, password, **meta):
    client = Client()
    response = client.post(
        ADMIN_LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        **meta,
    )
    return client, response


@pytest.fixture
def anna(db):
    return UserFactory(username="anna")


def test_spoofed_forwarded_for_does_not_reset_the_count(anna):
    # The attack: every guess claims another client address.
    for n in range(10):
        response = api_login("anna", f"guess-{n}", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        # The tenth failure is the one that locks.
        assert response.status_code == (400 if n < 9 else 429), response.content
    response = api_login("anna", RIGHT, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "locked_out"
    assert "token" not in body
    assert int(response["Retry-After"]) == 15 * 60


def test_the_account_is_locked_from_every_address(anna):
    for n in range(10):
        api_login("anna", f"guess-{n}", REMOTE_ADDR=f"192.0.2.{n}")
    assert api_login("anna", RIGHT, REMOTE_ADDR="192.0.2.200").status_code == 429


def test_one_address_is_locked_for_every_account(db):
    for n in range(10):
        response = api_login(f"nobody{n}", "x", REMOTE_ADDR="192.0.2.9")
        assert response.status_code == (400 if n < 9 else 429)
    UserFactory(username="bob")
    assert api_login("bob", RIGHT, REMOTE_ADDR="192.0.2.9").status_code == 429
    assert api_login("bob", RIGHT, REMOTE_ADDR="192.0.2.10").status_code == 200


def test_nine_failures_still_let_the_right_password_in(anna):
    for n in range(9):
        api_login("anna", f"guess-{n}")
    assert api_login("anna", RIGHT).status_code == 200


def test_failures_are_kept_in_the_database(anna):
    # Every worker and machine reads the same table, not a per-process cache.
    for n in range(3):
        api_login("anna", f"guess-{n}")
    attempts = AccessAttempt.objects.filter(username="anna")
    assert sum(a.failures_since_start for a in attempts) == 3
    assert "guess" not in "".join(a.post_data for a in attempts)


def test_admin_login_is_locked_after_ten_failures(anna):
    for n in range(10):
        _, response = admin_login("anna", f"guess-{n}")
        assert response.status_code == (200 if n < 9 else 429)  # the form, with its error
    client, response = admin_login("anna", RIGHT)
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    assert response["Content-Type"].startswith("text/html")
    assert "_auth_user_id" not in client.session


def test_api_and_admin_failures_add_up(anna):
    for n in range(5):
        api_login("anna", f"guess-{n}")
    for n in range(5):
        admin_login("anna", f"guess-{n}")
    assert api_login("anna", RIGHT).status_code == 429


def test_lockout_ends_with_its_window(anna):
    for n in range(10):
        api_login("anna", f"guess-{n}")
    assert api_login("anna", RIGHT).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert api_login("anna", RIGHT).status_code == 200


def test_a_superuser_clears_a_lockout_in_the_admin(anna):
    for n in range(10):
        api_login("anna", f"guess-{n}")
    admin = UserFactory(username="root", is_superuser=True)
    client = Client()
    client.force_login(admin)
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302, response.content
    assert not AccessAttempt.objects.exists()
    assert api_login("anna", RIGHT).status_code == 200


def test_behind_a_trusted_proxy_the_proxys_view_of_the_client_counts(db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client prepends a fake address; the proxy appends the one it saw.
    for n in range(10):
        forwarded = f"203.0.113.{n}, 198.51.100.1"
        response = api_login(f"nobody{n}", "x", HTTP_X_FORWARDED_FOR=forwarded)
        assert response.status_code == (400 if n < 9 else 429)
    UserFactory(username="bob")
    locked = api_login("bob", RIGHT, HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.1")
    assert locked.status_code == 429
    # Another client behind the same proxy is not affected.
    assert api_login("bob", RIGHT, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200
