"""Item 2: API tokens are hashed, one per login, listed and revoked by their owner,
and stop working when the password changes or the user is deactivated."""

from datetime import timedelta

import pytest
from django.test import Client
from knox.models import AuthToken

from tests.factories import UserFactory

TOKEN_URL = "/api/v1/auth/token/"
RIGHT = "pw-for-tests"


def login(username="anna", password=RIGHT):
    response = Client().post(
        TOKEN_URL, {"username": username, "password": password}, "application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def get(url, key):
    return Client().get(url, HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture
def anna(db):
    return UserFactory(username="anna")


def test_token_stops_working_when_the_password_changes(anna):
    key = login()["token"]
    assert get("/api/v1/projects/", key).status_code == 200
    anna.set_password("a-brand-new-secret-42")
    anna.save()
    response = get("/api/v1/projects/", key)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_token_stops_working_when_the_password_changes_in_the_admin(anna):
    key = login()["token"]
    admin = UserFactory(username="root", is_superuser=True)
    client = Client()
    client.force_login(admin)
    response = client.post(
        f"/admin/auth/user/{anna.pk}/password/",
        {"password1": "a-brand-new-secret-42", "password2": "a-brand-new-secret-42"},
    )
    assert response.status_code == 302, response.content
    assert get("/api/v1/projects/", key).status_code == 401


def test_token_stops_working_when_the_user_is_deactivated(anna):
    key = login()["token"]
    anna.is_active = False
    anna.save()
    assert get("/api/v1/projects/", key).status_code == 401


def test_tokens_are_stored_hashed(anna):
    key = login()["token"]
    stored = AuthToken.objects.get(user=anna)
    assert key not in {stored.digest, stored.token_key}
    assert len(stored.digest) == 128  # SHA-512, hex


def test_each_login_returns_a_new_token(anna):
    first, second = login()["token"], login()["token"]
    assert first != second
    assert get("/api/v1/projects/", first).status_code == 200
    assert get("/api/v1/projects/", second).status_code == 200


def test_no_expiry_by_default_and_a_configured_one_is_enforced(anna, settings):
    assert login()["expiry"] is None
    settings.REST_KNOX = {"AUTH_HEADER_PREFIX": "Token", "TOKEN_TTL": timedelta(hours=-1)}
    answer = login()
    assert answer["expiry"] is not None
    assert get("/api/v1/projects/", answer["token"]).status_code == 401


def test_a_user_lists_own_tokens_and_never_their_keys(anna, django_assert_max_num_queries):
    keys = [login()["token"] for _ in range(3)]
    UserFactory(username="bob")
    login("bob")
    with django_assert_max_num_queries(4):
        response = get("/api/v1/auth/tokens/", keys[0])
    assert response.status_code == 200
    tokens = response.json()
    assert len(tokens) == 3
    assert sum(token["current"] for token in tokens) == 1
    assert {token["id"] for token in tokens} == {key[:15] for key in keys}
    assert not any(key in response.content.decode() for key in keys)


def test_token_list_costs_the_same_for_many_tokens(anna, django_assert_max_num_queries):
    key = login()["token"]
    for _ in range(20):
        login()
    with django_assert_max_num_queries(4):
        assert len(get("/api/v1/auth/tokens/", key).json()) == 21


def test_a_user_revokes_one_token_and_not_another_users(anna):
    keep, drop = login()["token"], login()["token"]
    bob_key = login_bob()
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Token {keep}"}
    # Bob's token answers 404 to Anna, and keeps working.
    assert client.delete(f"/api/v1/auth/tokens/{bob_key[:15]}/", **auth).status_code == 404
    assert get("/api/v1/projects/", bob_key).status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{drop[:15]}/", **auth).status_code == 204
    assert get("/api/v1/projects/", drop).status_code == 401
    assert get("/api/v1/projects/", keep).status_code == 200


def login_bob():
    UserFactory(username="bob")
    return login("bob")["token"]


def test_logging_out_revokes_only_the_token_sent(anna):
    phone, laptop = login()["token"], login()["token"]
    response = Client().delete(TOKEN_URL, HTTP_AUTHORIZATION=f"Token {phone}")
    assert response.status_code == 204
    assert get("/api/v1/projects/", phone).status_code == 401
    assert get("/api/v1/projects/", laptop).status_code == 200


def test_readme_session_example_keeps_working(anna):
    # README: POST username/password, then `Authorization: Token <key>`.
    key = login()["token"]
    response = get("/api/v1/projects/", key)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
