"""Database invariants, proven by writing rows straight through the ORM.

Services are bypassed on purpose: whatever a bug, a script or the admin does,
the database itself must refuse an inconsistent row (constraints in
models.py, triggers in migration 0002). Every case runs on SQLite and on
PostgreSQL; trigger cases also match the trigger's message so that a
check constraint firing instead cannot pass for the trigger.
"""

from contextlib import contextmanager

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from curation.choices import ClaimStatus, Role
from curation.models import Document, Membership, Passage
from curation.text import codepoint_to_utf16_offset, normalize_text, text_sha256

from .factories import (
    ClaimFactory,
    DocumentFactory,
    EvidenceLinkFactory,
    MembershipFactory,
    PassageFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HARBOUR = "The harbour reopened in 1998. Trade doubled within five years."

# Astral (emoji, two UTF-16 units and four UTF-8 bytes each), CJK (three UTF-8
# bytes each), a combining mark with no precomposed form (q + U+0303 stays two
# code points under NFC) and right-to-left Arabic.
ROCKET = "\U0001f680"
MIXED = normalize_text(
    f"Launch {ROCKET} went well; 火箭发射成功 said the q\u0303 desk; مرحبا بالعالم closes it."
)

# The passage triggers' messages: PostgreSQL names the fault, SQLite gives one message.
TRIGGER_PASSAGE = r"beyond the document|does not match the document|within its document"
TRIGGER_IMMUTABLE = r"immutable"
TRIGGER_CLAIM_PROJECT = r"passage must belong to the claim's project"
TRIGGER_EVIDENCE_PROJECT = r"evidence must come from the claim's project"


@contextmanager
def refused(match: str | None = None):
    """Expect the database to refuse the write, in a savepoint so the test goes on."""
    with pytest.raises(IntegrityError, match=match), transaction.atomic():
        yield


def make_document(project, text: str = HARBOUR, **kwargs) -> Document:
    return DocumentFactory(project=project, text=text, **kwargs)


def span(document: Document, quote: str) -> tuple[int, int]:
    start = document.text.index(quote)
    return start, start + len(quote)


def insert_passage(document: Document, start: int, end: int, exact: str | None = None) -> Passage:
    if exact is None:
        exact = document.text[start:end]
    return Passage.objects.create(document=document, start=start, end=end, exact=exact)


# --- passages ---------------------------------------------------------------------------------


def test_valid_passage_is_accepted(project):
    document = make_document(project)
    start, end = span(document, "Trade doubled")
    passage = insert_passage(document, start, end)
    passage.refresh_from_db()
    assert passage.exact == "Trade doubled"


def test_passage_ending_exactly_at_document_end_is_accepted(project):
    document = make_document(project)
    insert_passage(document, document.length - 6, document.length)
    assert Passage.objects.get(document=document).exact == "years."


def test_passage_negative_start_is_refused(project):
    document = make_document(project)
    with refused():
        insert_passage(document, -1, 3, exact=document.text[0:4])


def test_passage_empty_span_is_refused(project):
    document = make_document(project)
    with refused(match="passage_start_before_end"):
        insert_passage(document, 5, 5, exact="")


def test_passage_reversed_span_is_refused(project):
    document = make_document(project)
    with refused():
        insert_passage(document, 8, 4, exact="")


def test_passage_quote_length_must_equal_span(project):
    document = make_document(project)
    with refused():
        insert_passage(document, 0, 5, exact=document.text[0:4])


def test_passage_end_beyond_document_is_refused_by_trigger(project):
    document = make_document(project)
    # The quote is as long as the span, so only the trigger's bound check can refuse it.
    start = document.length - 6
    with refused(match=TRIGGER_PASSAGE):
        insert_passage(document, start, document.length + 1, exact="years.!")


def test_passage_quote_not_in_text_at_span_is_refused_by_trigger(project):
    document = make_document(project)
    start, end = span(document, "Trade")
    with refused(match=TRIGGER_PASSAGE):
        insert_passage(document, start, end, exact="Tradf")
    assert not Passage.objects.exists()


def test_passage_update_to_a_wrong_quote_is_refused_by_trigger(project):
    document = make_document(project)
    passage = insert_passage(document, *span(document, "harbour"))
    with refused(match=TRIGGER_PASSAGE):
        Passage.objects.filter(pk=passage.pk).update(exact="HARBOUR")
    passage.refresh_from_db()
    assert passage.exact == "harbour"


def test_passage_duplicate_span_is_refused(project):
    document = make_document(project)
    start, end = span(document, "harbour")
    insert_passage(document, start, end)
    with refused():
        insert_passage(document, start, end)
    assert Passage.objects.filter(document=document).count() == 1


def test_same_span_in_another_document_is_allowed(project):
    first = make_document(project)
    second = make_document(project, text=HARBOUR + " Later it silted up.")
    insert_passage(first, 0, 11)
    insert_passage(second, 0, 11)
    assert Passage.objects.filter(start=0, end=11).count() == 2


# --- code points on both databases -------------------------------------------------------------

MIXED_QUOTES = [
    pytest.param(ROCKET, id="emoji"),
    pytest.param("went well", id="after-emoji"),
    pytest.param("火箭发射成功", id="cjk"),
    pytest.param("q\u0303 desk", id="combining-mark"),
    pytest.param("مرحبا بالعالم", id="rtl"),
    pytest.param("closes it.", id="document-end"),
]


@pytest.mark.parametrize("quote", MIXED_QUOTES)
def test_passage_at_code_point_offsets_is_accepted_in_mixed_script_text(project, quote):
    document = make_document(project, text=MIXED)
    assert document.length == len(MIXED)
    start, end = span(document, quote)
    insert_passage(document, start, end)
    stored = Passage.objects.get(document=document)
    assert (stored.start, stored.end, stored.exact) == (start, end, quote)


def test_mixed_script_document_length_counts_code_points(project):
    # The CHECK length = length(text) accepts Python's count and refuses UTF-16's.
    document = make_document(project, text=MIXED)
    assert Document.objects.get(pk=document.pk).length == len(MIXED)
    other = MIXED + " Again."
    utf16_length = len(other.encode("utf-16-le")) // 2
    assert utf16_length == len(other) + 1
    with refused(match="document_length_matches_text"):
        make_document(project, text=other, length=utf16_length)


@pytest.mark.parametrize(
    "quote", [pytest.param("went well", id="after-emoji"), pytest.param("火箭", id="cjk")]
)
def test_passage_at_utf16_offsets_after_an_emoji_is_refused(project, quote):
    document = make_document(project, text=MIXED)
    start, _ = span(document, quote)
    utf16_start = codepoint_to_utf16_offset(MIXED, start)
    assert utf16_start == start + 1  # one emoji before it, two UTF-16 units
    with refused(match=TRIGGER_PASSAGE):
        insert_passage(document, utf16_start, utf16_start + len(quote), exact=quote)


def test_passage_at_utf8_byte_offsets_is_refused(project):
    document = make_document(project, text=MIXED)
    start, _ = span(document, "said")
    byte_start = len(MIXED[:start].encode("utf-8"))
    assert byte_start != start
    with refused(match=TRIGGER_PASSAGE):
        insert_passage(document, byte_start, byte_start + 4, exact="said")


# --- documents ---------------------------------------------------------------------------------


def test_document_duplicate_text_in_same_project_is_refused(project):
    make_document(project)
    with refused():
        make_document(project, title="Same text, other title")
    assert Document.objects.filter(project=project).count() == 1


def test_document_same_text_in_another_project_is_allowed(project, other_project):
    first = make_document(project)
    second = make_document(other_project)
    assert first.sha256 == second.sha256


def test_document_empty_text_is_refused(project):
    with refused(match="document_length_matches_text"):
        make_document(project, text="", sha256=text_sha256(""), length=0)


def test_document_length_must_match_text(project):
    with refused(match="document_length_matches_text"):
        make_document(project, length=len(HARBOUR) + 1)


def test_document_text_update_is_refused_by_trigger(project):
    document = make_document(project)
    # Same length, so the CHECK on length holds and only the trigger can refuse.
    changed = HARBOUR.replace("1998", "1999")
    with refused(match=TRIGGER_IMMUTABLE):
        Document.objects.filter(pk=document.pk).update(text=changed, sha256=text_sha256(changed))
    with refused(match=TRIGGER_IMMUTABLE):
        Document.objects.filter(pk=document.pk).update(text=changed)
    with refused(match=TRIGGER_IMMUTABLE):
        Document.objects.filter(pk=document.pk).update(sha256=text_sha256(changed))
    document.text = changed
    with refused(match=TRIGGER_IMMUTABLE):
        document.save()
    assert Document.objects.get(pk=document.pk).text == HARBOUR


def test_document_title_update_is_allowed(project):
    document = make_document(project)
    document.title = "Harbour history, revised"
    document.save()
    Document.objects.filter(pk=document.pk).update(language="en")
    document.refresh_from_db()
    assert (document.title, document.language, document.text) == (
        "Harbour history, revised",
        "en",
        HARBOUR,
    )


def test_deleting_a_document_with_passages_is_protected(project):
    document = make_document(project)
    insert_passage(document, 0, 11)
    with pytest.raises(ProtectedError):
        document.delete()
    assert Document.objects.filter(pk=document.pk).exists()


def test_deleting_a_passage_used_by_a_claim_is_protected(project):
    claim = ClaimFactory(passage=PassageFactory(document=make_document(project)))
    with pytest.raises(ProtectedError):
        claim.passage.delete()
    assert Passage.objects.filter(pk=claim.passage_id).exists()


def test_deleting_a_passage_used_as_evidence_is_protected(project):
    link = EvidenceLinkFactory(claim=ClaimFactory(passage__document__project=project))
    with pytest.raises(ProtectedError):
        link.passage.delete()


# --- sources, claims, evidence, memberships -----------------------------------------------------


def test_source_reliability_outside_admiralty_scale_is_refused(project):
    with refused(match="source_reliability_valid"):
        SourceFactory(project=project, reliability="G")


@pytest.mark.parametrize("credibility", [0, 7])
def test_claim_credibility_outside_1_to_6_is_refused(project, credibility):
    passage = PassageFactory(document=make_document(project))
    with refused(match="claim_credibility_1_to_6"):
        ClaimFactory(passage=passage, credibility=credibility)


@pytest.mark.parametrize("credibility", [1, 6])
def test_claim_credibility_bounds_are_accepted(project, credibility):
    claim = ClaimFactory(passage__document__project=project, credibility=credibility)
    claim.refresh_from_db()
    assert claim.credibility == credibility


def test_claim_unknown_status_is_refused(project):
    passage = PassageFactory(document=make_document(project))
    with refused(match="claim_status_valid"):
        ClaimFactory(passage=passage, status="bogus")


@pytest.mark.parametrize("status", [ClaimStatus.ACCEPTED, ClaimStatus.REJECTED])
def test_claim_decision_without_review_time_is_refused(project, status):
    passage = PassageFactory(document=make_document(project))
    with refused(match="claim_decision_has_review_time"):
        ClaimFactory(passage=passage, status=status, reviewed_at=None)
    ClaimFactory(passage=passage, status=status, reviewed_at=timezone.now())


def test_claim_with_passage_of_another_project_is_refused_by_trigger(project, other_project):
    foreign = PassageFactory(document=make_document(other_project))
    with refused(match=TRIGGER_CLAIM_PROJECT):
        ClaimFactory(passage=foreign, project=project)


def test_claim_moved_to_passage_of_another_project_is_refused_by_trigger(project, other_project):
    claim = ClaimFactory(passage__document__project=project)
    foreign = PassageFactory(document=make_document(other_project))
    claim.passage = foreign
    with refused(match=TRIGGER_CLAIM_PROJECT):
        claim.save()


def test_evidence_from_another_project_is_refused_by_trigger(project, other_project):
    claim = ClaimFactory(passage__document__project=project)
    foreign = PassageFactory(document=make_document(other_project))
    with refused(match=TRIGGER_EVIDENCE_PROJECT):
        EvidenceLinkFactory(claim=claim, passage=foreign)


def test_evidence_duplicate_passage_for_claim_is_refused(project):
    link = EvidenceLinkFactory(claim=ClaimFactory(passage__document__project=project))
    with refused():
        EvidenceLinkFactory(claim=link.claim, passage=link.passage, stance="refutes")


def test_evidence_unknown_stance_is_refused(project):
    claim = ClaimFactory(passage__document__project=project)
    with refused(match="evidence_stance_valid"):
        EvidenceLinkFactory(claim=claim, stance="agrees")


def test_membership_duplicate_is_refused(project, annotator):
    with refused():
        MembershipFactory(project=project, user=annotator, role=Role.REVIEWER)
    assert Membership.objects.get(project=project, user=annotator).role == Role.ANNOTATOR


def test_membership_unknown_role_is_refused(project):
    with refused(match="membership_role_valid"):
        MembershipFactory(project=project, user=UserFactory(), role="god")
