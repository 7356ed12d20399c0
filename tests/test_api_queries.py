"""Query counts of every list endpoint: pinned, and the same for one row as for a hundred.

A count that grows with the page is an N+1. Requests authenticate by token, so the
first query of each request is the token (with its user) lookup.
"""

import json
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient, APIRequestFactory

from curation import services
from curation.api import serializers as s
from curation.choices import Role, Stance
from curation.models import (
    Claim,
    Document,
    EvidenceLink,
    HistoryEntry,
    Membership,
    Passage,
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
)

pytestmark = pytest.mark.django_db

# Same on SQLite and PostgreSQL. The first query of each is the token lookup.
QUERY_PINS = {
    # token, projects, the caller's roles (one query for the page)
    "projects": 3,
    # token, rows with project and user joined
    "memberships": 2,
    # token, rows with project and a document count
    "sources": 2,
    # token, rows with project and source joined, passage and claim count subqueries
    "documents": 2,
    # token, rows with document and project joined
    "passages": 2,
    # token, claim rows (passage, document, source and usernames joined), evidence rows
    # (passage, document and author joined), topic names, and the caller's roles (one
    # query for the page's `permissions`)
    "claims": 5,
    # token, rows with claim, project, passage, document and author joined
    "evidence": 2,
    # token, rows with project and a claim count
    "topics": 2,
    # token, then as a list: the claim's row, its topics, evidence, roles
    "claim detail": 5,
}

LISTS = {
    "projects": "/api/v1/projects/",
    "memberships": "/api/v1/memberships/",
    "sources": "/api/v1/sources/",
    "documents": "/api/v1/documents/",
    "passages": "/api/v1/passages/",
    "claims": "/api/v1/claims/",
    "evidence": "/api/v1/evidence/",
    "topics": "/api/v1/topics/",
}

ROWS = 30
# Rows each list shows the owner, so that page_size=100 really renders many.
EXPECTED_ROWS = {
    "projects": 5,
    "memberships": ROWS + 6,  # the members, olga, rafael, olga in 4 other projects
    "sources": ROWS,
    "documents": ROWS,
    "passages": 3 * ROWS,
    "claims": ROWS,
    "evidence": 2 * ROWS,
    "topics": 6,
}

TEXT = (
    "Officials said exports of grain rose by a third in the spring. "
    "Independent analysts doubt the figure. "
    "Shipping data show a smaller rise of about ten percent. "
)


@pytest.fixture
def owner_client(owner) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=owner)[1]}")
    return client


@pytest.fixture
def dataset(project, owner, reviewer):
    """30 claims, each on its own document and source, with 2 topics and 2 evidence links."""
    for n in range(4):
        extra = ProjectFactory(slug=f"extra-{n}", name=f"Extra {n}")
        MembershipFactory(project=extra, user=owner, role=Role.VIEWER)
    for n in range(ROWS):
        MembershipFactory(project=project, user=UserFactory(username=f"member{n}"))
    topics = [TopicFactory(project=project, name=f"topic {n}") for n in range(6)]
    stances = [Stance.SUPPORTS, Stance.REFUTES]
    for n in range(ROWS):
        source = SourceFactory(project=project, name=f"Source {n}", reliability="ABCDEF"[n % 6])
        document = DocumentFactory(project=project, source=source, text=f"{TEXT}(copy {n})")
        claim = ClaimFactory(
            passage=PassageFactory(document=document, start=0, end=40),
            author=reviewer if n % 2 else owner,
            credibility=1 + n % 6,
        )
        claim.topics.set([topics[n % 6], topics[(n + 1) % 6]])
        for i, (start, end) in enumerate([(63, 101), (102, 157)]):
            EvidenceLinkFactory(
                claim=claim,
                passage=PassageFactory(document=document, start=start, end=end),
                stance=stances[i],
                author=owner if i else reviewer,
            )
    assert Claim.objects.count() == ROWS
    assert EvidenceLink.objects.count() == 2 * ROWS
    assert Passage.objects.count() == 3 * ROWS
    assert Document.objects.count() == Source.objects.count() == ROWS
    assert Topic.objects.count() == 6
    assert Membership.objects.filter(user__username__startswith="member").count() == ROWS


@pytest.mark.parametrize("page_size", [1, 100])
@pytest.mark.parametrize("name", LISTS)
def test_list_query_count_does_not_grow_with_the_page(
    dataset, owner_client, django_assert_num_queries, name, page_size
):
    with django_assert_num_queries(QUERY_PINS[name]):
        response = owner_client.get(f"{LISTS[name]}?page_size={page_size}")

    assert response.status_code == 200
    assert len(response.json()["results"]) == min(page_size, EXPECTED_ROWS[name])


# name: (filters, pin). Id filters (project, source, passage, …) never look the id up:
# no extra query, and another project's id answers like a missing one.
FILTERED = {
    "claims": ("status=draft&has_evidence=true&topic=topic+1&credibility_min=2&q=grain", 5),
    "claims by project": ("project={project}&status=draft", 5),
    "evidence": ("stance=supports&author=rafael&project={project}", 2),
    "passages": ("project={project}&start_gte=0&q=exports", 2),
    "documents": ("source_reliability=A&source_reliability=B&q=doc", 2),
    "documents by project": ("project={project}&source_reliability=A", 2),
}


@pytest.mark.parametrize("name", FILTERED)
def test_filtered_list_query_count(dataset, project, owner_client, django_assert_num_queries, name):
    filters, pin = FILTERED[name]
    url = LISTS[name.split()[0]]

    with django_assert_num_queries(pin):
        response = owner_client.get(f"{url}?page_size=100&{filters.format(project=project.pk)}")

    assert response.status_code == 200
    assert len(response.json()["results"]) > 1


def test_claim_detail_query_count(dataset, owner_client, django_assert_num_queries):
    claim = Claim.objects.order_by("pk").first()

    with django_assert_num_queries(QUERY_PINS["claim detail"]):
        response = owner_client.get(f"/api/v1/claims/{claim.pk}/")

    assert response.status_code == 200
    assert len(response.json()["evidence"]) == 2
    assert len(response.json()["topics"]) == 2


@pytest.mark.parametrize(
    "name",
    [
        "documents",
        "passages",
        "claims",
        "evidence",
    ],
)
def test_lists_never_load_document_texts(dataset, owner_client, name):
    with CaptureQueriesContext(connection) as queries:
        response = owner_client.get(f"{LISTS[name]}?page_size=100")

    assert response.status_code == 200
    column = '"curation_document"."text"'
    loading = [query["sql"][:120] for query in queries.captured_queries if column in query["sql"]]
    assert loading == []


@pytest.mark.parametrize("time_zone", ["UTC", "Asia/Kolkata"])
def test_claims_read_from_rows_equal_the_serializer(
    dataset, project, owner, reviewer, owner_client, settings, time_zone
):
    """Lists and details answer exactly what `ClaimSerializer` makes of the claims."""
    settings.TIME_ZONE = time_zone
    first = Claim.objects.order_by("pk").first()
    services.claim_move(actor=owner, claim=first, move="submit", note="")
    services.claim_move(actor=reviewer, claim=first, move="accept", note="Checked: «ok» 👍")
    sourceless = DocumentFactory(project=project, source=None, text=TEXT)
    ClaimFactory(passage=PassageFactory(document=sourceless, start=0, end=9), author=None)

    response = owner_client.get("/api/v1/claims/?page_size=100")
    detail = owner_client.get(f"/api/v1/claims/{first.pk}/")

    assert response.status_code == detail.status_code == 200
    request = APIRequestFactory().get("/")
    request.user = owner
    context = {"request": request, "roles": services.roles_by_project(owner)}
    claims = Claim.objects.with_related().with_evidence().order_by("-pk")
    expected = s.ClaimSerializer(claims, many=True, context=context).data
    assert response.json()["results"] == json.loads(json.dumps(expected))
    assert detail.json() == json.loads(json.dumps(expected[-1]))
    assert {c["source_reliability"] for c in expected} >= {"F", "A"}
    assert any(c["reviewer"] == "rafael" and c["reviewed_at"] for c in expected)


def test_created_claims_answer_what_a_read_answers(dataset, project, owner_client):
    """A POST answers with the read a GET makes (`selectors.claims`): the same answer."""
    document = Document.objects.filter(source__isnull=False).order_by("pk").first()
    passage = Passage.objects.filter(document=document).order_by("pk").last()
    one = {
        "passage_input": {"document": document.pk, "exact": "Independent analysts"},
        "topics": ["topic 3", "topic 1"],
        "statement": "Analysts doubt it 👀",
    }
    by_id = {"passage_id": passage.pk, "kind": "opinion", "credibility": 5}

    created = owner_client.post("/api/v1/claims/", one, format="json")
    many = owner_client.post("/api/v1/claims/", [by_id, {**one, "topics": []}], format="json")

    assert created.status_code == many.status_code == 201, (created.content, many.content)
    answers = [created.json(), *many.json()]
    # Only the create knows how its quote was found (issue 17); a read says null.
    assert [a.pop("quote_match") for a in answers] == ["exact", None, "exact"]
    for answer in answers:
        read = owner_client.get(f"/api/v1/claims/{answer['id']}/").json()
        assert read.pop("quote_match") is None
        assert answer == read
    assert created["ETag"] == f'"{created.json()["id"]}.1"'
    assert created.json()["topics"] == ["topic 1", "topic 3"]
    assert created.json()["permissions"] == {"edit": True, "moves": ["submit"]}
    assert many.json()[0]["source_reliability"] == passage.document.source.reliability


@pytest.mark.parametrize("items", [1, 25])
def test_bulk_create_query_count_does_not_grow_with_the_items(
    dataset, owner_client, django_assert_num_queries, items
):
    document = Document.objects.order_by("pk").first()
    passage = Passage.objects.filter(document=document).order_by("pk").first()
    body = [
        {"passage_input": {"document": document.pk, "start": n, "end": n + 9}, "kind": "fact"}
        for n in range(items)
    ]
    body.append({"passage_id": passage.pk, "topics": ["topic 1"]})

    # token; the passages and the documents named (one query each); the topic names;
    # then the roles, the new passages (INSERT, SELECT), the claims, their topics and
    # history (one INSERT each); the answer read back as a GET reads it (the claims,
    # and the topics of those that have some: no evidence yet) and the caller's roles
    # for `permissions`: 13, plus the transaction's start and end
    with django_assert_num_queries(13 + 2):
        response = owner_client.post("/api/v1/claims/", body, format="json")

    assert response.status_code == 201, response.content
    assert len(response.json()) == items + 1


@pytest.mark.parametrize("extra_claims", [0, 20])
def test_document_annotations_query_count_does_not_grow(
    dataset, owner, owner_client, django_assert_num_queries, extra_claims
):
    document = Document.objects.order_by("pk").first()
    passage = Passage.objects.filter(document=document).order_by("pk").first()
    for _ in range(extra_claims):
        ClaimFactory(passage=passage, author=owner)

    # token, the document, its passages, its claims, its evidence
    with django_assert_num_queries(5):
        response = owner_client.get(f"/api/v1/documents/{document.pk}/annotations/")

    assert response.status_code == 200
    assert len(response.json()["claims"]) == 1 + extra_claims


# -- one claim by offsets: the most frequent write ----------------------------------------

# One path on every database (the fast path is gone): token, document, roles, passage
# INSERT and SELECT, claim, history; the answer read back as a GET reads it (the claim:
# no topics nor evidence to load) and the roles for `permissions`; plus the
# transaction's start and end.
SIMPLE_CREATE_QUERIES = {"postgresql": 9 + 2, "sqlite": 9 + 2}
CLAIMS_URL = "/api/v1/claims/"


def simple_body(document, start=3, end=20, **fields) -> dict:
    return {"passage_input": {"document": document.pk, "start": start, "end": end}, **fields}


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"statement": "  Own words 🙂 ", "kind": "opinion", "attributed_to": "Ministry"},
        {"credibility": 1, "attributed_to": ""},
    ],
)
def test_a_claim_by_offsets_answers_what_a_read_answers_in_few_queries(
    dataset, owner_client, django_assert_num_queries, fields
):
    document = Document.objects.filter(source__isnull=False).order_by("pk").first()

    with django_assert_num_queries(SIMPLE_CREATE_QUERIES[connection.vendor]):
        created = owner_client.post(CLAIMS_URL, simple_body(document, **fields), format="json")

    assert created.status_code == 201, created.content
    answer = created.json()
    # Only the create knows how its span was found (issue 17); a read says null.
    assert answer.pop("quote_match") == "exact"
    read = owner_client.get(f"{CLAIMS_URL}{answer['id']}/").json()
    assert read.pop("quote_match") is None
    assert answer == read
    assert created["ETag"] == f'"{answer["id"]}.1"'
    assert answer["statement"] == (fields.get("statement", "").strip() or document.text[3:20])
    assert answer["permissions"] == {"edit": True, "moves": ["submit"]}


def test_a_claim_by_offsets_is_written_as_claims_create_writes_it(dataset, owner, owner_client):
    """The same claim through both paths (`topics` sends the second through the
    serializer and claims_create): the same answer and the same rows."""
    document = Document.objects.filter(source__isnull=False).order_by("pk").first()
    fields = {"statement": "Own words 🙂", "kind": "opinion", "attributed_to": "M"}

    fast = owner_client.post(CLAIMS_URL, simple_body(document, **fields), format="json").json()
    general = owner_client.post(
        CLAIMS_URL, simple_body(document, **fields, topics=[]), format="json"
    ).json()

    varying = {"id", "uuid", "created_at", "updated_at"}
    assert {k: v for k, v in fast.items() if k not in varying} == {
        k: v for k, v in general.items() if k not in varying
    }
    assert fast["passage"]["id"] == general["passage"]["id"]  # found, not duplicated
    claims = Claim.objects.filter(pk__in=[fast["id"], general["id"]]).order_by("pk")
    rows = [
        {k: v for k, v in row.items() if k not in {"id", "uuid", "created_at", "updated_at"}}
        for row in claims.values()
    ]
    assert rows[0] == rows[1]
    entries = [
        {
            k: v
            for k, v in claim.history.values().get().items()
            if k not in {"id", "uuid", "at", "claim_id"}
        }
        for claim in claims
    ]
    assert entries[0] == entries[1]
    assert entries[0]["changes"]["statement"] == [None, "Own words 🙂"]


@pytest.mark.parametrize(
    ("who", "body", "code"),
    [
        ("owner", {"start": 5, "end": 10_000}, 400),  # beyond the text
        ("owner", {"start": 7, "end": 7}, 400),  # empty
        ("owner", {"start": -1, "end": 4}, 400),
        ("owner", {"other_project": True}, 400),  # another project's document
        ("viewer", {}, 403),
        ("owner", {"statement": "nul \x00 byte"}, 400),
        ("owner", {"kind": "rumour"}, 400),
        ("owner", {"credibility": 9}, 400),
        ("owner", {"attributed_to": "x" * 1000}, 400),
    ],
)
def test_a_refused_claim_by_offsets_gets_the_general_answer_and_writes_nothing(
    dataset, project, other_project, viewer, owner_client, who, body, code
):
    body = dict(body)
    document = Document.objects.filter(project=project).order_by("pk").first()
    if body.pop("other_project", False):
        document = DocumentFactory(project=other_project)
    client = owner_client
    if who == "viewer":
        client = APIClient()
        client.force_authenticate(viewer)
    span = {key: body.pop(key) for key in ("start", "end") if key in body}
    counts = [Model.objects.count() for Model in (Passage, Claim, HistoryEntry)]

    response = client.post(CLAIMS_URL, simple_body(document, **span, **body), format="json")

    assert response.status_code == code, response.content
    assert [Model.objects.count() for Model in (Passage, Claim, HistoryEntry)] == counts


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # two real transactions at once
def test_two_claims_on_one_new_span_at_once_share_its_passage(project, owner):
    """The second INSERT waits for the first and then conflicts, without seeing its
    row (one snapshot per statement): that POST falls back to claims_create,
    which finds the passage."""
    document = DocumentFactory(project=project)
    token = AuthToken.objects.create(user=owner)[1]
    start = threading.Barrier(2)
    answers = []

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        start.wait()
        try:
            answers.append(client.post(CLAIMS_URL, simple_body(document, 2, 12), format="json"))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [answer.status_code for answer in answers] == [201, 201]
    assert len({answer.json()["passage"]["id"] for answer in answers}) == 1
    assert Passage.objects.filter(document=document).count() == 1
    assert Claim.objects.filter(passage__document=document).count() == 2


def test_an_inactive_member_creates_no_claim(project, annotator):
    """Called directly (the API refuses inactive users before any view): no role,
    so claims_create writes nothing."""
    document = DocumentFactory(project=project)
    draft = services.ClaimDraft(passage=services.span_resolve(document=document, start=0, end=5))
    annotator.is_active = False

    with pytest.raises(PermissionDenied):
        services.claims_create(actor=annotator, drafts=[draft])

    assert not Claim.objects.filter(passage__document=document).exists()
    annotator.is_active = True
    (claim,) = services.claims_create(actor=annotator, drafts=[draft])
    assert claim.author == annotator
