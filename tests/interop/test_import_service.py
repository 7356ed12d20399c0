"""annotations_import: each peer format, the mapping, the report, all-or-nothing,
owners only, size and zip checks."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from curation.choices import Role
from curation.interop.mapping import default_label, default_relation
from curation.models import Claim, Document, EvidenceLink, HistoryEntry, Passage, Topic
from curation.services.annotation_imports import _Import, annotations_import

from ..factories import DocumentFactory, MembershipFactory, ProjectFactory, UserFactory
from ..test_exports import build_golden, cut, entries
from . import peers

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_doc(project):
    return DocumentFactory(project=project, text=peers.TEXT, url=peers.URL, doi=peers.DOI)


def run(owner, project, kind, data, mapping=None, name="upload"):
    return annotations_import(
        actor=owner, project=project, kind=kind, name=name, data=data, mapping=mapping
    )


def outcomes(report) -> dict[str, tuple[str, str]]:
    return {item["item"]: (item["outcome"], item["reason"]) for item in report.items}


def quotes(project) -> dict[str, Claim]:
    return {
        c.passage.exact: c for c in Claim.objects.filter(project=project).select_related("passage")
    }


# -- W3C Web Annotation and Hypothesis ---------------------------------------------------------


def test_hypothesis_export_anchors_by_position_or_by_quote(project, owner, report_doc):
    report = run(owner, project, "webannotation", peers.hypothesis_export())

    assert report.counts == {"imported": 3, "skipped": 1, "not_anchored": 2}
    found = quotes(project)
    assert set(found) == {
        "Officials expect a record year 📈 soon.",
        "北京表示贸易增长。",
        "Exports rose 12% in April.",
    }
    for exact, claim in found.items():
        assert claim.passage.document_id == report_doc.pk
        assert report_doc.text[claim.passage.start : claim.passage.end] == exact
        assert claim.status == "draft" and claim.author == owner
    tagged = found["Officials expect a record year 📈 soon."]
    assert tagged.statement == "Optimistic."  # the annotator's words
    assert sorted(t.name for t in tagged.topics.all()) == ["forecast", "trade"]
    assert found["北京表示贸易增长。"].statement == "北京表示贸易增长。"  # no comment: the quote
    by_item = outcomes(report)
    assert by_item["annotation hA4"][0] == "not_anchored"
    assert "no passage selected" in by_item["annotation hA4"][1]
    assert by_item["annotation hA5"][0] == "skipped"
    assert by_item["annotation hA6"] == (
        "not_anchored",
        "no document of the project has url https://elsewhere.example/",
    )
    assert {item["claim"] for item in report.items if item["outcome"] == "imported"} == {
        c.pk for c in found.values()
    }


def test_w3c_linking_annotation_becomes_evidence_with_its_stance(project, owner, report_doc):
    report = run(owner, project, "webannotation", peers.w3c_collection())

    (claim,) = Claim.objects.filter(project=project)
    assert (claim.statement, claim.kind, claim.credibility) == (
        "Exports rose 12% in April",
        "statistic",
        2,
    )
    (link,) = claim.evidence.select_related("passage")
    assert (link.stance, link.note, link.passage.exact) == (
        "refutes",
        "Critics disagree",
        "Critics doubt the figures.",
    )
    assert outcomes(report)["annotation https://anno.example/3"] == (
        "not_anchored",
        "it names a claim the file lacks",
    )
    assert report.mapping["labels"] == {"statistic": "statistic"}


def test_own_webannotation_release_imported_again_is_all_already_there(db):
    golden = build_golden()
    olga = golden.users["olga"]
    release = cut(golden.project, olga, formats=["webannotation"])
    data = entries(release, "webannotation")["annotations.jsonld"]
    claims, links = Claim.objects.count(), EvidenceLink.objects.count()

    report = run(olga, golden.project, "webannotation", data)

    assert report.counts == {"imported": 0, "skipped": 11, "not_anchored": 0}
    assert (Claim.objects.count(), EvidenceLink.objects.count()) == (claims, links)


# -- doccano ---------------------------------------------------------------------------------


def test_doccano_sequence_labels_anchor_in_the_matching_document_or_a_new_one(
    project, owner, report_doc
):
    report = run(owner, project, "doccano", peers.doccano_sequence(), name="all.jsonl")

    assert report.counts == {"imported": 2, "skipped": 1, "not_anchored": 1}
    (memo,) = Document.objects.filter(pk__in=report.documents_created)
    assert (
        memo.title == "Memo"
        and memo.text == "A new memo says tariffs fell.\nThe memo cites the ministry."
    )
    found = quotes(project)
    assert found["Exports rose 12% in April."].passage.document_id == report_doc.pk
    # The file's offsets count the \r the text lost: found by its quote and context.
    assert found["The memo cites the ministry."].passage.document_id == memo.pk
    reasons = outcomes(report)
    assert reasons["all.jsonl, line 1, span 2"] == (
        "skipped",
        "an evidence span that no relation links to a claim",
    )
    assert reasons["all.jsonl, line 1, span 3"][0] == "not_anchored"
    assert "past the end" in reasons["all.jsonl, line 1, span 3"][1]


def test_doccano_relation_format_links_premise_to_claim(project, owner, report_doc):
    report = run(owner, project, "doccano", peers.doccano_relations())

    assert report.counts == {"imported": 2, "skipped": 0, "not_anchored": 0}
    (claim,) = Claim.objects.filter(project=project).select_related("passage")
    assert claim.passage.exact == "Exports rose again in May."
    (link,) = claim.evidence.select_related("passage")
    assert (link.stance, link.passage.exact) == ("supports", "Exports rose 12% in April.")
    assert report.mapping == {
        "labels": {"CLAIM": "fact", "PREMISE": "evidence"},
        "relations": {"supports": "supports"},
    }


def test_owner_mapping_overrides_the_defaults(project, owner, report_doc):
    mapping = {"labels": {"CLAIM": "prediction"}, "relations": {"supports": "qualifies"}}

    report = run(owner, project, "doccano", peers.doccano_relations(), mapping=mapping)

    (claim,) = Claim.objects.filter(project=project)
    assert claim.kind == "prediction"
    assert claim.evidence.get().stance == "qualifies"
    assert report.mapping["labels"]["CLAIM"] == "prediction"


def test_mapping_can_ignore_a_label(project, owner, report_doc):
    mapping = {"labels": {"CLAIM": "ignore"}}

    report = run(owner, project, "doccano", peers.doccano_relations(), mapping=mapping)

    # The claim, the relation to it, and the premise no relation now uses.
    assert report.counts == {"imported": 0, "skipped": 3, "not_anchored": 0}
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    "mapping",
    [
        {"labels": {"CLAIM": "rumour"}},
        {"relations": {"supports": "loves"}},
        {"labels": ["CLAIM"]},
        {"colours": {}},
    ],
)
def test_a_bad_mapping_is_refused_before_anything_is_written(project, owner, report_doc, mapping):
    with pytest.raises(ValidationError) as caught:
        run(owner, project, "doccano", peers.doccano_relations(), mapping=mapping)

    assert "mapping" in caught.value.message_dict
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("label", "kind"),
    [("Claim", "fact"), ("STATISTIC", "statistic"), ("Forecast", "prediction"),
     ("premise", "evidence"), ("PER", "fact")],
)  # fmt: skip
def test_default_label_mapping(label, kind):
    assert default_label(label) == kind


@pytest.mark.parametrize(
    ("relation", "stance"),
    [("supports", "supports"), ("contradicts", "refutes"), ("attack", "refutes"),
     ("qualifies", "qualifies"), ("related", "qualifies")],
)  # fmt: skip
def test_default_relation_mapping(relation, stance):
    assert default_relation(relation) == stance


# -- Label Studio ----------------------------------------------------------------------------


def test_label_studio_regions_and_relations(project, owner, report_doc):
    report = run(owner, project, "labelstudio", peers.label_studio())

    found = quotes(project)
    assert set(found) == {"Officials expect a record year 📈 soon.", "Exports rose again in May."}
    assert found["Officials expect a record year 📈 soon."].kind == "prediction"
    assert found["Exports rose again in May."].kind == "statistic"
    (link,) = found["Officials expect a record year 📈 soon."].evidence.select_related("passage")
    assert (link.stance, link.passage.exact) == ("refutes", "Critics doubt the figures.")
    assert report.counts == {"imported": 3, "skipped": 0, "not_anchored": 0}
    assert report.documents_created == []  # the task's text is the project's document


# -- the file, whole -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("doccano", b'{"id": 1, "text": "x", "label": []}\n{"id": 2, "te', "line 2"),
        ("doccano", b'{"id": 1, "label": [[0, 1, "A"]]}\n', "no text"),
        ("labelstudio", b'{"tasks": 1}', "a task without `data`"),
        ("webannotation", b"[1, 2]", "not a JSON object"),
        ("webannotation", b"\xff\xfe{}", "not UTF-8"),
        ("claimdesk", b'{"id": "x", "credibility": 9, "passage": {"document": {}}}\n', "1–6"),
        ("claimdesk", b"", "empty"),
    ],
)
def test_a_bad_file_is_refused_whole_saying_where(project, owner, report_doc, kind, data, message):
    with pytest.raises(ValidationError) as caught:
        run(owner, project, kind, data)

    assert message in " ".join(caught.value.messages)
    assert not Claim.objects.exists()
    assert Document.objects.count() == 1


def test_a_failure_after_writes_began_keeps_nothing_of_the_file(project, owner, report_doc):
    def fail(self, pending):
        raise RuntimeError("the disk is full")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_Import, "_link", fail)
        with pytest.raises(RuntimeError):
            run(owner, project, "doccano", peers.doccano_sequence() + peers.doccano_relations())

    assert not Claim.objects.exists()
    assert not Passage.objects.exists()
    assert Document.objects.count() == 1  # the memo the file carried is gone too
    assert not Topic.objects.exists()
    assert not HistoryEntry.objects.exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANNOTATOR, Role.REVIEWER])
def test_only_owners_import(project, report_doc, role):
    user = UserFactory()
    MembershipFactory(project=project, user=user, role=role)

    with pytest.raises(PermissionDenied):
        run(user, project, "doccano", peers.doccano_relations())

    assert not Claim.objects.exists()


def test_another_projects_owner_cannot_import_nor_anchor_there(
    project, other_project, outsider, report_doc
):
    with pytest.raises(PermissionDenied):
        run(outsider, project, "webannotation", peers.w3c_collection())

    # Into their own project, the other project's document with that URL is not found.
    report = run(outsider, other_project, "webannotation", peers.w3c_collection())
    assert report.counts["imported"] == 0
    assert "no document of the project has url" in report.items[0]["reason"]


def test_unknown_kind_is_refused(project, owner):
    with pytest.raises(ValidationError) as caught:
        run(owner, project, "brat", b"T1\tClaim 0 5\tHello")
    assert "kind" in caught.value.message_dict


def test_a_file_over_the_limit_is_too_large(project, owner, settings):
    settings.CLAIMDESK_MAX_IMPORT_BYTES = 100

    with pytest.raises(ValidationError) as caught:
        run(owner, project, "doccano", peers.doccano_relations())

    assert caught.value.code == "too_large"


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"../claims.jsonl": b"{}\n"}, "outside itself"),
        ({"claims.jsonl": b" " * 5_000_000}, "inflates"),
        ({f"f{n}.json": b"[]" for n in range(101)}, "at most 100"),
        ({"notes.txt": b"hello"}, "no single data file"),
    ],
)
def test_zip_checks(project, owner, members, message):
    with pytest.raises(ValidationError) as caught:
        run(owner, project, "claimdesk", zipped(members))

    assert message in " ".join(caught.value.messages)


def test_a_zip_inflating_past_the_limit_stops_at_it(project, owner, settings):
    settings.CLAIMDESK_MAX_IMPORT_BYTES = 50_000
    # Varied enough to deflate less than 200:1, small enough zipped to pass the file limit.
    vocabulary = ["trade", "exports", "rose", "fell", "record", "year", "analysts", "doubt"]
    stream = hashlib.shake_256(b"seed").digest(60_000)
    words = " ".join(vocabulary[byte % 8] for byte in stream)
    data = json.dumps([{"data": {"text": words}}]).encode()

    with pytest.raises(ValidationError) as caught:
        run(owner, project, "labelstudio", zipped({"export.json": data}))

    assert caught.value.code == "too_large"
    assert "What the zip inflates to" in " ".join(caught.value.messages)


def test_webannotation_release_into_another_project_keeps_grading_not_review(db):
    golden = build_golden()
    olga = golden.users["olga"]
    data = entries(cut(golden.project, olga, formats=["webannotation"]), "webannotation")[
        "annotations.jsonld"
    ]
    other = ProjectFactory(slug="mirror")
    MembershipFactory(project=other, user=olga, role=Role.OWNER)
    for document in Document.objects.filter(project=golden.project):
        DocumentFactory(project=other, text=document.text, url=document.url, title=document.title)

    report = run(olga, other, "webannotation", data)

    assert report.counts == {"imported": 11, "skipped": 0, "not_anchored": 0}
    copied = {c.statement: c for c in Claim.objects.filter(project=other)}
    source = {
        c.statement: c for c in Claim.objects.filter(project=golden.project, status="accepted")
    }
    assert set(copied) == set(source)
    for statement, claim in copied.items():
        original = source[statement]
        assert claim.status == "draft"  # a review is not taken from another tool's file
        assert (claim.kind, claim.credibility, claim.attributed_to) == (
            original.kind,
            original.credibility,
            original.attributed_to,
        )
        assert sorted(t.name for t in claim.topics.all()) == sorted(
            t.name for t in original.topics.all()
        )
        assert sorted((e.stance, e.note, e.passage.exact) for e in claim.evidence.all()) == sorted(
            (e.stance, e.note, e.passage.exact) for e in original.evidence.all()
        )


def test_a_position_only_selector_is_taken_at_its_offsets(project, owner, report_doc):
    start, end = peers.at("Critics doubt the figures.")
    annotation = {
        "type": "Annotation",
        "id": "urn:x:1",
        "target": {
            "source": peers.URL,
            "selector": {"type": "TextPositionSelector", "start": start, "end": end},
        },
    }

    report = run(owner, project, "webannotation", json.dumps(annotation).encode())

    assert report.counts["imported"] == 1
    assert Claim.objects.get().passage.exact == "Critics doubt the figures."
