"""Passages, claims, review and locking through /api/v1/, against the real database.

Offsets are code points of the normalised text (Python ``str`` indices), never
UTF-16 units or bytes: every case below computes them with ``str.index``.
"""

import datetime
import threading

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from curation.choices import ClaimStatus, HistoryAction, Role
from curation.models import Claim, Document, HistoryEntry, Passage
from curation.services import claim_create, passage_create
from curation.text import CONTEXT_WIDTH, normalize_text

from .factories import (
    ClaimFactory,
    DocumentFactory,
    EvidenceLinkFactory,
    MembershipFactory,
    PassageFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
    client_for,
)

pytestmark = pytest.mark.django_db

PASSAGES = "/api/v1/passages/"
CLAIMS = "/api/v1/claims/"
DOCUMENTS = "/api/v1/documents/"
EVIDENCE = "/api/v1/evidence/"

GRIN = "\U0001f600"  # one code point, two UTF-16 units, four UTF-8 bytes
FRAKTUR_U = "\U0001d518"  # mathematical fraktur capital U, astral too
# "rain" occurs twice: once after "Heavy ", once before " stopped".
WEATHER = (
    "Heavy rain closed the northern road on Monday. "
    "The council said the rain stopped by noon. "
    "Repairs will cost 2 million."
)

# name: (raw text as imported, quote as a client sends it, quote as the text holds it)
UNICODE_CASES = {
    "emoji before the quote": (
        f"Mood {GRIN}{GRIN} after the vote; the vote passed at noon.",
        "the vote passed",
        "the vote passed",
    ),
    "astral characters inside the quote": (
        f"Signs {FRAKTUR_U} and {GRIN} mark the spot, said Ann.",
        f"{FRAKTUR_U} and {GRIN} mark",
        f"{FRAKTUR_U} and {GRIN} mark",
    ),
    "decomposed input is composed (NFC)": (
        "Zoe\u0308 said the cafe\u0301 reopened.",
        "Zoe\u0308 said the cafe\u0301",
        "Zo\u00eb said the caf\u00e9",
    ),
    "combining mark without a precomposed form": (
        "The symbol q\u0303 is rare in print.",
        "q\u0303 is rare",
        "q\u0303 is rare",
    ),
    "CJK": (
        "投票结果已公布，委员会表示满意。专家称价格将上涨。",
        "委员会表示满意",
        "委员会表示满意",
    ),
    "Arabic (right to left)": (
        "قال الوزير إن الاتفاق سيستمر طويلا.",
        "الاتفاق سيستمر",
        "الاتفاق سيستمر",
    ),
    "Hebrew mixed with Latin": (
        "He wrote שלום עולם on the wall in 2024.",
        "שלום עולם on the wall",
        "שלום עולם on the wall",
    ),
}


def post(client: APIClient, url: str, data, **extra):
    return client.post(url, data, format="json", **extra)


def patch(client: APIClient, url: str, data, **extra):
    # A write without any precondition is 428 (tests/security/test_preconditions.py).
    if "version" not in data:
        extra.setdefault("HTTP_IF_MATCH", "*")
    return client.patch(url, data, format="json", **extra)


def make_document(project, text: str, **kwargs) -> Document:
    return DocumentFactory(project=project, text=normalize_text(text), **kwargs)


def span(document: Document, quote: str) -> tuple[int, int]:
    start = document.text.index(quote)
    return start, start + len(quote)


def claim_url(claim) -> str:
    pk = claim if isinstance(claim, int) else claim.pk
    return f"{CLAIMS}{pk}/"


@pytest.fixture
def anna(annotator):
    return client_for(annotator)


@pytest.fixture
def rafael(reviewer):
    return client_for(reviewer)


@pytest.fixture
def weather(project):
    return make_document(project, WEATHER)


@pytest.fixture
def draft(weather, annotator):
    passage = passage_create(actor=annotator, document=weather, exact="Heavy rain closed")
    return claim_create(actor=annotator, passage=passage, statement="The road closed.")


# --- offsets: code points of the normalised text, in every script --------------------------------


@pytest.mark.parametrize("case", UNICODE_CASES)
def test_passage_from_quote_returns_code_point_offsets(case, project, anna):
    raw, sent, held = UNICODE_CASES[case]
    document = make_document(project, raw)
    start = document.text.index(held)

    response = post(anna, PASSAGES, {"document": document.pk, "exact": sent})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["start"], body["end"]) == (start, start + len(held))
    assert body["exact"] == held == document.text[body["start"] : body["end"]]
    assert body["prefix"] == document.text[max(0, start - CONTEXT_WIDTH) : start]
    assert body["suffix"] == document.text[start + len(held) : start + len(held) + CONTEXT_WIDTH]


@pytest.mark.parametrize("case", UNICODE_CASES)
def test_passage_by_offsets_round_trips_in_every_script(case, project, anna):
    raw, _, held = UNICODE_CASES[case]
    document = make_document(project, raw)
    start, end = span(document, held)

    response = post(
        anna, PASSAGES, {"document": document.pk, "start": start, "end": end, "exact": held}
    )

    assert response.status_code == 201, response.json()
    passage = Passage.objects.get(pk=response.json()["id"])
    assert (passage.start, passage.end, passage.exact) == (start, end, held)
    detail = anna.get(f"{PASSAGES}{passage.pk}/").json()
    assert (detail["start"], detail["end"], detail["exact"]) == (start, end, held)


@pytest.mark.parametrize("case", UNICODE_CASES)
def test_claim_with_passage_input_quote_in_every_script(case, project, anna):
    raw, sent, held = UNICODE_CASES[case]
    document = make_document(project, raw)
    start = document.text.index(held)

    response = post(anna, CLAIMS, {"passage_input": {"document": document.pk, "exact": sent}})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["passage"]["start"], body["passage"]["end"]) == (start, start + len(held))
    assert body["passage"]["exact"] == held
    assert body["statement"] == held


def test_utf16_offsets_after_an_emoji_are_refused(project, anna):
    raw, _, held = UNICODE_CASES["emoji before the quote"]
    document = make_document(project, raw)
    start = document.text.index(held)
    # A browser counting UTF-16 units would be two units further (two emoji before).
    utf16_start = len(document.text[:start].encode("utf-16-le")) // 2
    assert utf16_start == start + 2

    response = post(
        anna,
        PASSAGES,
        {"document": document.pk, "start": utf16_start, "end": utf16_start + len(held)},
    )
    # Without a quote the span is accepted, but it is not the quote the browser meant.
    assert response.status_code == 201
    assert response.json()["exact"] != held

    response = post(
        anna,
        PASSAGES,
        {
            "document": document.pk,
            "start": utf16_start,
            "end": utf16_start + len(held),
            "exact": held,
        },
    )
    assert response.status_code == 400
    assert "exact" in response.json()


def test_passage_spanning_a_single_emoji_is_one_code_point(project, anna):
    document = make_document(project, f"Mood {GRIN} after the vote.")
    start = document.text.index(GRIN)

    response = post(anna, PASSAGES, {"document": document.pk, "start": start, "end": start + 1})

    assert response.status_code == 201, response.json()
    assert response.json()["exact"] == GRIN


def test_crlf_document_offsets_count_the_normalised_text(project, owner, anna):
    raw = "Line one opens.\r\nLine two holds the claim.\r\nLine three closes.\r\n"
    created = post(
        client_for(owner),
        DOCUMENTS,
        {"project": project.pk, "title": "Windows file", "text": raw},
    )
    assert created.status_code == 201, created.json()
    text = created.json()["text"]
    assert "\r" not in text
    assert text == raw.replace("\r\n", "\n")
    document_id = created.json()["id"]

    quote = "Line two holds the claim."
    start = text.index(quote)
    assert start == raw.index(quote) - 1  # one CR fewer before it
    response = post(
        anna,
        PASSAGES,
        {"document": document_id, "start": start, "end": start + len(quote), "exact": quote},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["prefix"] == "Line one opens.\n"

    # A quote copied with its CRLF still matches the normalised text.
    response = post(anna, PASSAGES, {"document": document_id, "exact": "opens.\r\nLine two"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["exact"] == "opens.\nLine two"
    assert body["start"] == text.index("opens.\nLine two")


# --- span and quote errors ----------------------------------------------------------------------


def test_end_past_the_document_is_400_on_end(weather, anna):
    length = len(weather.text)
    response = post(anna, PASSAGES, {"document": weather.pk, "start": 0, "end": length + 1})

    assert response.status_code == 400
    assert "end" in response.json()
    assert str(length) in response.json()["end"][0]
    assert not Passage.objects.exists()


def test_end_past_the_document_through_passage_input_is_400(weather, anna):
    response = post(
        anna,
        CLAIMS,
        {"passage_input": {"document": weather.pk, "start": 0, "end": len(weather.text) + 5}},
    )

    assert response.status_code == 400
    assert "end" in response.json()["passage_input"]
    assert not Claim.objects.exists()
    assert not Passage.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"start": 5, "end": 5}, "end"),
        ({"start": 9, "end": 4}, "end"),
        ({"start": -1, "end": 4}, "start"),
        ({"exact": ""}, "exact"),
        ({}, "exact"),
        ({"start": 3}, "end"),
    ],
    ids=["empty span", "reversed span", "negative start", "empty quote", "nothing", "no end"],
)
def test_empty_or_incomplete_span_is_400(weather, anna, payload, field):
    response = post(anna, PASSAGES, {"document": weather.pk, **payload})

    assert response.status_code == 400
    assert field in response.json()
    assert not Passage.objects.exists()


def test_mismatching_quote_is_400_on_exact_showing_the_text(weather, anna):
    start, end = span(weather, "Heavy rain")

    response = post(
        anna,
        PASSAGES,
        {"document": weather.pk, "start": start, "end": end, "exact": "Light snow"},
    )

    assert response.status_code == 400
    message = response.json()["exact"][0]
    assert 'the text holds "Heavy rain"' in message
    assert not Passage.objects.exists()


def test_mismatching_quote_through_passage_input_is_400_on_exact(weather, anna):
    start, end = span(weather, "Heavy rain")
    response = post(
        anna,
        CLAIMS,
        {"passage_input": {"document": weather.pk, "start": start, "end": end, "exact": "Heavy"}},
    )

    assert response.status_code == 400
    assert "Heavy rain" in response.json()["passage_input"]["exact"][0]


def test_quote_not_in_the_text_is_400_on_exact(weather, anna):
    response = post(anna, PASSAGES, {"document": weather.pk, "exact": "snow fell"})

    assert response.status_code == 400
    assert "not found" in response.json()["exact"][0]


def test_ambiguous_quote_is_400(weather, anna):
    response = post(anna, PASSAGES, {"document": weather.pk, "exact": "rain"})

    assert response.status_code == 400
    assert "2 times" in response.json()["exact"][0]
    assert not Passage.objects.exists()


@pytest.mark.parametrize(
    ("context", "follows"),
    [({"prefix": "Heavy "}, "Heavy "), ({"suffix": " stopped"}, "the ")],
)
def test_quote_with_context_disambiguates(weather, anna, context, follows):
    response = post(anna, PASSAGES, {"document": weather.pk, "exact": "rain", **context})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert weather.text[body["start"] - len(follows) : body["end"]] == f"{follows}rain"
    assert body["exact"] == "rain"
    # The stored context is the text's, whatever the client sent.
    assert body["prefix"] == weather.text[max(0, body["start"] - CONTEXT_WIDTH) : body["start"]]
    assert body["suffix"] == weather.text[body["end"] : body["end"] + CONTEXT_WIDTH]


def test_prefix_that_never_precedes_the_quote_is_400_on_prefix(weather, anna):
    response = post(anna, PASSAGES, {"document": weather.pk, "exact": "rain", "prefix": "Cold "})

    assert response.status_code == 400
    assert "prefix" in response.json()


def test_same_span_twice_returns_the_same_passage(weather, anna):
    start, end = span(weather, "northern road")
    first = post(anna, PASSAGES, {"document": weather.pk, "exact": "northern road"})
    second = post(anna, PASSAGES, {"document": weather.pk, "start": start, "end": end})

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Passage.objects.count() == 1


def test_passage_of_another_project_document_is_invisible(other_project, anna):
    foreign = make_document(other_project, WEATHER)

    response = post(anna, PASSAGES, {"document": foreign.pk, "exact": "Heavy"})

    assert response.status_code == 400
    assert "document" in response.json()
    assert not Passage.objects.exists()


# --- claim representation --------------------------------------------------------------------


@pytest.fixture
def graded_document(project):
    source = SourceFactory(project=project, name="Daily Ledger", reliability="B")
    return make_document(project, WEATHER, source=source, title="Road report")


def test_claim_representation(project, graded_document, annotator, anna):
    TopicFactory(project=project, name="transport")
    TopicFactory(project=project, name="weather")

    response = post(
        anna,
        CLAIMS,
        {
            "passage_input": {"document": graded_document.pk, "exact": "rain", "prefix": "Heavy "},
            "kind": "fact",
            "attributed_to": "The council",
            "credibility": 2,
            "topics": ["weather", "transport"],
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    start, end = span(graded_document, "rain")
    assert body["passage"] == {
        "id": body["passage"]["id"],
        "document": graded_document.pk,
        "document_title": "Road report",
        "start": start,
        "end": end,
        "exact": "rain",
        "prefix": "Heavy ",
        "suffix": graded_document.text[end : end + CONTEXT_WIDTH],
    }
    assert body["statement"] == "rain"  # defaults to the quote
    assert body["kind"] == "fact"
    assert body["attributed_to"] == "The council"
    assert sorted(body["topics"]) == ["transport", "weather"]
    assert body["credibility"] == 2
    assert body["source_reliability"] == "B"
    assert body["grade"] == "B2"
    assert body["status"] == "draft"
    assert body["version"] == 1
    assert body["author"] == annotator.username
    assert body["reviewer"] is None
    assert body["project"] == project.pk
    assert body["evidence"] == []
    assert response["ETag"] == f'"{body["id"]}.1"'
    assert "passage_input" not in body and "passage_id" not in body


def test_claim_says_what_the_caller_may_do(draft, anna, rafael, viewer):
    assert anna.get(claim_url(draft)).json()["permissions"] == {"edit": True, "moves": ["submit"]}
    assert client_for(viewer).get(claim_url(draft)).json()["permissions"] == {
        "edit": False,
        "moves": [],
    }
    post(anna, f"{claim_url(draft)}submit/", {})

    listed = rafael.get(CLAIMS).json()["results"]

    assert listed[0]["permissions"] == {"edit": True, "moves": ["accept", "reject"]}
    assert anna.get(claim_url(draft)).json()["permissions"] == {"edit": False, "moves": []}


def test_claim_lists_its_evidence_with_stance_passage_and_document_title(
    project, graded_document, anna
):
    claim = post(
        anna, CLAIMS, {"passage_input": {"document": graded_document.pk, "exact": "Heavy rain"}}
    ).json()
    other = make_document(project, "A second report says the road reopened on Tuesday.")
    other.title = "Second report"
    other.save(update_fields=["title"])

    link = post(
        anna,
        EVIDENCE,
        {
            "claim": claim["id"],
            "stance": "refutes",
            "note": "Reopened the next day",
            "passage_input": {"document": other.pk, "exact": "the road reopened"},
        },
    )
    assert link.status_code == 201, link.json()

    body = anna.get(claim_url(claim["id"])).json()
    assert len(body["evidence"]) == 1
    evidence = body["evidence"][0]
    assert evidence["stance"] == "refutes"
    assert evidence["note"] == "Reopened the next day"
    assert evidence["passage"]["exact"] == "the road reopened"
    assert evidence["passage"]["document"] == other.pk
    assert evidence["passage"]["document_title"] == "Second report"
    assert evidence["author"] == "anna"


def test_claim_without_source_is_graded_f(project, weather, anna):
    Document.objects.filter(pk=weather.pk).update(source=None)

    body = post(
        anna,
        CLAIMS,
        {"passage_input": {"document": weather.pk, "exact": "Repairs"}, "credibility": 3},
    ).json()

    assert (body["source_reliability"], body["grade"]) == ("F", "F3")


def test_claim_on_an_existing_passage_id(weather, anna):
    passage = post(anna, PASSAGES, {"document": weather.pk, "exact": "northern road"}).json()

    response = post(anna, CLAIMS, {"passage_id": passage["id"], "statement": "Road shut."})

    assert response.status_code == 201, response.json()
    assert response.json()["passage"]["id"] == passage["id"]
    assert response.json()["statement"] == "Road shut."


def test_claim_with_both_passage_id_and_passage_input_is_400(weather, anna):
    passage = post(anna, PASSAGES, {"document": weather.pk, "exact": "northern road"}).json()

    response = post(
        anna,
        CLAIMS,
        {
            "passage_id": passage["id"],
            "passage_input": {"document": weather.pk, "exact": "Repairs"},
        },
    )

    assert response.status_code == 400
    assert "passage_id" in response.json()


def test_claim_with_unknown_topic_is_400_and_creates_nothing(weather, anna):
    response = post(
        anna,
        CLAIMS,
        {"passage_input": {"document": weather.pk, "exact": "Repairs"}, "topics": ["nope"]},
    )

    assert response.status_code == 400
    assert "topics" in response.json()
    assert not Claim.objects.exists()
    assert not Passage.objects.exists()


def test_viewer_cannot_create_a_claim(weather, viewer):
    response = post(
        client_for(viewer), CLAIMS, {"passage_input": {"document": weather.pk, "exact": "Repairs"}}
    )

    assert response.status_code == 403
    assert not Claim.objects.exists()
    assert not Passage.objects.exists()


# --- bulk create --------------------------------------------------------------------------


def test_bulk_create_three_valid_claims(weather, anna):
    items = [
        {"passage_input": {"document": weather.pk, "exact": "Heavy rain closed"}},
        {
            "passage_input": {"document": weather.pk, "exact": "rain stopped"},
            "kind": "fact",
            "statement": "Rain stopped by noon.",
        },
        {
            "passage_input": {"document": weather.pk, "exact": "2 million"},
            "kind": "statistic",
            "credibility": 3,
        },
    ]

    response = post(anna, CLAIMS, items)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert isinstance(body, list)
    assert [claim["statement"] for claim in body] == [
        "Heavy rain closed",
        "Rain stopped by noon.",
        "2 million",
    ]
    assert [claim["kind"] for claim in body] == ["fact", "fact", "statistic"]
    assert Claim.objects.count() == 3
    assert Passage.objects.count() == 3


@pytest.fixture
def bulk_with_two_bad_items(weather):
    # Index 1: a field error (bad kind); index 3: a quote the text does not hold.
    return [
        {"passage_input": {"document": weather.pk, "exact": "Heavy rain closed"}},
        {"passage_input": {"document": weather.pk, "exact": "northern road"}, "kind": "rumour"},
        {"passage_input": {"document": weather.pk, "exact": "2 million"}},
        {"passage_input": {"document": weather.pk, "exact": "snow fell"}},
    ]


def test_bulk_create_with_invalid_items_creates_nothing(weather, anna, bulk_with_two_bad_items):
    Passage.objects.create(document=weather, start=0, end=5, exact="Heavy")
    claims, passages = Claim.objects.count(), Passage.objects.count()

    response = post(anna, CLAIMS, bulk_with_two_bad_items)

    assert response.status_code == 400
    assert "none was created" in response.json()["detail"]
    assert Claim.objects.count() == claims
    assert Passage.objects.count() == passages
    assert not HistoryEntry.objects.exists()


def test_bulk_field_errors_are_reported_at_their_index(weather, anna):
    items = [
        {"passage_input": {"document": weather.pk, "exact": "Heavy rain closed"}},
        {"passage_input": {"document": weather.pk, "exact": "northern road"}, "kind": "rumour"},
        {"passage_input": {"document": weather.pk, "exact": "2 million"}},
    ]

    response = post(anna, CLAIMS, items)

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"index": 1, "errors": {"kind": ['"rumour" is not a valid choice.']}}
    ]
    assert not Claim.objects.exists()


def test_bulk_create_reports_every_invalid_item(anna, bulk_with_two_bad_items):
    response = post(anna, CLAIMS, bulk_with_two_bad_items)

    assert response.status_code == 400
    by_index = {error["index"]: error["errors"] for error in response.json()["errors"]}
    assert sorted(by_index) == [1, 3]
    assert "kind" in by_index[1]
    assert "exact" in by_index[3]["passage_input"]
    assert response.json()["detail"].startswith("2 of 4")


def test_bulk_create_service_errors_roll_back_every_passage(weather, anna):
    items = [
        {"passage_input": {"document": weather.pk, "exact": "Heavy rain closed"}},
        {"passage_input": {"document": weather.pk, "exact": "snow fell"}},
        {"passage_input": {"document": weather.pk, "exact": "2 million"}},
        {"passage_input": {"document": weather.pk, "exact": "rain"}},
    ]

    response = post(anna, CLAIMS, items)

    assert response.status_code == 400
    body = response.json()
    by_index = {error["index"]: error["errors"] for error in body["errors"]}
    assert sorted(by_index) == [1, 3]
    assert "not found" in by_index[1]["passage_input"]["exact"][0]
    assert "2 times" in by_index[3]["passage_input"]["exact"][0]
    assert body["detail"].startswith("2 of 4")
    # Items 0 and 2 created their passages before item 3 failed: all rolled back.
    assert not Claim.objects.exists()
    assert not Passage.objects.exists()
    assert not HistoryEntry.objects.exists()


def test_bulk_create_over_1000_items_is_400(weather, anna):
    item = {"passage_input": {"document": weather.pk, "exact": "Heavy rain closed"}}

    response = post(anna, CLAIMS, [item] * 1001)

    assert response.status_code == 400
    assert "1001" in response.json()["non_field_errors"][0]
    assert not Claim.objects.exists()
    assert not Passage.objects.exists()


def test_bulk_create_empty_list_is_400(anna):
    response = post(anna, CLAIMS, [])

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


# --- review moves and history ------------------------------------------------------------------


def test_review_moves_with_notes_and_history_in_order(draft, anna, rafael):
    submitted = post(anna, f"{claim_url(draft)}submit/", {"note": "Ready for review"})
    assert submitted.status_code == 200, submitted.json()
    assert (submitted.json()["status"], submitted.json()["version"]) == ("submitted", 2)

    rejected = post(rafael, f"{claim_url(draft)}reject/", {"note": "Needs a second source"})
    assert rejected.status_code == 200, rejected.json()
    body = rejected.json()
    assert (body["status"], body["reviewer"], body["review_note"]) == (
        "rejected",
        "rafael",
        "Needs a second source",
    )
    assert body["reviewed_at"] is not None

    reopened = post(rafael, f"{claim_url(draft)}reopen/", {})
    assert reopened.status_code == 200
    assert (reopened.json()["status"], reopened.json()["reviewer"]) == ("draft", None)
    assert post(anna, f"{claim_url(draft)}submit/", {}).status_code == 200
    accepted = post(rafael, f"{claim_url(draft)}accept/", {"note": "Confirmed by council"})
    assert accepted.status_code == 200
    assert accepted.json()["version"] == 6
    assert accepted["ETag"] == f'"{draft.pk}.6"'

    history = rafael.get(f"{claim_url(draft)}history/")
    assert history.status_code == 200
    # Paged and newest first, like every history endpoint (sources, documents).
    entries = history.json()["results"][::-1]
    assert [(e["actor"], e["action"], e["note"]) for e in entries] == [
        ("anna", "created", ""),
        ("anna", "submitted", "Ready for review"),
        ("rafael", "rejected", "Needs a second source"),
        ("rafael", "reopened", ""),
        ("anna", "submitted", ""),
        ("rafael", "accepted", "Confirmed by council"),
    ]
    assert entries[2]["changes"] == {"status": ["submitted", "rejected"]}


@pytest.mark.parametrize(
    ("move", "status"),
    [("accept", "draft"), ("reject", "draft"), ("reopen", "draft")],
)
def test_illegal_move_is_409_with_the_current_status(draft, rafael, move, status):
    response = post(rafael, f"{claim_url(draft)}{move}/", {"note": "no"})

    assert response.status_code == 409
    assert response.json()["status"] == status
    draft.refresh_from_db()
    assert (draft.status, draft.version) == (ClaimStatus.DRAFT, 1)


def test_accepting_twice_is_409(draft, anna, rafael):
    post(anna, f"{claim_url(draft)}submit/", {})
    assert post(rafael, f"{claim_url(draft)}accept/", {}).status_code == 200

    response = post(rafael, f"{claim_url(draft)}accept/", {})

    assert response.status_code == 409
    assert response.json()["status"] == "accepted"
    assert HistoryEntry.objects.filter(claim=draft, action=HistoryAction.ACCEPTED).count() == 1


def test_annotator_cannot_accept(draft, anna):
    post(anna, f"{claim_url(draft)}submit/", {})

    response = post(anna, f"{claim_url(draft)}accept/", {})

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == ClaimStatus.SUBMITTED


def test_move_with_stale_version_is_412(draft, anna):
    response = post(anna, f"{claim_url(draft)}submit/", {"version": 7})

    assert response.status_code == 412
    assert response.json()["version"] == 1
    draft.refresh_from_db()
    assert draft.status == ClaimStatus.DRAFT


# --- optimistic locking ----------------------------------------------------------------------


def test_get_returns_an_etag(draft, anna):
    response = anna.get(claim_url(draft))

    assert response.status_code == 200
    assert response["ETag"] == f'"{draft.pk}.1"'
    assert response.json()["version"] == 1


def test_patch_with_current_if_match_bumps_version_and_etag(draft, anna):
    etag = anna.get(claim_url(draft))["ETag"]

    response = patch(anna, claim_url(draft), {"statement": "The road shut."}, HTTP_IF_MATCH=etag)

    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    assert response.json()["statement"] == "The road shut."
    assert response["ETag"] == f'"{draft.pk}.2"'
    assert anna.get(claim_url(draft))["ETag"] == f'"{draft.pk}.2"'


@pytest.mark.parametrize(
    "payload",
    [
        {"status": "accepted"},
        {"reviewer": "rafael"},
        {"review_note": "self-approved"},
        {"author": "rafael"},
        {"project": 999},
        {"passage_input": {"document": 1, "start": 0, "end": 4}},
    ],
    ids=lambda payload: next(iter(payload)),
)
def test_patch_cannot_touch_review_state_author_or_span(draft, anna, payload):
    passage_id = draft.passage_id

    response = patch(anna, claim_url(draft), payload)

    assert response.status_code in (200, 400)
    draft.refresh_from_db()
    assert (draft.status, draft.reviewer_id, draft.review_note) == (ClaimStatus.DRAFT, None, "")
    assert (draft.author.username, draft.passage_id, draft.version) == ("anna", passage_id, 1)


def test_patch_with_stale_if_match_is_412_and_changes_nothing(draft, anna):
    stale = anna.get(claim_url(draft))["ETag"]
    assert patch(anna, claim_url(draft), {"statement": "Second."}).status_code == 200

    response = patch(anna, claim_url(draft), {"statement": "Third."}, HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert response.json()["version"] == 2
    draft.refresh_from_db()
    assert (draft.statement, draft.version) == ("Second.", 2)
    assert HistoryEntry.objects.filter(claim=draft, action=HistoryAction.UPDATED).count() == 1


def test_patch_with_stale_version_is_412(draft, anna):
    assert patch(anna, claim_url(draft), {"statement": "Second."}).status_code == 200

    response = patch(anna, claim_url(draft), {"statement": "Third.", "version": 1})

    assert response.status_code == 412
    draft.refresh_from_db()
    assert (draft.statement, draft.version) == ("Second.", 2)


def test_if_match_and_version_disagreeing_is_412(draft, anna):
    response = patch(
        anna,
        claim_url(draft),
        {"statement": "Other.", "version": 2},
        HTTP_IF_MATCH=f'"{draft.pk}.1"',
    )

    assert response.status_code == 412
    draft.refresh_from_db()
    assert (draft.statement, draft.version) == ("The road closed.", 1)


def test_if_match_of_another_claim_is_412(draft, weather, annotator, anna):
    other = claim_create(
        actor=annotator,
        passage=passage_create(actor=annotator, document=weather, exact="Repairs"),
    )

    response = patch(
        anna, claim_url(draft), {"statement": "Other."}, HTTP_IF_MATCH=f'"{other.pk}.1"'
    )

    assert response.status_code == 412
    draft.refresh_from_db()
    assert draft.version == 1


def test_matching_version_in_body_and_if_match_is_accepted(draft, anna):
    response = patch(
        anna,
        claim_url(draft),
        {"credibility": 4, "version": 1},
        HTTP_IF_MATCH=f'"{draft.pk}.1"',
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["credibility"], response.json()["version"]) == (4, 2)


def test_delete_with_stale_if_match_is_412_and_keeps_the_row(draft, anna):
    stale = anna.get(claim_url(draft))["ETag"]
    assert patch(anna, claim_url(draft), {"statement": "Second."}).status_code == 200

    response = anna.delete(claim_url(draft), HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert Claim.objects.filter(pk=draft.pk).exists()

    current = anna.get(claim_url(draft))["ETag"]
    assert anna.delete(claim_url(draft), HTTP_IF_MATCH=current).status_code == 204
    assert not Claim.objects.filter(pk=draft.pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_accept_and_reject_over_http_have_one_winner(live_server, project):
    import requests

    password = "pw-for-tests"
    deciders = {}
    for username, role in (("rafael", Role.REVIEWER), ("olga", Role.OWNER)):
        user = UserFactory(username=username)
        MembershipFactory(project=project, user=user, role=role)
        deciders[username] = user
    document = make_document(project, WEATHER)
    claim = ClaimFactory(
        passage=PassageFactory(document=document, start=0, end=10),
        status=ClaimStatus.SUBMITTED,
        version=2,
    )

    sessions = {}
    for username in deciders:
        session = requests.Session()
        token = session.post(
            f"{live_server.url}/api/v1/auth/token/",
            json={"username": username, "password": password},
            timeout=10,
        )
        assert token.status_code == 200, token.text
        session.headers["Authorization"] = f"Token {token.json()['token']}"
        sessions[username] = session

    barrier = threading.Barrier(2, timeout=10)
    results: dict[str, object] = {}

    def decide(username: str, move: str) -> None:
        session = sessions[username]
        try:
            barrier.wait()
            results[move] = session.post(
                f"{live_server.url}{claim_url(claim)}{move}/", json={"note": move}, timeout=30
            )
        except Exception as error:  # reported by the assertions below
            results[move] = error
        finally:
            session.close()

    threads = [
        threading.Thread(target=decide, args=("rafael", "accept")),
        threading.Thread(target=decide, args=("olga", "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    codes = {move: getattr(result, "status_code", result) for move, result in results.items()}
    winners = [move for move, code in codes.items() if code == 200]
    losers = [move for move, code in codes.items() if code != 200]
    assert len(winners) == 1, codes
    assert codes[losers[0]] in (409, 412), codes
    claim.refresh_from_db()
    expected = {"accept": ClaimStatus.ACCEPTED, "reject": ClaimStatus.REJECTED}[winners[0]]
    assert (claim.status, claim.version, claim.review_note) == (expected, 3, winners[0])
    decisions = HistoryEntry.objects.filter(
        claim=claim, action__in=[HistoryAction.ACCEPTED, HistoryAction.REJECTED]
    )
    assert [entry.note for entry in decisions] == [winners[0]]


# --- filters, ordering, pagination --------------------------------------------------------------

DOC_A = (
    "Energy ministers met in Oslo on Friday. The pipeline opens next spring. "
    "Prices fell sharply in May."
)
DOC_B = (
    "Trade talks stalled over tariffs last week. Exports rose by four percent in June. "
    "Officials expect a recovery soon."
)


@pytest.fixture
def catalogue(project, other_project, annotator, other_annotator, reviewer):
    """Four claims of `project` that differ in every filtered field, and one foreign claim."""
    doc_a = make_document(
        project, DOC_A, source=SourceFactory(project=project, name="Agency", reliability="A")
    )
    doc_b = make_document(
        project, DOC_B, source=SourceFactory(project=project, name="Blog", reliability="C")
    )
    energy = TopicFactory(project=project, name="energy")
    trade = TopicFactory(project=project, name="trade")

    def passage(document, quote):
        start, end = span(document, quote)
        return PassageFactory(document=document, start=start, end=end)

    now = timezone.now()
    claims = {
        "c1": ClaimFactory(
            passage=passage(doc_a, "The pipeline opens next spring"),
            statement="Pipelines will double exports",
            kind="prediction",
            credibility=1,
            author=annotator,
        ),
        "c2": ClaimFactory(
            passage=passage(doc_b, "Trade talks stalled over tariffs"),
            statement="Trade will suffer",
            kind="statistic",
            credibility=3,
            status=ClaimStatus.SUBMITTED,
            author=other_annotator,
        ),
        "c3": ClaimFactory(
            passage=passage(doc_a, "Prices fell sharply in May"),
            kind="opinion",
            credibility=5,
            status=ClaimStatus.ACCEPTED,
            reviewer=reviewer,
            reviewed_at=now,
            author=annotator,
        ),
        "c4": ClaimFactory(
            passage=passage(doc_b, "Officials expect a recovery soon"),
            kind="fact",
            credibility=2,
            status=ClaimStatus.REJECTED,
            reviewer=reviewer,
            reviewed_at=now,
            author=other_annotator,
        ),
    }
    claims["c1"].topics.set([energy])
    claims["c2"].topics.set([trade, energy])
    EvidenceLinkFactory(
        claim=claims["c1"], passage=passage(doc_a, "Energy ministers met"), stance="supports"
    )
    EvidenceLinkFactory(
        claim=claims["c2"], passage=passage(doc_b, "Exports rose"), stance="refutes"
    )
    old = timezone.make_aware(datetime.datetime(2020, 1, 1))
    Claim.objects.filter(pk__in=[claims["c1"].pk, claims["c2"].pk]).update(created_at=old)

    foreign_doc = make_document(other_project, DOC_A)
    claims["foreign"] = ClaimFactory(
        passage=passage(foreign_doc, "The pipeline opens next spring"),
        statement="Pipelines will double exports",
        kind="prediction",
        credibility=1,
    )
    return {"claims": claims, "doc_a": doc_a, "doc_b": doc_b, "energy": energy, "trade": trade}


def listed(client: APIClient, query: str = "") -> list[int]:
    response = client.get(f"{CLAIMS}?{query}")
    assert response.status_code == 200, response.json()
    assert response.json()["next"] is None
    return [claim["id"] for claim in response.json()["results"]]


def names(catalogue, ids) -> set[str]:
    by_pk = {claim.pk: name for name, claim in catalogue["claims"].items()}
    return {by_pk[pk] for pk in ids}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"c1", "c2", "c3", "c4"}),
        ("status=submitted", {"c2"}),
        ("status=accepted&status=rejected", {"c3", "c4"}),
        ("kind=statistic", {"c2"}),
        ("kind=fact&kind=opinion", {"c3", "c4"}),
        ("credibility=1", {"c1"}),
        ("credibility=3&credibility=5", {"c2", "c3"}),
        ("credibility_min=3", {"c2", "c3"}),
        ("credibility_max=2", {"c1", "c4"}),
        ("credibility_min=2&credibility_max=3", {"c2", "c4"}),
        ("source_reliability=A", {"c1", "c3"}),
        ("source_reliability=C", {"c2", "c4"}),
        ("source_reliability=B", set()),
        ("author=anna", {"c1", "c3"}),
        ("author=arno", {"c2", "c4"}),
        ("author=oscar", set()),
        ("reviewer=rafael", {"c3", "c4"}),
        ("topic=energy", {"c1", "c2"}),
        ("topic=trade", {"c2"}),
        ("stance=supports", {"c1"}),
        ("stance=refutes", {"c2"}),
        ("stance=qualifies", set()),
        ("has_evidence=true", {"c1", "c2"}),
        ("has_evidence=false", {"c3", "c4"}),
        ("created_after=2024-01-01T00:00:00Z", {"c3", "c4"}),
        ("created_before=2024-01-01T00:00:00Z", {"c1", "c2"}),
        ("q=pipelines", {"c1"}),  # a word of the statement only
        ("q=tariffs", {"c2"}),  # a word of the quote only
        ("q=prices", {"c3"}),
        ("q=nowhere", set()),
        ("status=draft&author=anna&has_evidence=true", {"c1"}),
    ],
)
def test_claim_filters(catalogue, rafael, query, expected):
    assert names(catalogue, listed(rafael, query)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", {"c1", "c2"}), ("yes", {"c1", "c2"}), ("0", {"c3", "c4"}), ("no", {"c3", "c4"})],
)
def test_has_evidence_accepts_common_spellings(catalogue, rafael, value, expected):
    assert names(catalogue, listed(rafael, f"has_evidence={value}")) == expected


def test_claim_filter_by_topic_id_and_document(catalogue, rafael):
    assert names(catalogue, listed(rafael, f"topic={catalogue['trade'].pk}")) == {"c2"}
    assert names(catalogue, listed(rafael, f"document={catalogue['doc_a'].pk}")) == {"c1", "c3"}


def test_claim_search_lists_a_claim_once_when_statement_and_quote_both_match(catalogue, rafael):
    c1 = catalogue["claims"]["c1"]
    Claim.objects.filter(pk=c1.pk).update(statement="The pipeline doubles exports")

    assert listed(rafael, "q=pipeline") == [c1.pk]


def test_claim_filter_never_reaches_another_project(catalogue, rafael):
    foreign = catalogue["claims"]["foreign"]

    assert foreign.pk not in listed(rafael, "q=pipelines")
    assert foreign.pk not in listed(rafael, f"document={foreign.passage.document_id}")
    assert rafael.get(claim_url(foreign)).status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=bogus", "status"),
        ("kind=rumour", "kind"),
        ("credibility=9", "credibility"),
        ("credibility_min=high", "credibility_min"),
        ("source_reliability=Z", "source_reliability"),
        ("stance=agrees", "stance"),
        ("has_evidence=maybe", "has_evidence"),
        ("created_after=yesterday", "created_after"),
        ("document=abc", "document"),
    ],
)
def test_unknown_filter_value_is_400(catalogue, rafael, query, field):
    response = rafael.get(f"{CLAIMS}?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_ordering_by_credibility(catalogue, rafael):
    assert [names(catalogue, [pk]).pop() for pk in listed(rafael, "ordering=-credibility")] == [
        "c3",
        "c2",
        "c4",
        "c1",
    ]
    assert [names(catalogue, [pk]).pop() for pk in listed(rafael, "ordering=credibility")] == [
        "c1",
        "c4",
        "c2",
        "c3",
    ]


@pytest.mark.parametrize(
    "ordering",
    [
        "author__username",
        "-author__username",
        "author__password",
        "reviewer__password",
        "author",
        "statement",
        "passage__document__text",
        "bogus",
    ],
)
def test_ordering_outside_the_whitelist_is_ignored(catalogue, rafael, ordering):
    default = listed(rafael)
    assert default == sorted(default, reverse=True)  # newest id first

    assert listed(rafael, f"ordering={ordering}") == default


def walk(client: APIClient, url: str) -> tuple[list[int], int]:
    """Every id met following `next` from `url`, and the number of pages."""
    seen, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json()
        seen += [claim["id"] for claim in response.json()["results"]]
        url, pages = response.json()["next"], pages + 1
    return seen, pages


@pytest.mark.parametrize("ordering", ["", "&ordering=created_at", "&ordering=kind,-id"])
def test_cursor_pages_of_two_walk_every_claim_once(catalogue, rafael, ordering):
    extra = [
        ClaimFactory(passage=catalogue["claims"]["c1"].passage, credibility=2) for _ in range(5)
    ]
    expected = {claim.pk for name, claim in catalogue["claims"].items() if name != "foreign"}
    expected |= {claim.pk for claim in extra}

    seen, pages = walk(rafael, f"{CLAIMS}?page_size=2{ordering}")

    assert len(seen) == len(set(seen))
    assert set(seen) == expected
    assert pages == 5


def test_cursor_walk_ordered_by_a_non_unique_field_is_complete(weather, annotator, anna):
    passage = PassageFactory(document=weather, start=0, end=5)
    created = [
        ClaimFactory(passage=passage, credibility=1 + i % 2, author=annotator) for i in range(16)
    ]

    seen, _ = walk(anna, f"{CLAIMS}?page_size=3&ordering=-credibility")

    assert len(seen) == len(set(seen))
    assert set(seen) == {claim.pk for claim in created}


def test_page_size_is_capped_at_1000(project, weather, annotator, anna):
    passage = PassageFactory(document=weather, start=0, end=5)
    Claim.objects.bulk_create(
        Claim(project=project, passage=passage, statement=f"Claim {i}", author=annotator)
        for i in range(1001)
    )

    response = anna.get(f"{CLAIMS}?page_size=5000")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 1000
    assert response.json()["next"] is not None
