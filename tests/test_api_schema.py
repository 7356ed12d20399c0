"""Property-based API test: every operation of /api/v1/schema/, driven by Schemathesis.

The demo fixture is loaded into the test database and each generated request is
sent in-process (WSGI, no network) as "olga", owner of the demo project (token
auth). Generated ids and usernames are mostly steered onto rows that exist, so
creates, updates, review moves and deletes really run (a random id only ever
meets a 404); some are left as generated, so "not found" is exercised too.

Checks on every response: no 5xx; a 2xx/3xx status the operation documents, with
the documented content type, headers and body schema; a 4xx answered as DRF
JSON. Generation is derandomized and bounded, so CI runs are reproducible.

The bugs this module found are fixed; the focused tests at the end keep them
from coming back.
"""

import copy
import sys

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from curation.api.urls import router
from curation.models import Claim, Document, EvidenceLink, Passage, Project, Source, Topic

MAX_EXAMPLES = 15
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261122,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
        # Coverage (boundary values, every unexpected method) multiplies the requests
        # tenfold for little the fuzzing phase does not find; stateful needs links.
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
# Nothing is excluded: every operation of the served schema is tested.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=CONFIG)
# The same schema, loaded apart, for the focused tests below.
served = schemathesis.openapi.from_dict(copy.deepcopy(schema.raw_schema), config=CONFIG)

# /api/v1/<prefix>/{id}/ -> model of the id, for every registered resource.
PATH_MODELS = {prefix: viewset.queryset.model for prefix, viewset, _ in router.registry}
# Request field or query parameter -> model whose ids it names.
REFERENCES = {
    "project": Project,
    "source": Source,
    "document": Document,
    "documents": Document,
    "passage": Passage,
    "passage_id": Passage,
    "claim": Claim,
}
USERNAMES = {"user", "author", "reviewer"}
# Create bodies that name their passage either by id or inline, exactly one of them.
PASSAGE_CHOICE = {"/api/v1/claims/": "passage_id", "/api/v1/evidence/": "passage"}


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _steer(value, choices: list):
    """One of `choices` for most generated values; the value itself for the rest."""
    if not choices or not (_is_int(value) or isinstance(value, str)):
        return value
    index = (value if _is_int(value) else len(value)) % (len(choices) + 1)
    return choices[index] if index < len(choices) else value


def _steer_span(data: dict, texts: dict[int, str]) -> None:
    """Offsets (and the quote) inside the document, so that most spans are valid."""
    document, start, end = data.get("document"), data.get("start"), data.get("end")
    text = texts.get(document) if _is_int(document) else None
    if not text or not (_is_int(start) and _is_int(end)):
        return
    start %= len(text)
    end = start + 1 + end % min(len(text) - start, 80)
    data.update(start=start, end=end)
    if isinstance(data.get("exact"), str):
        data["exact"] = text[start:end]


class _Rows(dict):
    """Primary keys per model (and usernames, texts), read on first use."""

    def __missing__(self, key):
        if key == "usernames":
            rows = list(get_user_model().objects.order_by("pk").values_list("username", flat=True))
        elif key == "topics":
            rows = list(Topic.objects.order_by("pk").values_list("name", flat=True))
        elif key == "texts":
            rows = dict(Document.objects.values_list("pk", "text"))
        else:
            rows = list(key._default_manager.order_by("pk").values_list("pk", flat=True))
        self[key] = rows
        return rows


def _steer_fields(data: dict, rows: _Rows) -> None:
    for name, value in list(data.items()):
        if name in REFERENCES:
            choices = rows[REFERENCES[name]]
            if isinstance(value, list):
                data[name] = [_steer(item, choices) for item in value]
            else:
                data[name] = _steer(value, choices)
        elif name in USERNAMES:
            data[name] = _steer(value, rows["usernames"])
        elif name == "topics" and isinstance(value, list):
            data[name] = [_steer(item, rows["topics"]) for item in value]


def ground(case) -> None:
    """Point generated ids and usernames at rows of the seeded database."""
    rows = _Rows()
    model = PATH_MODELS.get(case.operation.path.split("/")[3])
    if model is not None and case.path_parameters and "id" in case.path_parameters:
        case.path_parameters["id"] = _steer(case.path_parameters["id"], rows[model])
    if isinstance(case.query, dict):
        _steer_fields(case.query, rows)
    if isinstance(case.body, dict):
        _steer_fields(case.body, rows)
        by_id = PASSAGE_CHOICE.get(case.operation.path) if case.method == "POST" else None
        if by_id and (by_id in case.body) == ("passage_input" in case.body):
            # Neither or both (most generated bodies): keep one, as the API requires.
            if by_id in case.body:
                del case.body["passage_input" if len(case.body) % 2 else by_id]
            else:
                case.body[by_id] = rows[Passage][len(case.body) % len(rows[Passage])]
        inline = case.body.get("passage_input")
        if isinstance(inline, dict):
            _steer_fields(inline, rows)
            _steer_span(inline, rows["texts"])
        if case.operation.path.startswith("/api/v1/passages/"):
            _steer_span(case.body, rows["texts"])


def _routed(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def success_status_conformance(ctx, response, case):
    """status_code_conformance for 2xx/3xx (4xx: see test_client_errors_are_documented)."""
    if response.status_code < 400:
        return status_code_conformance(ctx, response, case)
    return None


def client_error_is_drf_json(ctx, response, case):
    """A 4xx says why, as JSON in the DRF shape."""
    if not 400 <= response.status_code < 500:
        return None
    media_type = response.headers.get("content-type", [""])[0]
    assert media_type.startswith("application/json"), (
        f"{response.status_code} answered as {media_type!r}: {response.text[:200]!r}"
    )
    assert isinstance(response.json(), dict | list), "the 4xx body is not a JSON object"
    return None


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
    success_status_conformance,
    client_error_is_drf_json,
]

# The exception behind the last 500, recorded by Django's got_request_exception
# (shown in the failure report).
REQUEST_EXCEPTIONS: list[BaseException] = []


def _record_exception(sender, request, **kwargs):
    REQUEST_EXCEPTIONS.append(sys.exc_info()[1])


# -- the property test -------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_token(django_db_setup, django_db_blocker):
    """The demo fixture, loaded once for the module (each test rolls back its writes)."""
    with django_db_blocker.unblock():
        call_command("loaddata", "demo", verbosity=0)
        olga = get_user_model().objects.get(username="olga")
        key = AuthToken.objects.create(user=olga)[1]
    yield key
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def auth_headers(db, demo_token):
    # Requests go through the real WSGI handler, whose request signals would close
    # the test's connection (and its transaction) on PostgreSQL; Django's test
    # client disconnects them the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(_record_exception)
    yield {"Authorization": f"Token {demo_token}"}
    got_request_exception.disconnect(_record_exception)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # The database fixture is per operation on purpose: examples of one operation
    # share its state (a DELETE may remove what a later example reads).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api(case, auth_headers):
    ground(case)
    REQUEST_EXCEPTIONS.clear()
    response = case.call(app=application, headers=auth_headers)
    case.validate_response(response, checks=CHECKS, headers=auth_headers)


# -- bugs found by this module, now fixed: regression tests ------------------------


def call(method: str, path: str, headers: dict, pk: int | None = None, **parts):
    """One request through the served schema, in-process."""
    path_parameters = {} if pk is None else {"id": pk}
    case = served[path][method].Case(path_parameters=path_parameters, **parts)
    return case, case.call(app=application, headers=headers)


def validate(case, response, checks) -> None:
    case.validate_response(response, checks=checks)


@pytest.fixture
def demo(auth_headers):
    project = Project.objects.get(slug="demo")
    return {"headers": auth_headers, "project": project}


def _referenced(kind: str) -> int:
    """A demo object of `kind` that other rows reference."""
    if kind == "projects":
        return Project.objects.get(slug="demo").pk
    if kind == "sources":
        return Source.objects.filter(documents__isnull=False).values_list("pk", flat=True)[0]
    if kind == "documents":
        return Document.objects.filter(passages__isnull=False).values_list("pk", flat=True)[0]
    return Passage.objects.filter(claims__isnull=False).values_list("pk", flat=True)[0]


@pytest.mark.parametrize("kind", ["projects", "sources", "documents", "passages"])
def test_deleting_a_referenced_object_is_a_client_error(demo, kind):
    """Found by this module (ProtectedError answered 500); fixed: 409 now."""
    _, response = call("DELETE", f"/api/v1/{kind}/{{id}}/", demo["headers"], _referenced(kind))
    assert response.status_code == 409, response.status_code


@pytest.mark.parametrize(
    ("path", "parameter"),
    [("/api/v1/evidence/", "document"), ("/api/v1/claims/", "document")],
)
def test_out_of_range_integer_filter_is_not_a_server_error(demo, path, parameter):
    """Found by this module (OverflowError on SQLite, 500); fixed: 400 or an empty page."""
    _, response = call("GET", path, demo["headers"], query={parameter: 2**70})
    assert response.status_code in {200, 400}, response.status_code


def _nullable(kind: str, demo) -> tuple[str, int]:
    if kind == "claim reviewer":
        return "/api/v1/claims/{id}/", Claim.objects.filter(reviewer=None).values("pk")[0]["pk"]
    _, response = call(
        "POST",
        "/api/v1/documents/",
        demo["headers"],
        body={"project": demo["project"].pk, "title": "No source", "text": "Unsourced."},
        media_type="application/json",
    )
    return "/api/v1/documents/{id}/", response.json()["id"]


@pytest.mark.parametrize("kind", ["claim reviewer", "document source_reliability"])
def test_nullable_fields_are_documented(demo, kind):
    path, pk = _nullable(kind, demo)
    case, response = call("GET", path, demo["headers"], pk)
    assert response.status_code == 200
    validate(case, response, [response_schema_conformance])


def _write(kind: str, project: Project):
    """(method, path, id, body) of a valid create or update."""
    if kind == "POST topics":
        return "POST", "/api/v1/topics/", None, {"project": project.pk, "name": "new topic"}
    if kind == "POST sources":
        return "POST", "/api/v1/sources/", None, {"project": project.pk, "name": "New source"}
    if kind == "PATCH sources":
        return "PATCH", "/api/v1/sources/{id}/", project.sources.first().pk, {"name": "Renamed"}
    return "PATCH", "/api/v1/documents/{id}/", project.documents.first().pk, {"doi": "10.1/x"}


@pytest.mark.parametrize(
    "kind", ["POST topics", "POST sources", "PATCH sources", "PATCH documents"]
)
def test_write_responses_carry_the_documented_counts(demo, kind):
    method, path, pk, body = _write(kind, demo["project"])
    case, response = call(
        method, path, demo["headers"], pk, body=body, media_type="application/json"
    )
    assert response.status_code in {200, 201}, response.text
    validate(case, response, [response_schema_conformance])


def test_unrouted_api_path_answers_json(client):
    response = client.get("/api/v1/claims/1.2.3/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def _put(kind: str, project: Project) -> tuple[int, dict]:
    """A PUT body with every field the schema requires, at its current value."""
    if kind == "topics":
        topic = project.topics.first()
        return topic.pk, {"project": project.pk, "name": topic.name}
    if kind == "sources":
        source = project.sources.first()
        return source.pk, {"project": project.pk, "name": source.name}
    if kind == "documents":
        document = project.documents.first()
        return document.pk, {"project": project.pk, "title": document.title}
    link = EvidenceLink.objects.filter(claim__project=project).first()
    return link.pk, {"claim": link.claim_id, "stance": link.stance}


@pytest.mark.parametrize("kind", ["topics", "sources", "documents", "evidence"])
def test_put_with_the_documented_required_fields_succeeds(demo, kind):
    """Found by this module: PUT required `project`/`claim` (declared fields ignore
    Meta.read_only_fields), then refused them even unchanged; fixed (FrozenOnUpdate)."""
    pk, body = _put(kind, demo["project"])
    json = {"body": body, "media_type": "application/json"}
    # Evidence links are versioned: a PUT says what it overwrites (else 428).
    headers = {**demo["headers"], "If-Match": "*"} if kind == "evidence" else demo["headers"]
    _, response = call("PUT", f"/api/v1/{kind}/{{id}}/", headers, pk, **json)
    assert response.status_code == 200, response.text


def test_membership_role_is_optional(demo):
    body = {"project": demo["project"].pk, "user": "admin"}
    _, response = call(
        "POST", "/api/v1/memberships/", demo["headers"], body=body, media_type="application/json"
    )
    assert response.status_code == 201, response.status_code


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("GET", "/api/v1/claims/{id}/", None), ("POST", "/api/v1/claims/", {})],
)
def test_client_errors_are_documented(demo, method, path, body):
    parts = {} if body is None else {"body": body, "media_type": "application/json"}
    pk = 0 if "{id}" in path else None  # no such claim: 404
    case, response = call(method, path, demo["headers"], pk, **parts)
    assert 400 <= response.status_code < 500
    validate(case, response, [status_code_conformance])
