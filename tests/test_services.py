"""The rules, through the services that every surface (admin, API, commands) calls."""

import contextlib
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from curation.choices import ClaimStatus, HistoryAction, Reliability, Role
from curation.exceptions import InvalidTransition, StaleVersion
from curation.models import Claim, Document, HistoryEntry, Membership, Passage
from curation.services import (
    DocumentInput,
    claim_accept,
    claim_create,
    claim_move,
    claim_reject,
    claim_reopen,
    claim_submit,
    claim_update,
    document_import,
    document_update,
    documents_import,
    membership_remove,
    membership_set,
    passage_create,
    source_update,
)
from curation.text import normalize_text

from .factories import (
    ClaimFactory,
    DocumentFactory,
    MembershipFactory,
    PassageFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# "rain" occurs twice: once after "heavy ", once before " stopped".
WEATHER = (
    "Heavy rain closed the northern road on Monday. "
    "The council said the rain stopped by noon. "
    "Repairs will cost 2 million."
)
GRINNING = "\U0001f600"
MIXED = normalize_text(
    f"Mood {GRINNING} after the vote; 投票结果已公布 said Zoe\u0308 and q\u0303; שלום עולם ends it."
)


def make_document(project, text: str = WEATHER) -> Document:
    return DocumentFactory(project=project, text=normalize_text(text))


def error_fields(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def history(obj, **filters):
    field = obj._meta.model_name.replace("evidencelink", "evidence")
    return list(HistoryEntry.objects.filter(**{field: obj}, **filters).order_by("at", "pk"))


@pytest.fixture
def weather(project):
    return make_document(project)


@pytest.fixture
def draft(weather, annotator):
    """A draft claim by the annotator, made through the service."""
    passage = passage_create(actor=annotator, document=weather, exact="Heavy rain closed")
    return claim_create(actor=annotator, passage=passage)


@pytest.fixture
def submitted(draft, annotator):
    return claim_submit(actor=annotator, claim=draft)


# --- passage_create ----------------------------------------------------------------------------


def test_passage_create_by_offsets_stores_quote_and_context(weather, annotator):
    start = WEATHER.index("northern road")
    passage = passage_create(actor=annotator, document=weather, start=start, end=start + 13)
    assert passage.exact == "northern road"
    assert passage.prefix == WEATHER[max(0, start - 32) : start]
    assert passage.suffix == WEATHER[start + 13 : start + 45]
    assert passage.created_by == annotator


def test_passage_create_by_offsets_checks_the_quote(weather, annotator):
    start = WEATHER.index("Monday")
    passage = passage_create(
        actor=annotator, document=weather, start=start, end=start + 6, exact="Monday"
    )
    assert (passage.start, passage.end) == (start, start + 6)


def test_passage_create_by_quote_finds_its_offsets(weather, annotator):
    passage = passage_create(actor=annotator, document=weather, exact="2 million")
    start = WEATHER.index("2 million")
    assert (passage.start, passage.end) == (start, start + 9)


@pytest.mark.parametrize(
    ("context", "quote_at"),
    [
        pytest.param({"prefix": "Heavy "}, "Heavy rain", id="prefix"),
        pytest.param({"suffix": " stopped"}, "rain stopped", id="suffix"),
        pytest.param({"prefix": "the ", "suffix": " stopped"}, "rain stopped", id="both"),
    ],
)
def test_passage_create_by_quote_disambiguated_by_context(weather, annotator, context, quote_at):
    passage = passage_create(actor=annotator, document=weather, exact="rain", **context)
    start = WEATHER.index(quote_at) + quote_at.index("rain")
    assert (passage.start, passage.end, passage.exact) == (start, start + 4, "rain")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        pytest.param({"start": 0, "end": len(WEATHER) + 1}, "end", id="end-out-of-range"),
        pytest.param({"start": 10, "end": 10}, "end", id="empty-span"),
        pytest.param({"start": 12, "end": 4}, "end", id="reversed-span"),
        pytest.param({"start": -1, "end": 4}, "start", id="negative-start"),
        pytest.param({"start": 3}, "end", id="start-without-end"),
        pytest.param({"end": 3}, "start", id="end-without-start"),
        pytest.param({"exact": "rain"}, "exact", id="ambiguous-quote"),
        pytest.param({"exact": "snow"}, "exact", id="quote-not-found"),
        pytest.param({"exact": ""}, "exact", id="empty-quote"),
        pytest.param({}, "exact", id="nothing-given"),
        pytest.param({"exact": "rain", "prefix": "Light "}, "prefix", id="prefix-not-found"),
        pytest.param({"exact": "rain", "suffix": " fell"}, "suffix", id="suffix-not-found"),
    ],
)
def test_passage_create_refuses_bad_span_on_the_right_field(weather, annotator, kwargs, field):
    with pytest.raises(ValidationError) as excinfo:
        passage_create(actor=annotator, document=weather, **kwargs)
    assert list(error_fields(excinfo)) == [field]
    assert not Passage.objects.exists()


def test_passage_create_ambiguous_quote_says_how_often_it_occurs(weather, annotator):
    with pytest.raises(ValidationError) as excinfo:
        passage_create(actor=annotator, document=weather, exact="rain")
    assert "2 times" in error_fields(excinfo)["exact"][0]


def test_passage_create_quote_mismatch_shows_what_the_text_holds(weather, annotator):
    start = WEATHER.index("Monday")
    with pytest.raises(ValidationError) as excinfo:
        passage_create(
            actor=annotator, document=weather, start=start, end=start + 6, exact="Sunday"
        )
    (message,) = error_fields(excinfo)["exact"]
    assert '"Monday"' in message
    assert f"{start}–{start + 6}" in message


def test_passage_create_same_span_twice_returns_the_same_passage(weather, annotator, reviewer):
    start = WEATHER.index("Repairs")
    first = passage_create(actor=annotator, document=weather, start=start, end=start + 7)
    second = passage_create(actor=reviewer, document=weather, exact="Repairs")
    assert second.pk == first.pk
    assert second.created_by == annotator
    assert Passage.objects.filter(document=weather).count() == 1


@pytest.mark.parametrize("user", ["viewer", "outsider"])
def test_passage_create_needs_the_annotator_role(weather, user, request):
    actor = request.getfixturevalue(user)
    with pytest.raises(PermissionDenied):
        passage_create(actor=actor, document=weather, exact="2 million")
    assert not Passage.objects.exists()


@pytest.mark.parametrize(
    "quote",
    [
        pytest.param(GRINNING, id="emoji"),
        pytest.param("after the vote", id="after-emoji"),
        pytest.param("投票结果已公布", id="cjk"),
        pytest.param("Zoë and q\u0303", id="combining-marks"),
        pytest.param("שלום עולם", id="rtl"),
    ],
)
def test_passage_offsets_are_code_points_in_mixed_script_text(project, annotator, quote):
    document = make_document(project, MIXED)
    by_quote = passage_create(actor=annotator, document=document, exact=quote)
    start = MIXED.index(quote)
    assert (by_quote.start, by_quote.end) == (start, start + len(quote))
    by_offsets = passage_create(
        actor=annotator, document=document, start=start, end=start + len(quote), exact=quote
    )
    assert by_offsets.pk == by_quote.pk
    by_quote.refresh_from_db()
    assert by_quote.exact == quote
    assert MIXED[by_quote.start : by_quote.end] == quote


def test_passage_quote_in_decomposed_form_finds_composed_text(project, annotator):
    document = make_document(project, MIXED)
    assert "Zo\u00eb" in document.text  # NFC composed the diaeresis
    passage = passage_create(actor=annotator, document=document, exact="Zoe\u0308")
    assert passage.exact == "Zo\u00eb"
    assert passage.end - passage.start == 3


def test_passage_utf16_offsets_after_emoji_do_not_match(project, annotator):
    document = make_document(project, MIXED)
    start = MIXED.index("after")
    with pytest.raises(ValidationError) as excinfo:
        # What a browser would send without converting: one more unit per emoji before.
        passage_create(
            actor=annotator, document=document, start=start + 1, end=start + 6, exact="after"
        )
    assert list(error_fields(excinfo)) == ["exact"]


def test_crlf_document_offsets_refer_to_the_normalised_text(project, owner, annotator):
    raw = "First line here.\r\nSecond line, with a claim.\r\nThird line.\r\n"
    document = document_import(
        actor=owner, project=project, item=DocumentInput(text=raw, title="Line endings")
    )
    document.refresh_from_db()
    assert document.text == raw.replace("\r\n", "\n")
    assert document.length == len(raw) - 3
    start = document.text.index("Second")
    passage = passage_create(actor=annotator, document=document, start=start, end=start + 11)
    assert passage.exact == "Second line"
    assert start == raw.index("Second") - 1  # one CR fewer before it
    across = passage_create(actor=annotator, document=document, exact="here.\r\nSecond")
    assert across.exact == "here.\nSecond"
    assert across.end - across.start == len("here.\nSecond")


# --- claim_create ------------------------------------------------------------------------------


def test_claim_create_defaults_statement_to_the_quote(weather, annotator):
    passage = passage_create(actor=annotator, document=weather, exact="Repairs will cost")
    claim = claim_create(actor=annotator, passage=passage, statement="   ")
    assert claim.statement == "Repairs will cost"
    assert (claim.status, claim.version, claim.author) == (ClaimStatus.DRAFT, 1, annotator)
    assert claim.project_id == weather.project_id
    (entry,) = history(claim)
    assert (entry.action, entry.actor) == (HistoryAction.CREATED, annotator)
    assert entry.changes["statement"] == [None, "Repairs will cost"]


def test_claim_create_keeps_a_given_statement_and_topics(project, weather, annotator):
    topic = TopicFactory(project=project, name="infrastructure")
    passage = PassageFactory(document=weather)
    claim = claim_create(
        actor=annotator, passage=passage, statement="Road closed by rain.", topics=[topic]
    )
    assert claim.statement == "Road closed by rain."
    assert list(claim.topics.all()) == [topic]


def test_claim_create_refuses_topics_of_another_project(weather, other_project, annotator):
    foreign = TopicFactory(project=other_project)
    with pytest.raises(ValidationError) as excinfo:
        claim_create(actor=annotator, passage=PassageFactory(document=weather), topics=[foreign])
    assert list(error_fields(excinfo)) == ["topics"]
    assert not Claim.objects.exists()


@pytest.mark.parametrize("user", ["viewer", "outsider"])
def test_claim_create_needs_the_annotator_role(weather, user, request):
    actor = request.getfixturevalue(user)
    with pytest.raises(PermissionDenied):
        claim_create(actor=actor, passage=PassageFactory(document=weather))
    assert not Claim.objects.exists()


# --- review state machine ----------------------------------------------------------------------


def test_annotator_submits_own_draft(draft, annotator):
    claim = claim_submit(actor=annotator, claim=draft, note="ready")
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (ClaimStatus.SUBMITTED, 2)
    entry = history(claim)[-1]
    assert (entry.action, entry.actor, entry.note) == (HistoryAction.SUBMITTED, annotator, "ready")
    assert entry.changes == {"status": ["draft", "submitted"]}


def test_annotator_cannot_submit_another_annotators_claim(draft, other_annotator):
    with pytest.raises(PermissionDenied):
        claim_submit(actor=other_annotator, claim=draft)
    draft.refresh_from_db()
    assert (draft.status, draft.version) == (ClaimStatus.DRAFT, 1)


def test_viewer_cannot_submit_claim(draft, viewer):
    with pytest.raises(PermissionDenied):
        claim_submit(actor=viewer, claim=draft)


def test_reviewer_can_submit_anothers_draft(draft, reviewer):
    assert claim_submit(actor=reviewer, claim=draft).status == ClaimStatus.SUBMITTED


@pytest.mark.parametrize("move", ["accept", "reject"])
def test_annotator_cannot_accept_or_reject_claim(submitted, annotator, move):
    with pytest.raises(PermissionDenied):
        claim_move(actor=annotator, claim=submitted, move=move)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.version) == (ClaimStatus.SUBMITTED, 2)
    assert submitted.reviewer is None


def test_outsider_cannot_accept_claim(submitted, outsider):
    with pytest.raises(PermissionDenied):
        claim_accept(actor=outsider, claim=submitted)


def test_reviewer_accepts_submitted_claim(submitted, reviewer):
    claim = claim_accept(actor=reviewer, claim=submitted, note="checked against the record")
    claim.refresh_from_db()
    assert (claim.status, claim.version, claim.reviewer) == (ClaimStatus.ACCEPTED, 3, reviewer)
    assert claim.review_note == "checked against the record"
    assert claim.reviewed_at is not None


def test_accepting_a_draft_is_an_invalid_transition(draft, reviewer):
    with pytest.raises(InvalidTransition) as excinfo:
        claim_accept(actor=reviewer, claim=draft)
    assert (excinfo.value.move, excinfo.value.status) == ("accept", ClaimStatus.DRAFT)
    draft.refresh_from_db()
    assert (draft.status, draft.version, draft.reviewer, draft.reviewed_at) == (
        ClaimStatus.DRAFT,
        1,
        None,
        None,
    )
    assert [entry.action for entry in history(draft)] == [HistoryAction.CREATED]


@pytest.mark.parametrize(
    ("move", "status"),
    [
        ("submit", ClaimStatus.SUBMITTED),
        ("reopen", ClaimStatus.SUBMITTED),
        ("reopen", ClaimStatus.DRAFT),
        ("reject", ClaimStatus.ACCEPTED),
        ("accept", ClaimStatus.REJECTED),
    ],
)
def test_illegal_moves_are_invalid_transitions(weather, reviewer, move, status):
    claim = ClaimFactory(passage=PassageFactory(document=weather), author=reviewer)
    reviewed_at = claim.created_at if status in ("accepted", "rejected") else None
    Claim.objects.filter(pk=claim.pk).update(status=status, reviewed_at=reviewed_at)
    with pytest.raises(InvalidTransition):
        claim_move(actor=reviewer, claim=claim, move=move)
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (status, 1)


def test_reject_records_reviewer_note_and_time(submitted, reviewer):
    claim = claim_reject(actor=reviewer, claim=submitted, note="the source says otherwise")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    assert claim.reviewer == reviewer
    assert claim.review_note == "the source says otherwise"
    assert claim.reviewed_at is not None
    entry = history(claim)[-1]
    assert (entry.action, entry.actor, entry.note) == (
        HistoryAction.REJECTED,
        reviewer,
        "the source says otherwise",
    )


@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_reviewer_reopens_decided_claim_to_draft(submitted, reviewer, owner, decision):
    claim_move(actor=reviewer, claim=submitted, move=decision)
    claim = claim_reopen(actor=owner, claim=submitted, note="new evidence")
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (ClaimStatus.DRAFT, 4)
    entry = history(claim)[-1]
    assert (entry.action, entry.actor, entry.note) == (
        HistoryAction.REOPENED,
        owner,
        "new evidence",
    )


def test_each_review_move_bumps_version_and_writes_history(draft, annotator, reviewer):
    steps = [
        (annotator, "submit", "first try"),
        (reviewer, "reject", "too vague"),
        (reviewer, "reopen", "author asked"),
        (annotator, "submit", "reworded"),
        (reviewer, "accept", "fine now"),
    ]
    for number, (actor, move, note) in enumerate(steps, start=2):
        claim = claim_move(actor=actor, claim=draft.pk, move=move, note=note)
        assert claim.version == number
        assert Claim.objects.get(pk=draft.pk).version == number
    entries = history(draft)[1:]
    assert [(e.actor, e.action, e.note) for e in entries] == [
        (annotator, HistoryAction.SUBMITTED, "first try"),
        (reviewer, HistoryAction.REJECTED, "too vague"),
        (reviewer, HistoryAction.REOPENED, "author asked"),
        (annotator, HistoryAction.SUBMITTED, "reworded"),
        (reviewer, HistoryAction.ACCEPTED, "fine now"),
    ]


def test_review_move_with_stale_version_changes_nothing(submitted, reviewer):
    with pytest.raises(StaleVersion):
        claim_accept(actor=reviewer, claim=submitted, expected_version=1)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.version) == (ClaimStatus.SUBMITTED, 2)


# --- claim_update: optimistic locking and who may edit -------------------------------------------


def test_claim_update_with_stale_version_raises_and_leaves_row_unchanged(draft, annotator):
    claim_update(actor=annotator, claim=draft, expected_version=1, statement="Rain shut a road.")
    with pytest.raises(StaleVersion) as excinfo:
        claim_update(actor=annotator, claim=draft, expected_version=1, statement="Overwritten.")
    assert (excinfo.value.expected, excinfo.value.current) == (1, 2)
    draft.refresh_from_db()
    assert (draft.statement, draft.version) == ("Rain shut a road.", 2)
    assert len(history(draft, action=HistoryAction.UPDATED)) == 1


def test_claim_update_with_current_version_bumps_it(draft, annotator):
    claim = claim_update(actor=annotator, claim=draft, expected_version=1, credibility=3)
    assert claim.version == 2
    assert Claim.objects.get(pk=draft.pk).credibility == 3


def test_annotator_edits_own_draft(draft, annotator):
    claim_update(actor=annotator, claim=draft, attributed_to="the council")
    assert Claim.objects.get(pk=draft.pk).attributed_to == "the council"


def test_annotator_cannot_edit_another_annotators_claim(draft, other_annotator):
    with pytest.raises(PermissionDenied):
        claim_update(actor=other_annotator, claim=draft, statement="Hijacked.")
    draft.refresh_from_db()
    assert (draft.statement, draft.version) == ("Heavy rain closed", 1)


def test_annotator_cannot_edit_own_submitted_claim(submitted, annotator):
    with pytest.raises(PermissionDenied):
        claim_update(actor=annotator, claim=submitted, statement="Changed after submitting.")
    submitted.refresh_from_db()
    assert (submitted.statement, submitted.version) == ("Heavy rain closed", 2)


@pytest.mark.parametrize("user", ["reviewer", "owner"])
def test_reviewer_edits_any_claim(submitted, user, request):
    actor = request.getfixturevalue(user)
    claim_update(actor=actor, claim=submitted, statement="Rain closed the northern road.")
    submitted.refresh_from_db()
    assert (submitted.statement, submitted.status) == (
        "Rain closed the northern road.",
        ClaimStatus.SUBMITTED,
    )


def test_claim_update_refuses_status_changes(draft, reviewer):
    with pytest.raises(ValidationError) as excinfo:
        claim_update(actor=reviewer, claim=draft, status=ClaimStatus.ACCEPTED)
    assert list(error_fields(excinfo)) == ["status"]
    assert Claim.objects.get(pk=draft.pk).status == ClaimStatus.DRAFT


# --- history -----------------------------------------------------------------------------------


def test_claim_update_records_old_and_new_values(project, draft, annotator):
    topic = TopicFactory(project=project, name="roads")
    claim_update(
        actor=annotator, claim=draft, statement="A road closed.", credibility=2, topics=[topic]
    )
    entry = history(draft, action=HistoryAction.UPDATED)[0]
    assert entry.actor == annotator
    assert entry.changes == {
        "statement": ["Heavy rain closed", "A road closed."],
        "credibility": [6, 2],
        "topics": [[], ["roads"]],
    }
    assert list(Claim.objects.get(pk=draft.pk).topics.all()) == [topic]


def test_claim_update_without_change_writes_nothing(draft, annotator):
    claim = claim_update(actor=annotator, claim=draft, statement="Heavy rain closed")
    assert claim.version == 1
    assert history(draft, action=HistoryAction.UPDATED) == []


def test_source_regrade_is_recorded_as_graded_with_rationale(project, owner):
    source = SourceFactory(project=project, reliability=Reliability.F)
    source_update(
        actor=owner,
        source=source,
        reliability=Reliability.B,
        reliability_rationale="Long record of corrections published promptly.",
    )
    (entry,) = history(source)
    assert (entry.action, entry.actor) == (HistoryAction.GRADED, owner)
    assert entry.note == "Long record of corrections published promptly."
    assert entry.changes["reliability"] == ["F", "B"]


def test_source_rename_is_recorded_as_updated(project, owner):
    source = SourceFactory(project=project, name="Daily Gazette")
    source_update(actor=owner, source=source, name="The Daily Gazette")
    (entry,) = history(source)
    assert (entry.action, entry.note) == (HistoryAction.UPDATED, "")
    assert entry.changes == {"name": ["Daily Gazette", "The Daily Gazette"]}


def test_source_update_needs_the_owner_role(project, reviewer):
    with pytest.raises(PermissionDenied):
        source_update(actor=reviewer, source=SourceFactory(project=project), reliability="A")


def test_document_update_records_changes(weather, owner):
    old_title = weather.title
    document_update(actor=owner, document=weather, title="Storm report", language="en")
    (entry,) = history(weather)
    assert (entry.action, entry.actor) == (HistoryAction.UPDATED, owner)
    assert entry.changes == {"title": [old_title, "Storm report"], "language": ["", "en"]}
    weather.refresh_from_db()
    assert (weather.title, weather.language) == ("Storm report", "en")


def test_document_update_refuses_text_changes(weather, owner):
    with pytest.raises(ValidationError) as excinfo:
        document_update(actor=owner, document=weather, text="Corrected text.")
    assert list(error_fields(excinfo)) == ["text"]
    assert Document.objects.get(pk=weather.pk).text == WEATHER
    assert history(weather) == []


def test_document_update_records_metadata_changes(project, owner):
    document = DocumentFactory(project=project, metadata={"pages": 3})
    document_update(actor=owner, document=document, metadata={"pages": 4})
    (entry,) = history(document)
    assert entry.changes == {"metadata": [{"pages": 3}, {"pages": 4}]}


def test_document_update_with_unchanged_metadata_writes_nothing(project, owner):
    document = DocumentFactory(project=project, metadata={"pages": 3})
    document_update(actor=owner, document=document, metadata={"pages": 3})
    assert history(document) == []


def test_document_update_needs_the_owner_role(weather, reviewer):
    with pytest.raises(PermissionDenied):
        document_update(actor=reviewer, document=weather, title="Renamed")


# --- memberships -------------------------------------------------------------------------------


def test_last_owner_cannot_be_demoted(project, owner):
    membership = Membership.objects.get(project=project, user=owner)
    with pytest.raises(ValidationError) as excinfo:
        membership_set(actor=owner, project=project, user=owner, role=Role.REVIEWER)
    assert list(error_fields(excinfo)) == ["role"]
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_last_owner_cannot_be_removed(project, owner):
    membership = Membership.objects.get(project=project, user=owner)
    with pytest.raises(ValidationError) as excinfo:
        membership_remove(actor=owner, membership=membership)
    assert list(error_fields(excinfo)) == ["role"]
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_one_of_two_owners_can_be_demoted(project, owner):
    second = UserFactory(username="otto")
    MembershipFactory(project=project, user=second, role=Role.OWNER)
    membership_set(actor=owner, project=project, user=second, role=Role.VIEWER)
    assert Membership.objects.get(project=project, user=second).role == Role.VIEWER


def test_membership_set_needs_the_owner_role(project, reviewer):
    with pytest.raises(PermissionDenied):
        membership_set(actor=reviewer, project=project, user=UserFactory(), role=Role.OWNER)


# --- importing ---------------------------------------------------------------------------------


def test_documents_import_skips_duplicates_of_existing_and_within_batch(project, owner):
    existing = make_document(project, "An existing report on the port.")
    items = [
        DocumentInput(text="Fresh report one.\r\n", title="One"),
        DocumentInput(text="An existing report on the port.", title="Already there"),
        DocumentInput(text="Fresh report two.", title="Two"),
        # Same text as "One" once CRLF is normalised.
        DocumentInput(text="Fresh report one.\n", title="One again"),
        DocumentInput(text="\r\n\x00", title="Empty after normalisation"),
    ]
    outcomes = list(documents_import(actor=owner, project=project, items=items))
    assert [o.item.title for o in outcomes] == [i.title for i in items]
    assert [o.status for o in outcomes] == ["imported", "skipped", "imported", "skipped", "failed"]
    one, already, two, again, empty = outcomes
    assert already.duplicate_of.pk == existing.pk
    assert again.duplicate_of.pk == one.document.pk
    assert "text" in empty.error
    imported = Document.objects.filter(project=project).exclude(pk=existing.pk)
    assert sorted(imported.values_list("title", flat=True)) == ["One", "Two"]
    assert Document.objects.get(pk=one.document.pk).text == "Fresh report one.\n"
    entries = HistoryEntry.objects.filter(project=project)
    assert entries.count() == 2
    assert {(e.document_id, e.action, e.actor_id) for e in entries} == {
        (one.document.pk, HistoryAction.CREATED, owner.pk),
        (two.document.pk, HistoryAction.CREATED, owner.pk),
    }


def test_document_import_refuses_a_text_the_project_holds(project, owner, weather):
    with pytest.raises(ValidationError) as excinfo:
        document_import(
            actor=owner, project=project, item=DocumentInput(text=WEATHER, title="Again")
        )
    assert list(error_fields(excinfo)) == ["text"]
    assert Document.objects.filter(project=project).count() == 1


def test_documents_import_needs_the_owner_role(project, reviewer):
    items = [DocumentInput(text="Some text.", title="T")]
    with pytest.raises(PermissionDenied):
        list(documents_import(actor=reviewer, project=project, items=items))
    assert not Document.objects.exists()


def test_document_import_needs_the_owner_role(project, reviewer):
    with pytest.raises(PermissionDenied):
        document_import(
            actor=reviewer, project=project, item=DocumentInput(text="Some text.", title="T")
        )


# --- concurrency (PostgreSQL: real row locks, two connections) -----------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_accept_and_reject_have_exactly_one_winner(submitted, reviewer, owner):
    barrier = threading.Barrier(2, timeout=10)
    results: dict[str, object] = {}

    def decide(actor, move):
        try:
            barrier.wait()
            results[move] = claim_move(actor=actor, claim=submitted.pk, move=move, note=move)
        except Exception as error:
            results[move] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(reviewer, "accept")),
        threading.Thread(target=decide, args=(owner, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    winners = [move for move, result in results.items() if isinstance(result, Claim)]
    losers = [move for move, result in results.items() if not isinstance(result, Claim)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    assert isinstance(results[losers[0]], InvalidTransition | StaleVersion), results
    claim = Claim.objects.get(pk=submitted.pk)
    expected = {"accept": ClaimStatus.ACCEPTED, "reject": ClaimStatus.REJECTED}[winners[0]]
    assert (claim.status, claim.version, claim.review_note) == (expected, 3, winners[0])
    decisions = history(claim, action__in=[HistoryAction.ACCEPTED, HistoryAction.REJECTED])
    assert len(decisions) == 1
    assert decisions[0].note == winners[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_owners_leaving_at_once_leave_one_owner(project, owner, monkeypatch):
    second = UserFactory(username="otto")
    MembershipFactory(project=project, user=second, role=Role.OWNER)
    start = threading.Barrier(2, timeout=10)
    checked = threading.Barrier(2, timeout=3)
    original_delete = Membership.delete

    def delete_once_both_checked(self, *args, **kwargs):
        # Keep the transaction open until the other removal has made its owner check too.
        # When that check waits on our lock, as it should, the barrier times out and we go on.
        with contextlib.suppress(threading.BrokenBarrierError):
            checked.wait()
        return original_delete(self, *args, **kwargs)

    monkeypatch.setattr(Membership, "delete", delete_once_both_checked)
    results: dict[str, object] = {}

    def leave(user):
        try:
            start.wait()
            membership = Membership.objects.get(project=project, user=user)
            membership_remove(actor=user, membership=membership)
            results[user.username] = "removed"
        except Exception as error:
            results[user.username] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=leave, args=(user,)) for user in (owner, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    assert Membership.objects.filter(project=project, role=Role.OWNER).count() == 1, results
    outcomes = sorted(type(result).__name__ for result in results.values())
    assert outcomes == ["ValidationError", "str"], results
