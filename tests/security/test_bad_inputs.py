"""Item 4: inputs that produced a 500 answer a 4xx: JSON under /api/, HTML in the admin."""

import pytest
from django.test import Client

from curation.choices import Role
from tests.factories import (
    ClaimFactory,
    DocumentFactory,
    MembershipFactory,
    PassageFactory,
    ProjectFactory,
    UserFactory,
)

DEEP = "[" * 10_000 + "]" * 10_000


@pytest.fixture
def world(db):
    project = ProjectFactory(slug="alpha")
    owner = UserFactory(username="olga")
    MembershipFactory(project=project, user=owner, role=Role.OWNER)
    document = DocumentFactory(project=project)
    passage = PassageFactory(document=document)
    claim = ClaimFactory(passage=passage, author=owner)
    client = Client()
    client.force_login(owner)
    return {"client": client, "claim": claim, "passage": passage, "owner": owner}


def assert_json_4xx(response, status=400):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    return response.json()


def test_deep_json_to_the_anonymous_token_endpoint(db):
    response = Client().post("/api/v1/auth/token/", DEEP, content_type="application/json")
    assert "nested" in assert_json_4xx(response)["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/api/v1/claims/"), ("post", "/api/v1/topics/"), ("post", "/api/v1/documents/")],
)
def test_deep_json_to_authenticated_endpoints(world, method, path):
    response = getattr(world["client"], method)(path, DEEP, content_type="application/json")
    assert_json_4xx(response)


def test_deep_json_to_an_update(world):
    claim = world["claim"]
    response = world["client"].patch(
        f"/api/v1/claims/{claim.pk}/", DEEP, content_type="application/json"
    )
    assert_json_4xx(response)


def test_moderately_deep_json_is_refused_before_any_recursive_walk(world):
    body = '{"statement": ' + "[" * 40 + '"x"' + "]" * 40 + "}"
    response = world["client"].post("/api/v1/claims/", body, content_type="application/json")
    assert_json_4xx(response)


@pytest.mark.parametrize("topic", ["²", "①", "٣"])
def test_topic_filter_with_unicode_digits(world, topic):
    response = world["client"].get("/api/v1/claims/", {"topic": topic})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_if_match_with_a_unicode_digit_version(world):
    claim = world["claim"]
    response = world["client"].patch(
        f"/api/v1/claims/{claim.pk}/",
        {"statement": "changed"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{claim.pk}.²"',
    )
    assert_json_4xx(response, 412)


def test_too_many_form_fields_to_the_api(world):
    fields = {f"field{n}": "x" for n in range(1_100)}
    response = world["client"].post("/api/v1/topics/", fields)
    assert_json_4xx(response)


def test_too_many_form_fields_to_the_anonymous_token_endpoint(db):
    fields = {f"field{n}": "x" for n in range(1_100)}
    assert_json_4xx(Client().post("/api/v1/auth/token/", fields))


def test_too_many_files_to_the_api(world, tmp_path):
    files = {}
    for n in range(101):
        path = tmp_path / f"f{n}.txt"
        path.write_text("x")
        files[f"file{n}"] = path.open("rb")
    response = world["client"].post("/api/v1/documents/", files)
    assert_json_4xx(response)


def test_nul_in_an_api_filter(world):
    assert_json_4xx(world["client"].get("/api/v1/claims/", {"q": "a\x00b"}))


@pytest.mark.parametrize(
    "path",
    [
        "/admin/curation/claim/?status=%00",
        "/admin/curation/claim/?passage__document__source__reliability=%00",
        "/admin/curation/claim/?reliability=%00",
        "/admin/curation/claim/?q=%00",
        "/admin/curation/claim/add/?passage=%00",
        "/admin/autocomplete/?app_label=curation&model_name=claim&field_name=topics&term=%00",
        "/admin/curation/claim/%00/change/",
    ],
)
def test_nul_in_admin_urls_answers_400_html(world, path, settings):
    settings.DEBUG = False
    response = world["client"].get(path)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_admin_action_with_a_selected_id_that_is_not_an_id(world, settings):
    settings.DEBUG = False
    response = world["client"].post(
        "/admin/curation/claim/",
        {"action": "delete_selected", "_selected_action": ["abc"], "index": "0"},
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_django_400_under_api_is_json(db, settings):
    settings.DEBUG = False
    response = Client().get("/api/v1/claims/", HTTP_HOST="evil.example")  # not allowed
    assert_json_4xx(response)


def test_django_404_under_api_is_json(db, settings):
    settings.DEBUG = False
    assert_json_4xx(Client().get("/api/nothing-here/"), 404)


def test_django_413_under_api_is_json(world, settings):
    settings.CLAIMDESK_MAX_REQUEST_BYTES = 100
    response = world["client"].post(
        "/api/v1/topics/", {"name": "x" * 500}, content_type="application/json"
    )
    assert_json_4xx(response, 413)


def test_overlong_url_under_api_is_414_json(world):
    assert_json_4xx(world["client"].get("/api/v1/claims/", {"q": "x" * 9_000}), 414)


def test_django_500_under_api_is_json(world, settings, monkeypatch):
    settings.DEBUG = False

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    from curation.api import views

    monkeypatch.setattr(views.TopicViewSet, "list", crash)
    client = world["client"]
    client.raise_request_exception = False
    response = client.get("/api/v1/topics/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "boom" not in response.content.decode()
