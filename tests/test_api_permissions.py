"""The REST API's permission matrix: role × action × own/other object × own/other project.

Every case goes through the HTTP surface (/api/v1/) with a session login (or a real
token). Each refused write is checked twice: by its status and by a snapshot of the
whole database taken before the request, which must be unchanged afterwards (no row
written, no HistoryEntry added).
"""

import sys
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from curation import services
from curation.choices import ClaimStatus, HistoryAction, Role
from curation.models import (
    Claim,
    Document,
    EvidenceLink,
    HistoryEntry,
    Membership,
    Passage,
    Project,
    Source,
    Topic,
)

from .factories import (
    ClaimFactory,
    DocumentFactory,
    EvidenceLinkFactory,
    MembershipFactory,
    PassageFactory,
    ProjectFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
    add_project_permission,
)

API = "/api/v1"
PASSWORD = "pw-for-tests"  # what tests.factories.UserFactory sets
ANONYMOUS_STATUSES = {401, 403}
SESSIONS = {}  # user pk → session key of a login made once for the module

MODELS = {
    "projects": Project,
    "memberships": Membership,
    "sources": Source,
    "documents": Document,
    "passages": Passage,
    "claims": Claim,
    "evidence": EvidenceLink,
    "topics": Topic,
}


# -- the world every case runs in ---------------------------------------------------


def _span(document, quote):
    start = document.text.index(quote)
    return {"start": start, "end": start + len(quote)}


def _member(project, username, role):
    user = UserFactory(username=username)
    MembershipFactory(project=project, user=user, role=role)
    return user


def _build_world():
    """Project alpha with one object of each kind per owner, and the same in beta.

    The people and projects are those of tests/conftest.py, built once for the module.
    """
    alpha = ProjectFactory(slug="alpha", name="Alpha")
    beta = ProjectFactory(slug="beta", name="Beta")
    owner = _member(alpha, "olga", Role.OWNER)
    reviewer = _member(alpha, "rafael", Role.REVIEWER)
    annotator = _member(alpha, "anna", Role.ANNOTATOR)
    other_annotator = _member(alpha, "arno", Role.ANNOTATOR)
    viewer = _member(alpha, "victor", Role.VIEWER)
    outsider = _member(beta, "oscar", Role.OWNER)
    superuser = UserFactory(username="root", is_superuser=True)
    document = DocumentFactory(project=alpha)

    w = SimpleNamespace(alpha=alpha, beta=beta, document=document)
    w.users = {
        "outsider": outsider,
        "viewer": viewer,
        "annotator": annotator,
        "other_annotator": other_annotator,
        "reviewer": reviewer,
        "owner": owner,
        "superuser": superuser,
    }
    w.newcomer = UserFactory(username="nina")  # a member of nothing
    now = timezone.now()

    # alpha
    w.source = document.source
    w.spare_source = SourceFactory(project=alpha, name="Unused source")
    w.spare_document = DocumentFactory(project=alpha, source=w.source)
    # Something for GET sources/{id}/history/ and documents/{id}/history/ to show.
    for spare in (w.spare_source, w.spare_document):
        services.history_record(actor=owner, obj=spare, action=HistoryAction.CREATED)
    w.claimed_passage = PassageFactory(
        document=document, **_span(document, "Moscow and"), created_by=annotator
    )
    w.passage_own = PassageFactory(
        document=document, **_span(document, "Beijing"), created_by=annotator
    )
    w.passage_other = PassageFactory(
        document=document, **_span(document, "signed"), created_by=other_annotator
    )
    w.evidence_passage = PassageFactory(
        document=document, **_span(document, "energy accord"), created_by=annotator
    )
    w.evidence_passage_2 = PassageFactory(
        document=document, **_span(document, "in 2024"), created_by=other_annotator
    )
    w.free_passage = PassageFactory(document=document, **_span(document, "Analysts expect"))
    w.topic = TopicFactory(project=alpha, name="energy")

    def claim(author, status=ClaimStatus.DRAFT, **extra):
        return ClaimFactory(passage=w.claimed_passage, author=author, status=status, **extra)

    decided = {"reviewer": reviewer, "reviewed_at": now}
    w.claim_own = claim(annotator)
    w.claim_own.topics.add(w.topic)
    w.claim_other = claim(other_annotator)
    w.claim_own_submitted = claim(annotator, ClaimStatus.SUBMITTED)
    w.claim_submitted = claim(other_annotator, ClaimStatus.SUBMITTED)
    w.claim_accepted = claim(other_annotator, ClaimStatus.ACCEPTED, **decided)
    w.claim_rejected = claim(other_annotator, ClaimStatus.REJECTED, **decided)
    w.evidence_own = EvidenceLinkFactory(
        claim=w.claim_own, passage=w.evidence_passage, author=annotator
    )
    w.evidence_other = EvidenceLinkFactory(
        claim=w.claim_other, passage=w.evidence_passage_2, author=other_annotator
    )
    w.membership_other = Membership.objects.get(project=alpha, user=other_annotator)
    w.membership_owner = Membership.objects.get(project=alpha, user=owner)

    # beta: outsider's project, where no alpha member has a role
    w.beta_document = DocumentFactory(project=beta)
    w.beta_source = w.beta_document.source
    w.beta_passage = PassageFactory(document=w.beta_document, start=0, end=10)
    w.beta_passage_2 = PassageFactory(document=w.beta_document, start=11, end=18)
    w.beta_topic = TopicFactory(project=beta, name="sanctions")
    w.beta_claim = ClaimFactory(passage=w.beta_passage, author=outsider)
    w.beta_evidence = EvidenceLinkFactory(
        claim=w.beta_claim, passage=w.beta_passage_2, author=outsider
    )
    w.beta_membership = Membership.objects.get(project=beta, user=outsider)
    return w


@pytest.fixture(scope="module")
def _shared_world(django_db_setup, django_db_blocker):
    """Built once in a transaction that wraps the module and is rolled back after it.

    Each test still runs in its own savepoint (the `db` fixture), so what one test
    writes is gone before the next; building the world per test would cost most of
    the module's runtime.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = _build_world()
            for user in world.users.values():
                client = Client()
                client.force_login(user)
                SESSIONS[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    yield world
    SESSIONS.clear()
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(_shared_world, db):
    return _shared_world


def db_state():
    """Every row the API could write, in a comparable form (raw SQL: it runs twice a test)."""
    tables = [model._meta.db_table for model in (*MODELS.values(), HistoryEntry)]
    tables.append(Claim.topics.through._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One round trip instead of ten.
            columns = ", ".join(
                f"(SELECT json_agg(t ORDER BY t.id) FROM {table} t)"  # noqa: S608 (our tables)
                for table in tables
            )
            cursor.execute(f"SELECT {columns}")
            rows = cursor.fetchone()
            return {table: found or [] for table, found in zip(tables, rows, strict=True)}
        state = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 (our tables)
            state[table] = cursor.fetchall()
    return state


def client_for(user, **kwargs) -> Client:
    """A client logged in with a session (the one made for the module, when there is one)."""
    client = Client(**kwargs)
    if user is None:
        return client
    session = SESSIONS.get(user.pk)
    if session is None:
        client.force_login(user)
    else:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    return client


def send(client, method, url, payload=None, **headers):
    if method in ("put", "patch", "delete"):
        # Claims and evidence need a precondition (else 428); "*" overwrites on purpose.
        headers.setdefault("HTTP_IF_MATCH", "*")
    if method in ("get", "delete"):
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(url, payload or {}, content_type="application/json", **headers)


def detail(resource, obj, move=None):
    return f"{API}/{resource}/{obj.pk}/" + (f"{move}/" if move else "")


def body_of(response):
    try:
        return response.json()
    except ValueError:
        return None


def assert_no_data(response):
    """A refusal carries an error, never the object or a page of objects."""
    body = body_of(response)
    if isinstance(body, dict):
        assert not {"id", "results", "token"} & set(body), body


# -- what each action sends -----------------------------------------------------------

TARGETS = {
    ("projects", "alpha"): lambda w: w.alpha,
    ("projects", "empty"): lambda w: _empty_project_with_alpha_roles(w),
    ("memberships", "alpha"): lambda w: w.membership_other,
    ("sources", "alpha"): lambda w: w.spare_source,
    ("documents", "alpha"): lambda w: w.spare_document,
    ("documents", "annotated"): lambda w: w.document,
    ("passages", "own"): lambda w: w.passage_own,
    ("passages", "other"): lambda w: w.passage_other,
    ("claims", "own"): lambda w: w.claim_own,
    ("claims", "other"): lambda w: w.claim_other,
    ("claims", "own_submitted"): lambda w: w.claim_own_submitted,
    ("claims", "other_submitted"): lambda w: w.claim_submitted,
    ("claims", "accepted"): lambda w: w.claim_accepted,
    ("claims", "rejected"): lambda w: w.claim_rejected,
    ("evidence", "own"): lambda w: w.evidence_own,
    ("evidence", "other"): lambda w: w.evidence_other,
    ("topics", "alpha"): lambda w: w.topic,
}

# The object of each resource that a list must show to alpha's members (and hide
# from everyone else), and beta's counterpart.
LIST_PROBES = {
    "projects": ("alpha", "beta"),
    "memberships": ("membership_other", "beta_membership"),
    "sources": ("source", "beta_source"),
    "documents": ("document", "beta_document"),
    "passages": ("passage_own", "beta_passage"),
    "claims": ("claim_own", "beta_claim"),
    "evidence": ("evidence_own", "beta_evidence"),
    "topics": ("topic", "beta_topic"),
}

BETA_TARGETS = {resource: beta for resource, (_, beta) in LIST_PROBES.items()}

CREATE_PAYLOADS = {
    ("projects", None): lambda w: {"slug": "gamma", "name": "Gamma"},
    ("memberships", None): lambda w: {"project": w.alpha.pk, "user": "nina", "role": "viewer"},
    ("sources", None): lambda w: {
        "project": w.alpha.pk,
        "name": "Institute for Tests",
        "kind": "think_tank",
        "reliability": "C",
    },
    ("documents", None): lambda w: {
        "project": w.alpha.pk,
        "source": w.source.pk,
        "title": "A new brief",
        "text": "A fresh text, written for the permission tests.",
    },
    ("passages", None): lambda w: {"document": w.document.pk, "exact": "Critics doubt"},
    ("claims", "passage_id"): lambda w: {
        "passage_id": w.free_passage.pk,
        "kind": "statistic",
        "credibility": 2,
        "topics": ["energy"],
    },
    ("claims", "passage_input"): lambda w: {
        "passage_input": {"document": w.document.pk, "exact": "Critics doubt"},
        "kind": "prediction",
        "credibility": 3,
        "topics": ["energy"],
    },
    ("claims", "bulk"): lambda w: [
        CREATE_PAYLOADS["claims", "passage_id"](w),
        CREATE_PAYLOADS["claims", "passage_input"](w),
    ],
    ("evidence", "passage_id"): lambda w: {
        "claim": w.claim_own.pk,
        "passage": w.free_passage.pk,
        "stance": "refutes",
    },
    ("evidence", "passage_input"): lambda w: {
        "claim": w.claim_own.pk,
        "passage_input": {"document": w.document.pk, "exact": "Critics doubt"},
        "stance": "qualifies",
    },
    ("topics", None): lambda w: {"project": w.alpha.pk, "name": "trade"},
}

# The field an outsider's create names when it refers to alpha's objects.
OUTSIDER_CREATE_FIELD = {
    ("memberships", None): "project",
    ("sources", None): "project",
    ("documents", None): "project",
    ("passages", None): "document",
    ("claims", "passage_id"): "passage_id",
    ("claims", "passage_input"): "passage_input",
    ("claims", "bulk"): "errors",  # per item: [{"index": 0, "errors": {"passage_id": …}}, …]
    ("evidence", "passage_id"): "claim",
    ("evidence", "passage_input"): "claim",
    ("topics", None): "project",
}

UPDATE_PAYLOADS = {
    "projects": {"description": "Edited through the API."},
    "memberships": {"role": "reviewer"},
    "sources": {"reliability": "A", "reliability_rationale": "Peer reviewed."},
    "documents": {"title": "A renamed document"},
    "passages": {"exact": "changed"},
    "claims": {"statement": "An edited statement.", "credibility": 3},
    "evidence": {"stance": "qualifies", "note": "Only in part."},
    "topics": {"description": "Energy policy and trade."},
}

MOVE_TARGET_STATUS = {
    "submit": ClaimStatus.SUBMITTED,
    "accept": ClaimStatus.ACCEPTED,
    "reject": ClaimStatus.REJECTED,
    "reopen": ClaimStatus.DRAFT,
}
READ_ACTIONS = ("history", "annotations")  # GET /claims/{id}/history/, /documents/{id}/annotations/
MOVE_HISTORY_ACTION = {
    "submit": HistoryAction.SUBMITTED,
    "accept": HistoryAction.ACCEPTED,
    "reject": HistoryAction.REJECTED,
    "reopen": HistoryAction.REOPENED,
}


def _empty_project_with_alpha_roles(w):
    """A project without documents (so deletable) where everyone holds their alpha role."""
    empty = ProjectFactory(slug="empty", name="Empty")
    for membership in Membership.objects.filter(project=w.alpha):
        MembershipFactory(project=empty, user=membership.user, role=membership.role)
    return empty


def request_for(w, resource, action, target, obj):
    """(method, url, payload) of one action."""
    if action == "list":
        return "get", f"{API}/{resource}/", None
    if action == "retrieve":
        return "get", detail(resource, obj), None
    if action == "create":
        return "post", f"{API}/{resource}/", CREATE_PAYLOADS[resource, target](w)
    if action == "update":
        return "patch", detail(resource, obj), UPDATE_PAYLOADS[resource]
    if action == "delete":
        # A topic that claims use needs the confirmation (else 409: tests/security).
        confirm = "?confirm=1" if resource == "topics" else ""
        return "delete", detail(resource, obj) + confirm, None
    if action in READ_ACTIONS:
        return "get", detail(resource, obj, action), None
    return "post", detail(resource, obj, action), {"note": "Checked by the matrix."}


# -- the matrix ---------------------------------------------------------------------

ROLES = ("outsider", "viewer", "annotator", "reviewer", "owner", "superuser")


def _roles(outsider, viewer, annotator, reviewer, owner, superuser):
    return dict(zip(ROLES, (outsider, viewer, annotator, reviewer, owner, superuser), strict=True))


#                  outsider viewer annot. review. owner superuser
LIST = _roles(200, 200, 200, 200, 200, 200)  # outsider: 200 without alpha's rows
READ = _roles(404, 200, 200, 200, 200, 200)
# Starting a project takes the "Can add project" permission, which no alpha role
# gives (test_project_creation_* below grant it).
SUPERUSER_CREATES = _roles(403, 403, 403, 403, 403, 201)
OWNER_CREATES = _roles(400, 403, 403, 403, 201, 201)
ANNOTATOR_CREATES = _roles(400, 403, 201, 201, 201, 201)
OWNER_UPDATES = _roles(404, 403, 403, 403, 200, 200)
OWNER_DELETES = _roles(404, 403, 403, 403, 204, 204)
ANNOTATOR_UPDATES = _roles(404, 403, 200, 200, 200, 200)
ANNOTATOR_DELETES = _roles(404, 403, 204, 204, 204, 204)
REVIEWER_UPDATES = _roles(404, 403, 403, 200, 200, 200)
REVIEWER_DELETES = _roles(404, 403, 403, 204, 204, 204)
ANNOTATOR_MOVES = _roles(404, 403, 200, 200, 200, 200)
REVIEWER_MOVES = _roles(404, 403, 403, 200, 200, 200)
IMMUTABLE = _roles(405, 405, 405, 405, 405, 405)

# (resource, action, target, expected status per role)
MATRIX = [
    ("projects", "list", None, LIST),
    ("projects", "retrieve", "alpha", READ),
    ("projects", "create", None, SUPERUSER_CREATES),
    ("projects", "update", "alpha", OWNER_UPDATES),
    ("projects", "delete", "empty", OWNER_DELETES),
    ("memberships", "list", None, LIST),
    ("memberships", "retrieve", "alpha", READ),
    ("memberships", "create", None, OWNER_CREATES),
    ("memberships", "update", "alpha", OWNER_UPDATES),
    ("memberships", "delete", "alpha", OWNER_DELETES),
    ("sources", "list", None, LIST),
    ("sources", "retrieve", "alpha", READ),
    ("sources", "create", None, OWNER_CREATES),
    ("sources", "update", "alpha", OWNER_UPDATES),
    ("sources", "delete", "alpha", OWNER_DELETES),
    ("sources", "history", "alpha", READ),
    ("documents", "list", None, LIST),
    ("documents", "retrieve", "alpha", READ),
    ("documents", "annotations", "annotated", READ),
    ("documents", "history", "alpha", READ),
    ("documents", "create", None, OWNER_CREATES),
    ("documents", "update", "alpha", OWNER_UPDATES),
    ("documents", "delete", "alpha", OWNER_DELETES),
    ("passages", "list", None, LIST),
    ("passages", "retrieve", "own", READ),
    ("passages", "create", None, ANNOTATOR_CREATES),
    ("passages", "update", "own", IMMUTABLE),
    ("passages", "delete", "own", ANNOTATOR_DELETES),
    ("passages", "delete", "other", REVIEWER_DELETES),
    ("claims", "list", None, LIST),
    ("claims", "retrieve", "own", READ),
    ("claims", "create", "passage_id", ANNOTATOR_CREATES),
    ("claims", "create", "passage_input", ANNOTATOR_CREATES),
    ("claims", "create", "bulk", ANNOTATOR_CREATES),
    ("claims", "history", "own", READ),
    ("claims", "update", "own", ANNOTATOR_UPDATES),
    ("claims", "update", "other", REVIEWER_UPDATES),
    ("claims", "delete", "own", ANNOTATOR_DELETES),
    ("claims", "delete", "other", REVIEWER_DELETES),
    ("claims", "submit", "own", ANNOTATOR_MOVES),
    ("claims", "submit", "other", REVIEWER_MOVES),
    ("claims", "accept", "own_submitted", REVIEWER_MOVES),
    ("claims", "accept", "other_submitted", REVIEWER_MOVES),
    ("claims", "reject", "own_submitted", REVIEWER_MOVES),
    ("claims", "reject", "other_submitted", REVIEWER_MOVES),
    ("claims", "reopen", "accepted", REVIEWER_MOVES),
    ("claims", "reopen", "rejected", REVIEWER_MOVES),
    ("evidence", "list", None, LIST),
    ("evidence", "retrieve", "own", READ),
    ("evidence", "create", "passage_id", ANNOTATOR_CREATES),
    ("evidence", "create", "passage_input", ANNOTATOR_CREATES),
    ("evidence", "update", "own", ANNOTATOR_UPDATES),
    ("evidence", "update", "other", REVIEWER_UPDATES),
    ("evidence", "delete", "own", ANNOTATOR_DELETES),
    ("evidence", "delete", "other", REVIEWER_DELETES),
    ("topics", "list", None, LIST),
    ("topics", "retrieve", "alpha", READ),
    ("topics", "create", None, ANNOTATOR_CREATES),
    ("topics", "update", "alpha", REVIEWER_UPDATES),
    ("topics", "delete", "alpha", REVIEWER_DELETES),
]


def _case_id(resource, action, target, role, expected):
    parts = [resource, action, target, role]
    return "-".join(str(part) for part in parts if part) + f"-{expected}"


def _matrix_params():
    for resource, action, target, expected_by_role in MATRIX:
        for role, expected in expected_by_role.items():
            yield pytest.param(
                resource,
                action,
                target,
                role,
                expected,
                id=_case_id(resource, action, target, role, expected),
            )


@pytest.mark.parametrize(
    ("resource", "action", "target", "role", "expected"), list(_matrix_params())
)
def test_permission_matrix(world, resource, action, target, role, expected):
    w = world
    user = w.users[role]
    obj = TARGETS[resource, target](w) if (resource, target) in TARGETS else None
    method, url, payload = request_for(w, resource, action, target, obj)
    client = client_for(user)
    before = db_state()

    response = send(client, method, url, payload)

    assert response.status_code == expected, body_of(response)
    if expected >= 400:
        assert db_state() == before, f"a refused {action} wrote to the database"
        assert_no_data(response)
        if expected == 400:  # an outsider's create naming alpha's objects
            assert OUTSIDER_CREATE_FIELD[resource, target] in response.json()
        return
    CHECK_SUCCESS[action](w, resource, target, obj, user, role, response, before)


# -- what a successful action must have done ----------------------------------------------


def _check_list(w, resource, target, obj, user, role, response, before):
    ids = {row["id"] for row in response.json()["results"]}
    alpha_probe, beta_probe = (getattr(w, name).pk for name in LIST_PROBES[resource])
    if role == "outsider":
        assert alpha_probe not in ids and beta_probe in ids
    elif role == "superuser":
        assert {alpha_probe, beta_probe} <= ids
    else:
        assert alpha_probe in ids and beta_probe not in ids


def _check_retrieve(w, resource, target, obj, user, role, response, before):
    data = response.json()
    assert data["id"] == obj.pk
    if resource == "claims":
        assert response["ETag"] == f'"{obj.pk}.{data["version"]}"'


def _check_create(w, resource, target, obj, user, role, response, before):
    model = MODELS[resource]
    data = response.json()
    items = data if isinstance(data, list) else [data]
    assert model.objects.count() == len(before[model._meta.db_table]) + len(items)
    for item in items:
        _check_created(w, resource, model.objects.get(pk=item["id"]), user, item, response)


def _check_created(w, resource, created, user, data, response):
    if resource == "projects":
        assert Membership.objects.get(project=created, user=user).role == Role.OWNER
        assert data["role"] == Role.OWNER  # the answer knows the new project's role
    elif resource == "claims":
        assert created.project_id == w.alpha.pk
        assert (created.status, created.author_id, created.version) == ("draft", user.pk, 1)
        assert data["version"] == 1
        if response.has_header("ETag"):  # one claim (a bulk create answers a list)
            assert response["ETag"] == f'"{created.pk}.1"'
        assert [topic.name for topic in created.topics.all()] == ["energy"]
    elif resource == "evidence":
        assert (created.claim_id, created.author_id) == (w.claim_own.pk, user.pk)
    elif resource == "passages":
        assert created.document_id == w.document.pk
    else:
        assert created.project_id == w.alpha.pk


def _check_update(w, resource, target, obj, user, role, response, before):
    row = type(obj).objects.filter(pk=obj.pk).values().get()
    for name, value in UPDATE_PAYLOADS[resource].items():
        assert row[name] == value, name
    if resource == "claims":
        assert row["version"] == obj.version + 1
        assert response["ETag"] == f'"{obj.pk}.{obj.version + 1}"'
    if resource in ("claims", "evidence", "sources", "documents"):
        assert HistoryEntry.objects.count() == len(before[HistoryEntry._meta.db_table]) + 1


def _check_read_action(w, resource, target, obj, user, role, response, before):
    data = response.json()
    if response.wsgi_request.path.endswith("/history/"):
        # a claim's, source's or document's history: paged, newest first, its own only
        expected = obj.history.order_by("-at", "-pk")
        assert [entry["id"] for entry in data["results"]] == [e.pk for e in expected]
    else:  # a document's annotations: its passages, claims, evidence
        assert data["document"] == obj.pk
        assert w.claim_own.pk in {claim["id"] for claim in data["claims"]}


def _check_delete(w, resource, target, obj, user, role, response, before):
    assert not type(obj).objects.filter(pk=obj.pk).exists()


def _check_move(w, resource, target, obj, user, role, response, before):
    claim = Claim.objects.get(pk=obj.pk)
    move = response.wsgi_request.path.rstrip("/").rsplit("/", 1)[-1]
    assert claim.status == MOVE_TARGET_STATUS[move]
    assert claim.version == obj.version + 1
    assert response.json()["status"] == claim.status
    assert response["ETag"] == f'"{claim.pk}.{claim.version}"'
    entry = HistoryEntry.objects.filter(claim=claim).latest("pk")
    assert (entry.action, entry.actor_id, entry.note) == (
        MOVE_HISTORY_ACTION[move],
        user.pk,
        "Checked by the matrix.",
    )


CHECK_SUCCESS = {
    "list": _check_list,
    "retrieve": _check_retrieve,
    "create": _check_create,
    "update": _check_update,
    "delete": _check_delete,
    "history": _check_read_action,
    "annotations": _check_read_action,
    "submit": _check_move,
    "accept": _check_move,
    "reject": _check_move,
    "reopen": _check_move,
}


# -- anonymous callers -----------------------------------------------------------------


def _anonymous_params():
    seen = set()
    for resource, action, target, _ in MATRIX:
        if (resource, action) not in seen:
            seen.add((resource, action))
            yield pytest.param(resource, action, target, id=f"{resource}-{action}")


@pytest.mark.parametrize(("resource", "action", "target"), list(_anonymous_params()))
def test_anonymous_is_refused_without_data(world, resource, action, target):
    w = world
    obj = TARGETS[resource, target](w) if (resource, target) in TARGETS else None
    method, url, payload = request_for(w, resource, action, target, obj)
    before = db_state()

    response = send(Client(), method, url, payload)

    assert response.status_code in ANONYMOUS_STATUSES
    assert_no_data(response)
    assert db_state() == before


# -- another project's objects: 404 on every method ---------------------------------------

CROSS_PROJECT_ACTIONS = (
    [
        (resource, action)
        for resource in MODELS
        for action in ("retrieve", "update", "delete")
        if (resource, action) != ("passages", "update")  # no such route: 405 for everyone
    ]
    + [("claims", move) for move in (*MOVE_TARGET_STATUS, "history")]
    + [("documents", "annotations"), ("documents", "history"), ("sources", "history")]
)


@pytest.mark.parametrize("role", ["viewer", "annotator", "reviewer", "owner"])
@pytest.mark.parametrize(
    ("resource", "action"),
    [pytest.param(*case, id="-".join(case)) for case in CROSS_PROJECT_ACTIONS],
)
def test_other_projects_objects_answer_404(world, resource, action, role):
    w = world
    obj = getattr(w, BETA_TARGETS[resource])
    method, url, payload = request_for(w, resource, action, None, obj)
    client = client_for(w.users[role])
    before = db_state()

    response = send(client, method, url, payload)

    assert response.status_code == 404, body_of(response)
    assert_no_data(response)
    assert db_state() == before


# (resource, target) whose history a member of alpha reads: see MATRIX.
HISTORY_READS = [("claims", "own"), ("documents", "alpha"), ("sources", "alpha")]


@pytest.mark.parametrize(("resource", "target"), HISTORY_READS, ids=[r for r, _ in HISTORY_READS])
def test_a_removed_member_reads_no_history(world, resource, target):
    w = world
    obj = TARGETS[resource, target](w)
    method, url, payload = request_for(w, resource, "history", target, obj)
    client = client_for(w.users["viewer"])
    assert send(client, method, url, payload).status_code == 200
    membership = Membership.objects.get(project=w.alpha, user=w.users["viewer"])
    services.membership_remove(actor=w.users["owner"], membership=membership)

    response = send(client, method, url, payload)

    assert response.status_code == 404, body_of(response)
    assert_no_data(response)


@pytest.mark.parametrize("resource", list(MODELS))
def test_superuser_reads_every_project(world, resource):
    obj = getattr(world, BETA_TARGETS[resource])
    response = client_for(world.users["superuser"]).get(detail(resource, obj))
    assert response.status_code == 200
    assert response.json()["id"] == obj.pk


@pytest.mark.parametrize("resource", ["memberships", "sources", "documents", "claims", "topics"])
def test_project_filter_on_another_project_shows_nothing(world, resource):
    client = client_for(world.users["owner"])
    response = client.get(f"{API}/{resource}/", {"project": world.beta.pk})
    assert response.status_code in (200, 400)
    assert not body_of(response).get("results")


# -- fields a role may not set ---------------------------------------------------------------


def _claim_payloads():
    return [
        pytest.param(lambda w: {"status": "accepted"}, id="status"),
        pytest.param(lambda w: {"reviewer": "rafael"}, id="reviewer"),
        pytest.param(lambda w: {"review_note": "Self-approved."}, id="review_note"),
        pytest.param(lambda w: {"reviewed_at": "2024-01-01T00:00:00Z"}, id="reviewed_at"),
        pytest.param(lambda w: {"author": "arno"}, id="author"),
        pytest.param(lambda w: {"project": w.beta.pk}, id="project"),
        pytest.param(lambda w: {"uuid": "00000000-0000-0000-0000-000000000000"}, id="uuid"),
        pytest.param(lambda w: {"passage_id": w.free_passage.pk}, id="passage_id"),
        pytest.param(
            lambda w: {"passage_input": {"document": w.document.pk, "exact": "Critics"}},
            id="passage_input",
        ),
        pytest.param(lambda w: {"version": 1}, id="version-same"),
        pytest.param(lambda w: {"evidence": []}, id="evidence"),
        pytest.param(lambda w: {"grade": "A1", "source_reliability": "A"}, id="grade"),
    ]


@pytest.mark.parametrize("payload", _claim_payloads())
def test_annotator_cannot_set_protected_claim_fields(world, payload):
    w = world
    claim = w.claim_own
    client = client_for(w.users["annotator"])
    before = db_state()

    response = client.patch(
        detail("claims", claim), payload(w), content_type="application/json", HTTP_IF_MATCH="*"
    )

    assert response.status_code == 200, body_of(response)
    assert (response.json()["status"], response.json()["version"]) == ("draft", 1)
    assert db_state() == before


def test_reviewer_cannot_accept_by_writing_status(world):
    w = world
    before = db_state()
    response = client_for(w.users["reviewer"]).patch(
        detail("claims", w.claim_submitted),
        {"status": "accepted", "reviewer": "rafael"},
        content_type="application/json",
        HTTP_IF_MATCH="*",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert db_state() == before


@pytest.mark.parametrize("payload", [{"version": 7}, {"version": 7, "statement": "Stale edit."}])
def test_a_version_cannot_be_written_only_matched(world, payload):
    w = world
    before = db_state()
    response = client_for(w.users["annotator"]).patch(
        detail("claims", w.claim_own), payload, content_type="application/json"
    )
    assert response.status_code == 412
    assert response.json()["version"] == 1
    assert db_state() == before


# (id, role, resource, target attribute, payload). Moving an object to another project
# is tried as the superuser, for whom beta's id resolves: only the rule can refuse it.
FIXED_FIELD_WRITES = [
    (
        "evidence-claim",
        "annotator",
        "evidence",
        "evidence_own",
        lambda w: {"claim": w.claim_other.pk},
    ),
    (
        "evidence-passage",
        "annotator",
        "evidence",
        "evidence_own",
        lambda w: {"passage": w.free_passage.pk},
    ),
    ("evidence-author", "annotator", "evidence", "evidence_own", lambda w: {"author": "arno"}),
    ("source-project", "superuser", "sources", "source", lambda w: {"project": w.beta.pk}),
    ("source-counts", "owner", "sources", "source", lambda w: {"document_count": 9}),
    ("document-project", "superuser", "documents", "document", lambda w: {"project": w.beta.pk}),
    (
        "document-text",
        "owner",
        "documents",
        "document",
        lambda w: {
            "text": "A different text.",
            "sha256": "0" * 64,
            "length": 3,
            "imported_from": "elsewhere.txt",
        },
    ),
    (
        "membership-project",
        "superuser",
        "memberships",
        "membership_other",
        lambda w: {"project": w.beta.pk},
    ),
    ("membership-user", "owner", "memberships", "membership_other", lambda w: {"user": "nina"}),
    ("topic-project", "superuser", "topics", "topic", lambda w: {"project": w.beta.pk}),
    ("topic-counts", "reviewer", "topics", "topic", lambda w: {"claim_count": 5}),
    ("project-role", "owner", "projects", "alpha", lambda w: {"role": "viewer"}),
    ("project-created_at", "owner", "projects", "alpha", lambda w: {"created_at": "2000-01-01"}),
]


@pytest.mark.parametrize(
    ("role", "resource", "target", "payload"),
    [pytest.param(*case[1:], id=case[0]) for case in FIXED_FIELD_WRITES],
)
def test_fields_fixed_at_creation_cannot_be_changed(world, role, resource, target, payload):
    w = world
    before = db_state()
    response = client_for(w.users[role]).patch(
        detail(resource, getattr(w, target)),
        payload(w),
        content_type="application/json",
        HTTP_IF_MATCH="*",
    )
    # Ignored (200), or refused naming the field (400): either way nothing changes.
    assert response.status_code in (200, 400), body_of(response)
    if response.status_code == 400:
        assert set(payload(w)) & set(response.json()), response.json()
    assert db_state() == before


# (role, resource, target attribute, expected): PUT the representation just read,
# unchanged. Authors may; a viewer may not (STYLE.md: "a read-only role that still
# allows PUT"). Fields fixed at creation (project, evidence's claim and passage) are
# in that representation and must not make the PUT fail.
PUT_ROUND_TRIPS = [
    ("owner", "projects", "alpha", 200),
    ("owner", "memberships", "membership_other", 200),
    ("annotator", "claims", "claim_own", 200),
    ("owner", "sources", "spare_source", 200),
    ("owner", "documents", "spare_document", 200),
    ("reviewer", "topics", "topic", 200),
    ("annotator", "evidence", "evidence_own", 200),
    ("viewer", "projects", "alpha", 403),
    ("viewer", "memberships", "membership_other", 403),
    ("viewer", "claims", "claim_own", 403),
    ("viewer", "sources", "spare_source", 403),
    ("viewer", "documents", "spare_document", 403),
    ("viewer", "topics", "topic", 403),
    ("annotator", "topics", "topic", 403),
    ("viewer", "evidence", "evidence_own", 403),
]


@pytest.mark.parametrize(
    ("role", "resource", "target", "expected"),
    [pytest.param(*case, id=f"{case[1]}-{case[0]}-{case[3]}") for case in PUT_ROUND_TRIPS],
)
def test_put_of_the_unchanged_representation(world, role, resource, target, expected):
    w = world
    client = client_for(w.users[role])
    obj = getattr(w, target)
    representation = client.get(detail(resource, obj)).json()
    before = db_state()

    response = client.put(detail(resource, obj), representation, content_type="application/json")

    assert response.status_code == expected, body_of(response)
    assert db_state() == before


# -- references to another project's objects: 400 naming the field ---------------------------

CROSS_REFERENCES = [
    # (id, role, method, url, payload, field)
    (
        "claim-passage_id-of-beta",
        "annotator",
        "post",
        lambda w: f"{API}/claims/",
        lambda w: {"passage_id": w.beta_passage.pk},
        "passage_id",
    ),
    (
        "claim-passage_id-of-beta-as-owner",
        "owner",
        "post",
        lambda w: f"{API}/claims/",
        lambda w: {"passage_id": w.beta_passage.pk, "kind": "fact"},
        "passage_id",
    ),
    (
        "claim-passage_input-in-beta-document",
        "annotator",
        "post",
        lambda w: f"{API}/claims/",
        lambda w: {"passage_input": {"document": w.beta_document.pk, "exact": "Critics doubt"}},
        "passage_input",
    ),
    (
        "claim-topic-of-beta",
        "annotator",
        "post",
        lambda w: f"{API}/claims/",
        lambda w: {"passage_id": w.free_passage.pk, "topics": ["sanctions"]},
        "topics",
    ),
    (
        "claim-topic-unknown",
        "annotator",
        "post",
        lambda w: f"{API}/claims/",
        lambda w: {
            "passage_input": {"document": w.document.pk, "exact": "Critics doubt"},
            "topics": ["energy", "no such topic"],
        },
        "topics",
    ),
    (
        "claim-topic-of-alpha-on-beta-passage-as-superuser",
        "superuser",
        "post",
        lambda w: f"{API}/claims/",
        lambda w: {"passage_id": w.beta_passage.pk, "topics": ["energy"]},
        "topics",
    ),
    (
        "claim-update-topic-of-beta",
        "annotator",
        "patch",
        lambda w: detail("claims", w.claim_own),
        lambda w: {"topics": ["sanctions"], "statement": "Changed as well."},
        "topics",
    ),
    (
        "evidence-passage-of-beta",
        "annotator",
        "post",
        lambda w: f"{API}/evidence/",
        lambda w: {"claim": w.claim_own.pk, "passage": w.beta_passage.pk, "stance": "supports"},
        "passage",
    ),
    (
        "evidence-passage-of-beta-as-superuser",
        "superuser",
        "post",
        lambda w: f"{API}/evidence/",
        lambda w: {"claim": w.claim_own.pk, "passage": w.beta_passage.pk, "stance": "supports"},
        "passage",
    ),
    (
        "evidence-claim-of-beta",
        "annotator",
        "post",
        lambda w: f"{API}/evidence/",
        lambda w: {"claim": w.beta_claim.pk, "passage": w.free_passage.pk, "stance": "refutes"},
        "claim",
    ),
    (
        "evidence-claim-of-beta-as-superuser",
        "superuser",
        "post",
        lambda w: f"{API}/evidence/",
        lambda w: {"claim": w.beta_claim.pk, "passage": w.free_passage.pk, "stance": "refutes"},
        "passage",
    ),
    (
        "evidence-passage_input-in-beta-document",
        "annotator",
        "post",
        lambda w: f"{API}/evidence/",
        lambda w: {
            "claim": w.claim_own.pk,
            "passage_input": {"document": w.beta_document.pk, "exact": "Critics doubt"},
            "stance": "supports",
        },
        "passage_input",
    ),
    (
        "document-source-of-beta",
        "owner",
        "post",
        lambda w: f"{API}/documents/",
        lambda w: {
            "project": w.alpha.pk,
            "source": w.beta_source.pk,
            "title": "Cross",
            "text": "A text that must not be imported.",
        },
        "source",
    ),
    (
        "document-source-of-beta-as-superuser",
        "superuser",
        "post",
        lambda w: f"{API}/documents/",
        lambda w: {
            "project": w.alpha.pk,
            "source": w.beta_source.pk,
            "title": "Cross",
            "text": "A text that must not be imported.",
        },
        "source",
    ),
    (
        "document-update-source-of-beta",
        "owner",
        "patch",
        lambda w: detail("documents", w.document),
        lambda w: {"source": w.beta_source.pk, "title": "Renamed too"},
        "source",
    ),
    (
        "document-update-source-of-beta-as-superuser",
        "superuser",
        "patch",
        lambda w: detail("documents", w.document),
        lambda w: {"source": w.beta_source.pk, "title": "Renamed too"},
        "source",
    ),
    (
        "passage-in-beta-document",
        "annotator",
        "post",
        lambda w: f"{API}/passages/",
        lambda w: {"document": w.beta_document.pk, "start": 0, "end": 6},
        "document",
    ),
    (
        "source-in-beta",
        "owner",
        "post",
        lambda w: f"{API}/sources/",
        lambda w: {"project": w.beta.pk, "name": "Planted"},
        "project",
    ),
    (
        "topic-in-beta",
        "annotator",
        "post",
        lambda w: f"{API}/topics/",
        lambda w: {"project": w.beta.pk, "name": "planted"},
        "project",
    ),
    (
        "membership-in-beta",
        "owner",
        "post",
        lambda w: f"{API}/memberships/",
        lambda w: {"project": w.beta.pk, "user": "olga", "role": "owner"},
        "project",
    ),
]


@pytest.mark.parametrize(
    ("role", "method", "url", "payload", "field"),
    [pytest.param(*case[1:], id=case[0]) for case in CROSS_REFERENCES],
)
def test_references_to_another_project_are_refused(world, role, method, url, payload, field):
    w = world
    client = client_for(w.users[role])
    before = db_state()

    response = send(client, method, url(w), payload(w))

    assert response.status_code == 400, body_of(response)
    assert field in response.json(), response.json()
    assert db_state() == before


# -- review moves: illegal from the current status ---------------------------------------------

ILLEGAL_MOVES = [
    # (role, move, claim attribute, its status)
    ("reviewer", "accept", "claim_own", "draft"),
    ("reviewer", "reject", "claim_other", "draft"),
    ("reviewer", "reopen", "claim_own", "draft"),
    ("reviewer", "reopen", "claim_submitted", "submitted"),
    ("reviewer", "submit", "claim_submitted", "submitted"),
    ("reviewer", "accept", "claim_accepted", "accepted"),
    ("reviewer", "reject", "claim_rejected", "rejected"),
    ("annotator", "submit", "claim_own_submitted", "submitted"),
    ("owner", "submit", "claim_accepted", "accepted"),
    ("superuser", "accept", "claim_rejected", "rejected"),
]


@pytest.mark.parametrize(
    ("role", "move", "target", "current"),
    [pytest.param(*case, id=f"{case[0]}-{case[1]}-{case[3]}") for case in ILLEGAL_MOVES],
)
def test_illegal_moves_answer_409_with_current_status(world, role, move, target, current):
    w = world
    before = db_state()
    response = client_for(w.users[role]).post(
        detail("claims", getattr(w, target), move), {}, content_type="application/json"
    )
    assert response.status_code == 409, body_of(response)
    assert response.json()["status"] == current
    assert db_state() == before


def test_role_is_checked_before_status(world):
    """An annotator learns nothing about the claim's state: 403, not 409."""
    w = world
    before = db_state()
    response = client_for(w.users["annotator"]).post(detail("claims", w.claim_own, "accept"))
    assert response.status_code == 403
    assert db_state() == before


# -- a project keeps at least one owner ------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "superuser"])
@pytest.mark.parametrize("method", ["patch", "delete"])
def test_last_owner_cannot_leave(world, role, method):
    w = world
    before = db_state()
    response = send(
        client_for(w.users[role]),
        method,
        detail("memberships", w.membership_owner),
        {"role": "reviewer"},
    )
    assert response.status_code == 400, body_of(response)
    assert "role" in response.json()
    assert db_state() == before


def test_last_owner_cannot_be_demoted_by_re_adding(world):
    w = world
    before = db_state()
    response = client_for(w.users["owner"]).post(
        f"{API}/memberships/",
        {"project": w.alpha.pk, "user": "olga", "role": "viewer"},
        content_type="application/json",
    )
    assert response.status_code == 400, body_of(response)
    assert db_state() == before


def test_an_owner_may_step_down_when_another_owner_remains(world):
    w = world
    Membership.objects.filter(pk=w.membership_other.pk).update(role=Role.OWNER)
    response = client_for(w.users["owner"]).patch(
        detail("memberships", w.membership_owner),
        {"role": "viewer"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Membership.objects.get(pk=w.membership_owner.pk).role == Role.VIEWER


@pytest.mark.parametrize("role", ["viewer", "annotator", "reviewer"])
def test_members_cannot_promote_themselves(world, role):
    w = world
    user = w.users[role]
    client = client_for(user)
    membership = Membership.objects.get(project=w.alpha, user=user)
    before = db_state()

    patched = client.patch(
        detail("memberships", membership), {"role": "owner"}, content_type="application/json"
    )
    # Re-adding oneself is refused too (403 for the role, or 400: already a member).
    posted = client.post(
        f"{API}/memberships/",
        {"project": w.alpha.pk, "user": user.username, "role": "owner"},
        content_type="application/json",
    )

    assert patched.status_code == 403
    assert posted.status_code in (400, 403)
    assert db_state() == before


# -- what each claim tells its reader they may do ---------------------------------------------

ALPHA_CLAIMS = (
    "claim_own",
    "claim_other",
    "claim_own_submitted",
    "claim_submitted",
    "claim_accepted",
    "claim_rejected",
)
REVIEWER_SEES = {
    "claim_own": (True, {"submit"}),
    "claim_other": (True, {"submit"}),
    "claim_own_submitted": (True, {"accept", "reject"}),
    "claim_submitted": (True, {"accept", "reject"}),
    "claim_accepted": (True, {"reopen"}),
    "claim_rejected": (True, {"reopen"}),
}
# role → claim → (edit, moves): the same rules the matrix checks by doing.
ADVERTISED = {
    "viewer": dict.fromkeys(ALPHA_CLAIMS, (False, set())),
    "annotator": {
        **dict.fromkeys(ALPHA_CLAIMS, (False, set())),
        "claim_own": (True, {"submit"}),
    },
    "reviewer": REVIEWER_SEES,
    "owner": REVIEWER_SEES,
    "superuser": REVIEWER_SEES,
}


@pytest.mark.parametrize("role", list(ADVERTISED))
def test_claim_permissions_field_matches_the_rules(world, role):
    w = world
    response = client_for(w.users[role]).get(f"{API}/claims/", {"project": w.alpha.pk})
    assert response.status_code == 200
    advertised = {
        row["id"]: (row["permissions"]["edit"], set(row["permissions"]["moves"]))
        for row in response.json()["results"]
    }
    expected = {getattr(w, name).pk: rule for name, rule in ADVERTISED[role].items()}
    assert advertised == expected


def test_bulk_create_with_one_foreign_passage_writes_nothing(world):
    w = world
    before = db_state()
    response = client_for(w.users["annotator"]).post(
        f"{API}/claims/",
        [CREATE_PAYLOADS["claims", "passage_id"](w), {"passage_id": w.beta_passage.pk}],
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(error["index"], list(error["errors"])) for error in errors] == [(1, ["passage_id"])]
    assert db_state() == before


# -- authentication: token and session --------------------------------------------------------


@pytest.fixture
def fresh_throttle():
    """Password attempts are throttled per address; each test starts with a clean count."""
    cache.clear()
    yield
    cache.clear()


def _token_for(username, password=PASSWORD):
    return Client().post(
        f"{API}/auth/token/",
        {"username": username, "password": password},
        content_type="application/json",
    )


def test_token_grants_the_users_role_and_no_more(world, fresh_throttle):
    w = world
    response = _token_for("victor")
    assert response.status_code == 200
    key = response.json()["token"]
    # Stored hashed (knox): the database holds the key's first characters, not the key.
    assert AuthToken.objects.get(user=w.users["viewer"]).token_key == key[:15]
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    # Token requests need no CSRF token: the client enforces CSRF, and it is not asked for.
    client = Client(enforce_csrf_checks=True)

    listed = client.get(f"{API}/claims/", **auth)
    assert listed.status_code == 200
    ids = {row["id"] for row in listed.json()["results"]}
    assert w.claim_own.pk in ids and w.beta_claim.pk not in ids

    before = db_state()
    refused = client.patch(
        detail("claims", w.claim_own),
        {"statement": "A viewer's edit."},
        content_type="application/json",
        HTTP_IF_MATCH="*",
        **auth,
    )
    assert refused.status_code == 403
    assert client.get(detail("claims", w.beta_claim), **auth).status_code == 404
    assert db_state() == before


def test_token_write_by_owner_needs_no_csrf(world, fresh_throttle):
    w = world
    key = _token_for("olga").json()["token"]
    response = Client(enforce_csrf_checks=True).patch(
        detail("projects", w.alpha),
        {"guidelines": "Quote exactly."},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 200
    w.alpha.refresh_from_db()
    assert w.alpha.guidelines == "Quote exactly."


@pytest.mark.parametrize(
    ("username", "password"),
    [("olga", "wrong password"), ("nobody", PASSWORD), ("olga", "")],
    ids=["wrong-password", "unknown-user", "empty-password"],
)
def test_token_refused_for_bad_credentials(world, fresh_throttle, username, password):
    response = _token_for(username, password)
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not AuthToken.objects.exists()


def test_revoked_token_no_longer_authenticates(world, fresh_throttle):
    w = world
    key = _token_for("anna").json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    client = Client()

    assert client.delete(f"{API}/auth/token/", **auth).status_code == 204
    assert not AuthToken.objects.filter(user=w.users["annotator"]).exists()

    response = client.get(f"{API}/claims/", **auth)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert_no_data(response)


def test_token_of_a_deactivated_user_is_refused(world, fresh_throttle):
    key = _token_for("anna").json()["token"]
    get_user_model().objects.filter(username="anna").update(is_active=False)

    response = Client().get(f"{API}/claims/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code in ANONYMOUS_STATUSES
    assert_no_data(response)


def test_anonymous_cannot_revoke(world):
    assert Client().delete(f"{API}/auth/token/").status_code in ANONYMOUS_STATUSES


def test_session_write_without_csrf_token_is_refused(world):
    w = world
    client = client_for(w.users["owner"], enforce_csrf_checks=True)
    before = db_state()

    response = client.post(
        f"{API}/topics/", {"project": w.alpha.pk, "name": "trade"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert db_state() == before
    # Reading needs no CSRF token.
    assert client.get(f"{API}/topics/").status_code == 200


def test_session_write_with_csrf_token_is_allowed(world):
    w = world
    client = client_for(w.users["owner"], enforce_csrf_checks=True)
    secret = "s" * 32
    client.cookies["csrftoken"] = secret

    response = client.post(
        f"{API}/topics/",
        {"project": w.alpha.pk, "name": "trade"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=secret,
    )

    assert response.status_code == 201
    assert Topic.objects.filter(project=w.alpha, name="trade").exists()


# -- deleting what annotations depend on ---------------------------------------------------------

PROTECTED_DELETES = [
    ("projects", "alpha"),  # holds documents
    ("sources", "source"),  # cited by documents
    ("documents", "document"),  # holds passages
    ("passages", "claimed_passage"),  # asserted by claims
]


@pytest.mark.parametrize(
    ("resource", "target"),
    [pytest.param(*case, id=case[0]) for case in PROTECTED_DELETES],
)
def test_deleting_a_protected_object_is_refused_cleanly(world, resource, target):
    w = world
    obj = getattr(w, target)
    client = client_for(w.users["owner"])
    client.raise_request_exception = False
    before = db_state()

    response = client.delete(detail(resource, obj), HTTP_IF_MATCH="*")

    assert response.status_code == 409, response.status_code
    assert response.json()["code"] == "protected"
    assert db_state() == before


# -- who may start a project -------------------------------------------------------------


def _grant_add_project(user, *, through_group: bool) -> None:
    permission = add_project_permission()
    if through_group:
        group = Group.objects.create(name="Project leads")
        group.permissions.add(permission)
        user.groups.add(group)
    else:
        user.user_permissions.add(permission)


@pytest.mark.parametrize("through_group", [False, True], ids=["user", "group"])
def test_project_creation_granted_by_permission_makes_the_creator_owner(db, through_group):
    user = UserFactory(username="paula", is_staff=False)
    _grant_add_project(user, through_group=through_group)

    response = client_for(user).post(
        f"{API}/projects/", {"slug": "gamma", "name": "Gamma"}, content_type="application/json"
    )

    assert response.status_code == 201, response.json()
    project = Project.objects.get(slug="gamma")
    assert Membership.objects.get(project=project, user=user).role == Role.OWNER
    assert response.json()["role"] == "owner"


def test_project_creation_without_permission_is_refused_and_writes_nothing(db):
    user = UserFactory(username="paula")
    before = db_state()

    response = client_for(user).post(
        f"{API}/projects/", {"slug": "gamma", "name": "Gamma"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert "Can add project" in response.json()["detail"]
    assert db_state() == before


def test_project_creation_permission_of_an_inactive_user_counts_for_nothing(db):
    user = UserFactory(username="paula")
    _grant_add_project(user, through_group=False)
    user.is_active = False
    user.save(update_fields=["is_active"])

    with pytest.raises(PermissionDenied):
        services.project_create(actor=user, slug="gamma", name="Gamma")
    assert not Project.objects.filter(slug="gamma").exists()
