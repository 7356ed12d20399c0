"""Hostile and clumsy input: every answer is a 4xx naming the field, never a 500."""

import json

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from curation.choices import Role
from curation.models import Claim, Document, HistoryEntry, Passage
from curation.services import claim_create, passage_create
from curation.text import normalize_text

from .factories import DocumentFactory, MembershipFactory, SourceFactory, TopicFactory, client_for

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"
PASSAGES = "/api/v1/passages/"
DOCUMENTS = "/api/v1/documents/"
EVIDENCE = "/api/v1/evidence/"

TEXT = "Heavy rain closed the northern road on Monday. Repairs will cost 2 million."


def send_raw(client: APIClient, method: str, url: str, body: str | bytes):
    """A body exactly as given: the test client's JSON encoder would refuse some of them."""
    return getattr(client, method)(url, data=body, content_type="application/json")


def field_errors(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def holds(value, char: str) -> bool:
    """Whether a JSON value holds `char` in any key or string, however deep."""
    if isinstance(value, str):
        return char in value
    if isinstance(value, dict):
        return any(holds(k, char) or holds(v, char) for k, v in value.items())
    if isinstance(value, list):
        return any(holds(item, char) for item in value)
    return False


@pytest.fixture
def anna(annotator):
    return client_for(annotator)


@pytest.fixture
def olga(owner):
    return client_for(owner)


@pytest.fixture
def document(project):
    return DocumentFactory(project=project, text=normalize_text(TEXT))


@pytest.fixture
def draft(document, annotator):
    passage = passage_create(actor=annotator, document=document, exact="Heavy rain")
    return claim_create(actor=annotator, passage=passage)


# --- malformed JSON ---------------------------------------------------------------------------

MALFORMED = [
    '{"statement": ',
    '{"statement": "a",}',
    "{'statement': 'single quotes'}",
    '{"statement": "a"} trailing',
    "NaN-ish",
    b'{"statement": "\xff\xfe"}',  # not UTF-8
]


@pytest.mark.parametrize("body", MALFORMED)
@pytest.mark.parametrize("url", [CLAIMS, PASSAGES, DOCUMENTS, EVIDENCE])
def test_malformed_json_is_400(olga, anna, url, body):
    client = olga if url == DOCUMENTS else anna

    response = send_raw(client, "post", url, body)

    assert response.status_code == 400
    assert "JSON parse error" in field_errors(response)["detail"]


@pytest.mark.parametrize("url", [CLAIMS, PASSAGES, DOCUMENTS, EVIDENCE])
def test_empty_body_is_400_naming_a_required_field(olga, anna, url):
    client = olga if url == DOCUMENTS else anna

    response = send_raw(client, "post", url, "")

    assert response.status_code == 400
    assert field_errors(response)


@pytest.mark.parametrize("body", MALFORMED)
def test_malformed_json_patch_and_move_are_400(anna, draft, body):
    assert send_raw(anna, "patch", f"{CLAIMS}{draft.pk}/", body).status_code == 400
    assert send_raw(anna, "post", f"{CLAIMS}{draft.pk}/submit/", body).status_code == 400
    draft.refresh_from_db()
    assert (draft.status, draft.version) == ("draft", 1)


@pytest.mark.parametrize("body", ['"a string"', "42", "null", "true", "[1, 2]", '["x"]'])
def test_json_that_is_not_an_object_is_400(anna, document, body):
    response = send_raw(anna, "post", CLAIMS, body)

    assert response.status_code == 400
    assert not Claim.objects.exists()


@pytest.mark.parametrize("body", ['"a string"', "42", "null", "[1, 2]"])
def test_passage_body_that_is_not_an_object_is_400(anna, body):
    assert send_raw(anna, "post", PASSAGES, body).status_code == 400


def test_json_sent_as_plain_text_is_415(anna, document):
    response = anna.post(
        PASSAGES, data=json.dumps({"document": document.pk}), content_type="text/plain"
    )

    assert response.status_code == 415


# --- wrong types ----------------------------------------------------------------------------


def passage_input(document, **fields):
    return {"document": document.pk, "exact": "Heavy rain", **fields}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"credibility": "high"}, "credibility"),
        ({"credibility": 9}, "credibility"),
        ({"credibility": 2.5}, "credibility"),
        ({"credibility": None}, "credibility"),
        ({"kind": 5}, "kind"),
        ({"kind": "rumour"}, "kind"),
        ({"topics": "energy"}, "topics"),
        ({"topics": [["energy"]]}, "topics"),
        ({"topics": {"name": "energy"}}, "topics"),
        ({"statement": {"text": "x"}}, "statement"),
        ({"statement": ["x"]}, "statement"),
        ({"statement": True}, "statement"),
        ({"version": "abc"}, "version"),
        ({"version": 0}, "version"),
        ({"passage_id": "abc"}, "passage_id"),
        ({"passage_id": [1]}, "passage_id"),
    ],
)
def test_wrong_claim_field_types_are_400_naming_the_field(anna, document, payload, field):
    body = {"passage_input": passage_input(document), **payload}
    if field == "passage_id":
        del body["passage_input"]

    response = anna.post(CLAIMS, body, format="json")

    assert response.status_code == 400
    assert field in field_errors(response)
    assert not Claim.objects.exists()
    assert not Passage.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"start": "abc", "end": 5}, "start"),
        ({"start": 0, "end": "five"}, "end"),
        ({"start": 1.5, "end": 5}, "start"),
        ({"start": [0], "end": 5}, "start"),
        ({"start": 0, "end": 10**30}, "end"),
        ({"exact": 42}, "exact"),
        ({"exact": ["Heavy"]}, "exact"),
        ({"exact": "Heavy", "prefix": {"x": 1}}, "prefix"),
    ],
)
def test_wrong_passage_field_types_are_400_naming_the_field(anna, document, payload, field):
    response = anna.post(PASSAGES, {"document": document.pk, **payload}, format="json")

    assert response.status_code == 400
    assert field in field_errors(response)

    through_claim = anna.post(
        CLAIMS, {"passage_input": {"document": document.pk, **payload}}, format="json"
    )
    assert through_claim.status_code == 400
    assert field in field_errors(through_claim)["passage_input"]
    assert not Passage.objects.exists()


@pytest.mark.parametrize("value", ["abc", None, [1], {"id": 1}, 10**30, -1])
def test_wrong_document_reference_is_400_on_document(anna, value):
    response = anna.post(PASSAGES, {"document": value, "exact": "x"}, format="json")

    assert response.status_code == 400
    assert "document" in field_errors(response)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"project": "abc"}, "project"),
        ({"authors": "Ada Byron"}, "authors"),
        ({"authors": [{"name": "Ada"}]}, "authors"),
        ({"published_on": "yesterday"}, "published_on"),
        ({"published_on": "2024-02-30"}, "published_on"),
        ({"url": "not a url"}, "url"),
        ({"source": "abc"}, "source"),
        ({"text": ["a", "b"]}, "text"),
        ({"title": {"t": 1}}, "title"),
    ],
)
def test_wrong_document_field_types_are_400_naming_the_field(olga, project, payload, field):
    body = {"project": project.pk, "title": "T", "text": "Some text.", **payload}

    response = olga.post(DOCUMENTS, body, format="json")

    assert response.status_code == 400
    assert field in field_errors(response)
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"stance": "agrees"}, "stance"),
        ({"stance": 1}, "stance"),
        ({"claim": "abc"}, "claim"),
        ({"note": {"x": 1}}, "note"),
    ],
)
def test_wrong_evidence_field_types_are_400_naming_the_field(anna, draft, document, payload, field):
    body = {
        "claim": draft.pk,
        "stance": "supports",
        "passage_input": {"document": document.pk, "exact": "2 million"},
        **payload,
    }

    response = anna.post(EVIDENCE, body, format="json")

    assert response.status_code == 400
    assert field in field_errors(response)


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"note": ["x"]}, "note"), ({"version": "two"}, "version"), ({"note": "n" * 10_001}, "note")],
)
def test_wrong_review_move_fields_are_400(anna, draft, payload, field):
    response = anna.post(f"{CLAIMS}{draft.pk}/submit/", payload, format="json")

    assert response.status_code == 400
    assert field in field_errors(response)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_bulk_items_that_are_not_objects_are_reported_by_index(anna, document):
    items = [{"passage_input": passage_input(document)}, "not an object", 42]

    response = anna.post(CLAIMS, items, format="json")

    assert response.status_code == 400
    assert sorted(error["index"] for error in response.json()["errors"]) == [1, 2]
    assert not Claim.objects.exists()


# --- unknown filter values -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "query", "field"),
    [
        (CLAIMS, "status=bogus", "status"),
        (CLAIMS, "kind=rumour", "kind"),
        (CLAIMS, "credibility=high", "credibility"),
        (CLAIMS, "credibility_max=x", "credibility_max"),
        (CLAIMS, "project=abc", "project"),
        (CLAIMS, "passage=abc", "passage"),
        (CLAIMS, "updated_before=soon", "updated_before"),
        (DOCUMENTS, "published_after=bogus", "published_after"),
        (DOCUMENTS, "source_reliability=Z", "source_reliability"),
        (DOCUMENTS, "source=abc", "source"),
        (PASSAGES, "start_gte=x", "start_gte"),
        (PASSAGES, "document=abc", "document"),
        (EVIDENCE, "stance=agrees", "stance"),
        (EVIDENCE, "claim=abc", "claim"),
        ("/api/v1/sources/", "reliability=Z", "reliability"),
        ("/api/v1/sources/", "kind=tabloid", "kind"),
        ("/api/v1/memberships/", "role=king", "role"),
        ("/api/v1/projects/", "role=king", "role"),
        ("/api/v1/topics/", "project=abc", "project"),
    ],
)
def test_unknown_filter_value_is_400_naming_the_filter(olga, url, query, field):
    response = olga.get(f"{url}?{query}")

    assert response.status_code == 400
    assert field in field_errors(response)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("cursor=garbage", 404),
        ("cursor=%00%ff", 404),
        ("page_size=abc", 200),  # ignored: the default page size
        ("page_size=-1", 200),
        ("page_size=0", 200),
    ],
)
def test_bad_pagination_parameters_are_not_500(olga, query, status):
    response = olga.get(f"{CLAIMS}?{query}")

    assert response.status_code == status


HUGE_ID = "9" * 25  # past any 64-bit integer column


@pytest.mark.parametrize(
    "query",
    [
        f"{CLAIMS}?document={HUGE_ID}",
        f"{CLAIMS}?source={HUGE_ID}",
        f"{EVIDENCE}?document={HUGE_ID}",
        f"{PASSAGES}?project={HUGE_ID}",
        f"{CLAIMS}?credibility_min={HUGE_ID}",
        f"{PASSAGES}?start_gte={HUGE_ID}",
        f"{CLAIMS}?topic={HUGE_ID}",
        f"{CLAIMS}?project={HUGE_ID}",
        f"{CLAIMS}{HUGE_ID}/",
        f"{DOCUMENTS}{HUGE_ID}/",
    ],
)
def test_huge_ids_in_filters_and_urls_are_not_500(olga, query):
    response = olga.get(query)

    assert response.status_code in (200, 400, 404)
    if response.status_code == 200 and "results" in response.json():
        assert response.json()["results"] == []


@pytest.mark.parametrize(
    "body",
    [{"passage_id": int(HUGE_ID)}, {"passage_input": {"document": int(HUGE_ID), "exact": "x"}}],
    ids=["passage_id", "passage_input.document"],
)
def test_huge_ids_in_bodies_are_400(anna, body):
    response = anna.post(CLAIMS, body, format="json")

    assert response.status_code == 400
    assert next(iter(body)) in field_errors(response)


def test_filter_on_another_projects_id_answers_like_a_missing_id(olga, other_project):
    foreign = DocumentFactory(project=other_project)

    for url, query in [
        (CLAIMS, f"project={other_project.pk}"),
        (PASSAGES, f"document={foreign.pk}"),
        (DOCUMENTS, f"source={foreign.source_id}"),
    ]:
        missing = olga.get(f"{url}?{query}99999")
        existing = olga.get(f"{url}?{query}")
        assert existing.status_code == missing.status_code, (url, query)


# --- request size ------------------------------------------------------------------------------


def test_body_over_the_request_limit_is_413_and_writes_nothing(settings, project, owner):
    # The middleware reads the limit when the handler loads it, i.e. on a client's first
    # request: change the setting before the client sends anything.
    settings.CLAIMDESK_MAX_REQUEST_BYTES = 2_000
    client = client_for(owner)
    body = {"project": project.pk, "title": "Big", "text": "word " * 500}

    response = client.post(DOCUMENTS, body, format="json")

    assert response.status_code == 413
    assert "2000" in response.json()["detail"]
    assert not Document.objects.exists()

    small = client.post(DOCUMENTS, {**body, "text": "word " * 100}, format="json")
    assert small.status_code == 201


def test_bulk_body_over_the_request_limit_is_413(settings, anna, document):
    settings.CLAIMDESK_MAX_REQUEST_BYTES = 2_000
    items = [{"passage_input": passage_input(document), "statement": "s" * 100}] * 30

    response = anna.post(CLAIMS, items, format="json")

    assert response.status_code == 413
    assert not Claim.objects.exists()


def test_multipart_upload_over_the_request_limit_is_413(settings, project, owner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.CLAIMDESK_MAX_REQUEST_BYTES = 2_000
    file = SimpleUploadedFile("big.txt", b"word " * 1000)

    response = client_for(owner).post(
        DOCUMENTS, {"project": project.pk, "file": file}, format="multipart"
    )

    assert response.status_code == 413
    assert not Document.objects.exists()


# --- NUL bytes -------------------------------------------------------------------------------


def stored_clean_or_refused(response, field: str, stored: str | None) -> None:
    """A 4xx naming the field, or a success whose stored value has no NUL."""
    assert response.status_code < 500
    if response.status_code >= 400:
        assert field in json.dumps(response.json())
    else:
        assert stored is not None and "\x00" not in stored


def test_nul_in_statement(anna, document):
    response = anna.post(
        CLAIMS,
        {"passage_input": passage_input(document), "statement": "a\u0000b"},
        format="json",
    )

    claim = Claim.objects.first()
    stored_clean_or_refused(response, "statement", claim and claim.statement)


def test_nul_in_statement_patch(anna, draft):
    response = anna.patch(f"{CLAIMS}{draft.pk}/", {"statement": "a\u0000b"}, format="json")

    draft.refresh_from_db()
    stored_clean_or_refused(response, "statement", draft.statement)


@pytest.mark.parametrize("field", ["text", "title"])
def test_nul_in_document_text_or_title(olga, project, field):
    body = {"project": project.pk, "title": "Title", "text": "Some text.", field: "a\u0000b"}

    response = olga.post(DOCUMENTS, body, format="json")

    document = Document.objects.first()
    stored_clean_or_refused(response, field, document and getattr(document, field))


@pytest.mark.parametrize("field", ["exact", "prefix", "suffix"])
def test_nul_in_quote(anna, document, field):
    body = {"document": document.pk, "exact": "Heavy rain", field: "Heavy\u0000 rain"}

    response = anna.post(PASSAGES, body, format="json")

    assert response.status_code == 400
    assert field in field_errors(response)
    assert not Passage.objects.exists()


@pytest.mark.parametrize(
    ("url_name", "body"),
    [
        ("evidence", {"stance": "supports", "note": "a\u0000b"}),
        ("topics", {"topics": ["a\u0000b"]}),
        ("attributed_to", {"attributed_to": "Mos\u0000cow"}),
    ],
)
def test_nul_in_other_claim_and_evidence_strings(anna, draft, document, url_name, body):
    if url_name == "evidence":
        url = EVIDENCE
        payload = {
            "claim": draft.pk,
            "passage_input": {"document": document.pk, "exact": "2 million"},
            **body,
        }
    else:
        url, payload = CLAIMS, {"passage_input": passage_input(document, exact="Repairs"), **body}

    response = anna.post(url, payload, format="json")

    assert response.status_code < 500
    if response.status_code < 400:
        assert not holds(response.json(), "\x00")


@pytest.mark.parametrize(
    "metadata",
    [{"note": "a\u0000b"}, {"a\u0000b": 1}, {"nested": ["x\u0000"]}],
    ids=["value", "key", "nested"],
)
def test_nul_in_document_metadata_is_refused_or_cleaned(olga, project, metadata):
    body = {"project": project.pk, "title": "T", "text": "Some text.", "metadata": metadata}

    response = olga.post(DOCUMENTS, body, format="json")

    assert response.status_code < 500
    if response.status_code < 400:
        assert not holds(Document.objects.get().metadata, "\x00")
    else:
        assert "metadata" in field_errors(response)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("q=a%00b", 400),
        ("author=a%00b", 400),
        ("topic=a%00b", 400),
        ("reviewer=%00", 400),
        ("ordering=%00", 200),  # not a whitelisted field: ignored
    ],
)
def test_nul_in_query_parameters_is_not_500(anna, draft, query, status):
    response = anna.get(f"{CLAIMS}?{query}")

    assert response.status_code == status
    if status == 400:
        assert query.split("=")[0] in field_errors(response)


def test_nul_in_login_is_400(db):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "a\u0000b", "password": "x\u0000"}, format="json"
    )

    assert response.status_code == 400


# --- long strings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "length"),
    [("attributed_to", 10_000), ("attributed_to", 301)],
)
def test_attributed_to_over_its_length_is_400(anna, document, field, length):
    response = anna.post(
        CLAIMS,
        {"passage_input": passage_input(document), field: "x" * length},
        format="json",
    )

    assert response.status_code == 400
    assert field in field_errors(response)
    assert not Claim.objects.exists()
    assert not Passage.objects.exists()


def test_attributed_to_at_its_length_is_accepted(anna, document):
    response = anna.post(
        CLAIMS,
        {"passage_input": passage_input(document), "attributed_to": "x" * 300},
        format="json",
    )

    assert response.status_code == 201, response.json()


def test_attributed_to_over_its_length_in_patch_is_400(anna, draft):
    response = anna.patch(f"{CLAIMS}{draft.pk}/", {"attributed_to": "x" * 10_000}, format="json")

    assert response.status_code == 400
    assert "attributed_to" in field_errors(response)
    draft.refresh_from_db()
    assert (draft.attributed_to, draft.version) == ("", 1)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "t" * 10_000),
        ("doi", "10.1/" + "d" * 10_000),
        ("language", "l" * 100),
        ("url", "https://example.org/" + "u" * 10_000),
        ("authors", ["a" * 10_000]),
        ("authors", ["Ada"] * 101),
    ],
)
def test_long_document_fields_are_400(olga, project, field, value):
    body = {"project": project.pk, "title": "T", "text": "Some text.", field: value}

    response = olga.post(DOCUMENTS, body, format="json")

    assert response.status_code == 400
    assert field in field_errors(response)
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("url", "field", "extra"),
    [
        ("/api/v1/sources/", "name", {}),
        ("/api/v1/topics/", "name", {}),
        ("/api/v1/projects/", "slug", {"name": "N"}),
        ("/api/v1/projects/", "name", {"slug": "long-name"}),
    ],
)
def test_long_names_are_400(olga, project, url, field, extra):
    body = {"project": project.pk, **extra, field: "n" * 10_000}

    response = olga.post(url, body, format="json")

    assert response.status_code == 400
    assert field in field_errors(response)


def test_long_topic_name_in_a_claim_is_400(anna, document):
    response = anna.post(
        CLAIMS,
        {"passage_input": passage_input(document), "topics": ["t" * 10_000]},
        format="json",
    )

    assert response.status_code == 400
    assert "topics" in field_errors(response)


def test_very_long_statement_is_accepted_or_refused_cleanly(anna, document):
    response = anna.post(
        CLAIMS,
        {"passage_input": passage_input(document), "statement": "s" * 200_000},
        format="json",
    )

    assert response.status_code in (201, 400)


# --- lone surrogates -------------------------------------------------------------------------


def test_lone_surrogate_in_statement_is_not_500(anna, document):
    body = '{"passage_input": {"document": %d, "exact": "Heavy rain"}, "statement": "a\\ud800b"}'

    response = send_raw(anna, "post", CLAIMS, body % document.pk)

    assert response.status_code == 400
    assert "statement" in field_errors(response)
    assert not Claim.objects.exists()


@pytest.mark.parametrize("field", ["exact", "prefix"])
def test_lone_surrogate_in_quote_is_not_500(anna, document, field):
    fields = {"exact": "Heavy rain", field: "Heavy\ud800"}
    body = json.dumps({"document": document.pk, **fields})  # ASCII: \\ud800 stays escaped

    response = send_raw(anna, "post", PASSAGES, body)

    assert response.status_code == 400
    assert field in field_errors(response)


@pytest.mark.parametrize("field", ["text", "title"])
def test_lone_surrogate_in_document_is_not_500(olga, project, field):
    body = {"project": project.pk, "title": "T", "text": "Some text.", field: "a\udc00b"}

    response = send_raw(olga, "post", DOCUMENTS, json.dumps(body))

    assert response.status_code < 500
    if response.status_code < 400:
        assert "\udc00" not in getattr(Document.objects.get(), field)


@pytest.mark.parametrize(
    "metadata",
    [{"note": "a\ud800b"}, {"\ud800": 1}, {"list": ["\udfff"]}],
    ids=["value", "key", "nested"],
)
def test_lone_surrogate_in_document_metadata_is_not_500(olga, project, metadata):
    body = {"project": project.pk, "title": "T", "text": "Some text.", "metadata": metadata}

    response = send_raw(olga, "post", DOCUMENTS, json.dumps(body))

    assert response.status_code < 500
    # Whatever was stored must still be readable.
    assert olga.get(DOCUMENTS).status_code == 200


def test_escaped_surrogate_pair_is_the_astral_character(anna, project):
    document = DocumentFactory(project=project, text="Mood \U0001f600 rose after the vote.")
    body = json.dumps({"document": document.pk, "exact": "\U0001f600 rose"})
    assert "\\ud83d\\ude00" in body

    response = send_raw(anna, "post", PASSAGES, body)

    assert response.status_code == 201, response.json()
    assert (response.json()["start"], response.json()["end"]) == (5, 11)


def test_lone_surrogate_in_bulk_item_is_reported_by_index(anna, document):
    items = [
        {"passage_input": passage_input(document)},
        {"passage_input": passage_input(document, exact="Repairs"), "statement": "\ud800"},
    ]

    response = send_raw(anna, "post", CLAIMS, json.dumps(items))

    assert response.status_code == 400
    assert [error["index"] for error in response.json()["errors"]] == [1]
    assert not Claim.objects.exists()


# --- role and scope edges return 4xx, not 500 -----------------------------------------------------


def test_source_of_another_project_for_an_owner_of_both_is_400(olga, project, other_project, owner):
    MembershipFactory(project=other_project, user=owner, role=Role.OWNER)
    foreign = SourceFactory(project=other_project)

    response = olga.post(
        DOCUMENTS,
        {"project": project.pk, "title": "T", "text": "Text.", "source": foreign.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "source" in field_errors(response)


def test_topic_of_another_project_is_unknown(anna, document, other_project):
    TopicFactory(project=other_project, name="elsewhere")

    response = anna.post(
        CLAIMS,
        {"passage_input": passage_input(document), "topics": ["elsewhere"]},
        format="json",
    )

    assert response.status_code == 400
    assert "topics" in field_errors(response)
    assert not HistoryEntry.objects.exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Python takes offsets up to ±23:59, PostgreSQL only ±15:59: converted to UTC.
        ("0400-02-23T04:05:51.039180-22:16", 200),
        ("2026-11-22T10:00:00+23:59", 200),
        ("0001-01-01T00:00:00+01:00", 400),  # before year 1 in UTC
        ("tomorrow", 400),
    ],
)
def test_claim_date_filters_take_any_iso_offset(olga, value, expected):
    response = olga.get(CLAIMS, {"created_after": value, "updated_before": value})

    assert response.status_code == expected, response.content


# -- tokens ------------------------------------------------------------------------------


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_authenticates_its_user(project, owner, other_project):
    key = AuthToken.objects.create(user=owner)[1]

    response = token_client(key).get("/api/v1/projects/")

    assert response.status_code == 200
    assert [p["slug"] for p in response.json()["results"]] == ["alpha"]


@pytest.mark.parametrize(
    ("case", "detail"),
    [
        ("unknown", "Invalid token."),
        ("revoked", "Invalid token."),
        ("inactive", "User inactive or deleted."),
        ("another case", "Invalid token."),
    ],
)
def test_a_bad_token_answers_401_with_the_reason(project, owner, case, detail):
    key = AuthToken.objects.create(user=owner)[1]
    if case == "unknown":
        key = "0" * 64
    elif case == "revoked":
        AuthToken.objects.filter(user=owner).delete()
    elif case == "inactive":
        type(owner).objects.filter(pk=owner.pk).update(is_active=False)
    else:
        key = key.upper()

    response = token_client(key).get("/api/v1/projects/")

    assert response.status_code == 401
    assert response.json()["detail"] == detail
    assert response["WWW-Authenticate"] == "Token"
