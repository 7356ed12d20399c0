"""Releases handed to the programs that consume them (issue 18): a JSON-LD
processor, FEVER's scorer, a spreadsheet, an offline offset checker, loaddata."""

import csv
import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core import serializers
from pyld import jsonld

from curation.models import Claim, Document, EvidenceLink, Passage
from curation.text import normalize_text, quote_context, text_sha256

from ..factories import DocumentFactory
from ..test_exports import build_golden, cut, entries, jsonl
from .fever_scorer import fever_score

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
OA = "http://www.w3.org/ns/oa#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
W3C_CONTEXTS = {"http://www.w3.org/ns/anno.jsonld", "https://www.w3.org/ns/anno.jsonld"}


def local_loader(url, options=None):
    """Serve W3C's context from tests/interop/data; refuse anything else (no network)."""
    if url not in W3C_CONTEXTS:
        raise AssertionError(f"the test would download {url}")
    document = json.loads((DATA / "anno.jsonld").read_text(encoding="utf-8"))
    return {"contextUrl": None, "documentUrl": url, "document": document}


@pytest.fixture
def golden():
    return build_golden()


# -- webannotation -------------------------------------------------------------------------


def test_webannotation_expands_under_w3c_context_without_dropping_a_term(golden):
    release = cut(golden.project, golden.users["olga"], formats=["webannotation"])
    collection = json.loads(entries(release, "webannotation")["annotations.jsonld"])
    dropped = []

    expanded = jsonld.expand(
        collection, {"documentLoader": local_loader}, on_property_dropped=dropped.append
    )

    assert dropped == []
    assert expanded, "nothing expanded"
    quads = jsonld.to_rdf(collection, {"documentLoader": local_loader})["@default"]
    for quad in quads:
        for part in ("subject", "predicate", "object"):
            node = quad[part]
            if node["type"] == "IRI":
                assert ":" in node["value"], f"relative IRI {node['value']!r}"

    def objects(predicate, value=None):
        return [
            q for q in quads
            if q["predicate"]["value"] == predicate
            and (value is None or q["object"]["value"] == value)
        ]  # fmt: skip

    claims, links = (
        len(golden.accepted),
        EvidenceLink.objects.filter(claim__in=golden.accepted).count(),
    )
    assert len(objects(OA + "motivatedBy", OA + "assessing")) == claims == 5
    assert len(objects(OA + "motivatedBy", OA + "linking")) == links == 6
    # The grade bodies keep their purpose too.
    assert len(objects(OA + "hasPurpose", OA + "assessing")) == claims
    # Every target keeps both selectors, with their values.
    quote_selectors = {q["subject"]["value"] for q in objects(RDF_TYPE, OA + "TextQuoteSelector")}
    position_selectors = {
        q["subject"]["value"] for q in objects(RDF_TYPE, OA + "TextPositionSelector")
    }
    assert len(quote_selectors) == len(position_selectors) == claims + links
    exact = {q["subject"]["value"]: q["object"]["value"] for q in objects(OA + "exact")}
    starts = {q["subject"]["value"]: q["object"]["value"] for q in objects(OA + "start")}
    ends = {q["subject"]["value"]: q["object"]["value"] for q in objects(OA + "end")}
    assert set(exact) == quote_selectors
    assert set(starts) == set(ends) == position_selectors
    passages = {p.exact for p in Passage.objects.filter(document__project=golden.project)}
    assert set(exact.values()) <= passages


def test_w3c_context_alone_drops_assessing(golden):
    # The failure the extended context fixes, shown with the same processor.
    release = cut(golden.project, golden.users["olga"], formats=["webannotation"])
    collection = json.loads(entries(release, "webannotation")["annotations.jsonld"])
    collection["@context"] = "http://www.w3.org/ns/anno.jsonld"

    quads = jsonld.to_rdf(collection, {"documentLoader": local_loader})["@default"]

    assessing = [q for q in quads if q["object"]["value"] == OA + "assessing"]
    assert assessing == []


# -- fever ---------------------------------------------------------------------------------


def self_prediction(line: dict) -> dict:
    predicted = []
    for group in line["evidence"]:
        for _, _, page, number in group:
            if page is not None and [page, number] not in predicted:
                predicted.append([page, number])
    return {**line, "predicted_label": line["label"], "predicted_evidence": predicted}


def test_fever_export_scores_one_against_itself_with_the_official_rules(golden):
    # A second supporting passage of claim 9405 that runs over two lines of 9202.
    document = Document.objects.get(pk=9202)
    start = document.text.index("in March.")
    end = document.text.index("trade grew")
    before, exact, after = quote_context(document.text, start, end)
    passage = Passage.objects.create(
        document=document, start=start, end=end, exact=exact, prefix=before, suffix=after
    )
    EvidenceLink.objects.create(claim_id=9405, passage=passage, stance="supports")
    release = cut(golden.project, golden.users["olga"], formats=["fever"])
    files = entries(release, "fever")

    lines = jsonl(files["fever.jsonl"])
    pages = {page["id"]: page for page in jsonl(files["pages.jsonl"])}

    scores = fever_score([self_prediction(line) for line in lines])
    assert scores == {"strict": 1.0, "accuracy": 1.0, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    supported = next(line for line in lines if line["id"] == 9405)
    two_lines = [group for group in supported["evidence"] if len(group) == 2]
    assert [[item[2], item[3]] for item in two_lines[0]] == [
        ["document-9202", 0],
        ["document-9202", 1],
    ]
    assert two_lines[0][0][:2] == [EvidenceLink.objects.get(passage=passage).pk, passage.pk]
    # Every cited line exists in pages.jsonl, numbered as FEVER numbers them.
    for line in lines:
        for group in line["evidence"]:
            for _, _, page, number in group:
                if page is None:
                    continue
                numbered = dict(row.split("\t", 1) for row in pages[page]["lines"].split("\n"))
                start, end = pages[page]["spans"][number]
                text = Document.objects.get(pk=int(page.removeprefix("document-"))).text
                assert numbered[str(number)] == text[start:end]


def test_fever_scorer_rules_catch_a_wrong_line(golden):
    # The scorer helper is not a test that cannot fail.
    release = cut(golden.project, golden.users["olga"], formats=["fever"])
    predictions = [
        self_prediction(line) for line in jsonl(entries(release, "fever")["fever.jsonl"])
    ]
    for prediction in predictions:
        prediction["predicted_evidence"] = [[p, n + 1] for p, n in prediction["predicted_evidence"]]

    scores = fever_score(predictions)

    assert scores["accuracy"] == 1.0
    assert scores["recall"] == scores["precision"] == 0.0
    assert scores["strict"] < 1.0


# -- csv -----------------------------------------------------------------------------------


def test_csv_opens_as_excel_reads_it_and_gives_the_text_back_exactly(project, owner):
    text = normalize_text(
        "-5% – the forecast’s low end. =SUM(A1) is no formula here. 北京与莫斯科签署了协议。"
    )
    document = DocumentFactory(project=project, text=text)
    quotes = [
        "-5% – the forecast’s low end.",
        "=SUM(A1) is no formula here.",
        "北京与莫斯科签署了协议。",
    ]
    for quote in quotes:
        start = text.index(quote)
        before, exact, after = quote_context(text, start, start + len(quote))
        passage = Passage.objects.create(
            document=document, start=start, end=start + len(quote), exact=exact,
            prefix=before, suffix=after,
        )  # fmt: skip
        Claim.objects.create(
            project=project, passage=passage, statement=quote, status="accepted",
            reviewed_at=datetime(2024, 5, 2, tzinfo=UTC),
        )  # fmt: skip
    release = cut(project, owner, formats=["csv"])
    data = entries(release, "csv")["claims.csv"]

    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))

    assert len(rows) == 3
    for row in rows:
        start, end = int(row["start"]), int(row["end"])
        assert row["exact"] == text[start:end]
        assert text[:start].endswith(row["prefix"])
        assert text[end:].startswith(row["suffix"])
    by_exact = {row["exact"]: row for row in rows}
    assert set(by_exact) == set(quotes)
    # Other text cells are still neutralised.
    assert by_exact["-5% – the forecast’s low end."]["statement"].startswith("'-5%")
    assert "UTF-8 with a byte order mark" in entries(release, "csv")["README.md"].decode()


# -- jsonl ---------------------------------------------------------------------------------


def test_jsonl_ships_the_documents_so_every_offset_checks_offline(golden):
    release = cut(golden.project, golden.users["olga"], formats=["jsonl"])
    files = entries(release, "jsonl")

    documents = {d["id"]: d for d in jsonl(files["documents.jsonl"])}
    claims = jsonl(files["claims.jsonl"])
    manifest = json.loads(files["manifest.json"])

    assert (
        manifest["files"]["documents.jsonl"]["sha256"]
        == hashlib.sha256(files["documents.jsonl"]).hexdigest()
    )
    passages = [c["passage"] for c in claims] + [
        e["passage"] for c in claims for e in c["evidence"]
    ]
    assert {p["document"]["id"] for p in passages} == set(documents) == {9201, 9202, 9203}
    for p in passages:
        document = documents[p["document"]["id"]]
        assert text_sha256(document["text"]) == document["sha256"] == p["document"]["sha256"]
        assert document["length"] == len(document["text"])
        assert document["text"][p["start"] : p["end"]] == p["exact"]
    assert set(documents[9201]) >= {"id", "title", "metadata", "sha256", "text"}
    assert documents[9201]["source"]["reliability"] == "B"
    assert documents[9203]["source"] is None


# -- fixture -------------------------------------------------------------------------------


def test_fixture_timestamps_are_exact_to_the_microsecond(golden):
    moment = datetime(2024, 5, 1, 9, 30, 1, 123456, tzinfo=UTC)
    Claim.objects.filter(pk=9401).update(created_at=moment, reviewed_at=moment)
    release = cut(golden.project, golden.users["olga"], formats=["fixture"])
    data = entries(release, "fixture")["fixture.json"]

    records = {r["fields"]["uuid"]: r for r in json.loads(data) if r["model"] == "curation.claim"}
    loaded = {
        str(obj.object.uuid): obj.object
        for obj in serializers.deserialize("json", data)
        if isinstance(obj.object, Claim)
    }

    claim = Claim.objects.get(pk=9401)
    assert records[str(claim.uuid)]["fields"]["created_at"] == "2024-05-01T09:30:01.123456Z"
    assert loaded[str(claim.uuid)].created_at == moment
    assert loaded[str(claim.uuid)].reviewed_at == moment
