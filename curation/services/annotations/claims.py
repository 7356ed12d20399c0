"""Claims: created in batches from passages or spans, edited, deleted, locked."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ...choices import ClaimKind, Credibility, HistoryAction, Role
from ...exceptions import DeleteRefused, ItemsInvalid, StaleVersion
from ...models import Claim, EvidenceLink, HistoryEntry, Passage, Topic
from ..access import can_edit_claim, require_role, require_roles
from ..assignments import unassigned_guard
from ..history import diff, history_entry, snapshot, tracked_update
from .passages import Span, passages_for

# What an edit may change and the history records: the admin's form and the API's
# writable fields follow these (a new editable claim field is added here).
CLAIM_TRACKED_FIELDS = ("statement", "kind", "attributed_to", "credibility")
CLAIM_EDITABLE_FIELDS = (*CLAIM_TRACKED_FIELDS, "topics")


def _topics_of_project(project_id: int, topics: Iterable[Topic]) -> list[Topic]:
    topics = list(topics)
    if any(topic.project_id != project_id for topic in topics):
        raise ValidationError({"topics": "Every topic must belong to the claim's project."})
    return topics


@dataclass
class ClaimDraft:
    """A claim to create, on an existing passage or on a span to find or create."""

    passage: Passage | Span
    statement: str = ""
    kind: str = ClaimKind.FACT
    attributed_to: str = ""
    credibility: int = Credibility.CANNOT_BE_JUDGED
    topics: Sequence[Topic] = ()


@transaction.atomic
def claims_create(*, actor, drafts: Sequence[ClaimDraft]) -> list[Claim]:
    """Draft claims, all or nothing, in a number of statements that does not grow
    with the batch: one role query, then one INSERT each for the new passages
    (and a SELECT), the claims, their topics and their history entries.

    Every draft is checked before anything is written; ItemsInvalid names each
    invalid draft by its index.
    """
    documents = [draft.passage.document for draft in drafts]
    roles = require_roles(actor, {document.project_id for document in documents}, Role.ANNOTATOR)
    unassigned_guard(actor, documents, roles)  # issue 14: project.annotate_unassigned
    claims, topics, errors = [], [], {}
    for index, (draft, document) in enumerate(zip(drafts, documents, strict=True)):
        claim = Claim(
            project_id=document.project_id,
            statement=(draft.statement or "").strip() or draft.passage.exact,
            kind=draft.kind,
            attributed_to=draft.attributed_to,
            credibility=draft.credibility,
            author=actor if actor.is_authenticated else None,
        )
        try:
            topics.append(_topics_of_project(document.project_id, draft.topics))
            # Uniqueness (the uuid) is the database's job: no query per claim.
            claim.full_clean(
                exclude=["project", "passage", "author"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors[index] = error
        claims.append(claim)
    if errors:
        raise ItemsInvalid(errors)
    spans = [draft.passage for draft in drafts if isinstance(draft.passage, Span)]
    created = iter(passages_for(actor, spans))
    for claim, draft in zip(claims, drafts, strict=True):
        if isinstance(draft.passage, Span):
            claim.passage = next(created)
            # Reported in the answer (issue 17): the passage holds the text's characters,
            # so a loose match is only visible to the caller now.
            claim.quote_match = "loose" if draft.passage.loose else "exact"
        else:
            claim.passage = draft.passage
    Claim.objects.bulk_create(claims)
    Claim.topics.through.objects.bulk_create(
        Claim.topics.through(claim_id=claim.pk, topic_id=topic.pk)
        for claim, claim_topics in zip(claims, topics, strict=True)
        for topic in claim_topics
    )
    HistoryEntry.objects.bulk_create(
        history_entry(
            actor=actor,
            obj=claim,
            action=HistoryAction.CREATED,
            changes=diff({}, _claim_snapshot(claim, claim_topics)),
        )
        for claim, claim_topics in zip(claims, topics, strict=True)
    )
    return claims


def claim_create(
    *,
    actor,
    passage: Passage,
    statement: str = "",
    kind: str = ClaimKind.FACT,
    attributed_to: str = "",
    credibility: int = Credibility.CANNOT_BE_JUDGED,
    topics: Iterable[Topic] = (),
) -> Claim:
    """A draft claim asserted by `passage`; the statement defaults to the quote."""
    draft = ClaimDraft(passage, statement, kind, attributed_to, credibility, list(topics))
    try:
        return claims_create(actor=actor, drafts=[draft])[0]
    except ItemsInvalid as error:
        raise error.errors[0] from None


def _claim_snapshot(claim: Claim, topics: Iterable[Topic] | None = None) -> dict:
    data = snapshot(claim, CLAIM_TRACKED_FIELDS)
    if topics is None:
        topics = claim.topics.all()
    data["topics"] = sorted(topic.name for topic in topics)
    return data


def lock_claim(claim: Claim | int, expected_version: int | None = None) -> Claim:
    """The claim's row, locked for this transaction, checked against a version."""
    locked = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("passage__document")
        .get(pk=getattr(claim, "pk", claim))
    )
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(expected=expected_version, current=locked.version)
    return locked


def bump_version(claim: Claim | EvidenceLink, **fields) -> None:
    """Write `fields` and the next version, if nobody wrote the row meanwhile.

    The compare-and-set on `version` keeps SQLite (no row locks) as safe as
    PostgreSQL's SELECT … FOR UPDATE.
    """
    now = timezone.now()
    rows = type(claim).objects
    written = rows.filter(pk=claim.pk, version=claim.version).update(
        **fields, version=F("version") + 1, updated_at=now
    )
    if not written:
        current = rows.values_list("version", flat=True).get(pk=claim.pk)
        what = str(claim._meta.verbose_name)
        raise StaleVersion(expected=claim.version, current=current, what=what)
    for name, value in fields.items():
        setattr(claim, name, value)
    claim.version += 1
    claim.updated_at = now


@transaction.atomic
def claim_update(*, actor, claim: Claim, expected_version: int | None = None, **fields) -> Claim:
    """Edit a claim's wording and grading (not its status: use the review moves)."""
    unknown = set(fields) - set(CLAIM_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be set here."))
    claim = lock_claim(claim, expected_version)
    role = require_role(actor, claim.project_id, Role.ANNOTATOR)
    if not can_edit_claim(actor, claim, role):
        raise PermissionDenied("Annotators edit only their own draft claims.")
    topics = fields.pop("topics", None)
    old_topics = sorted(topic.name for topic in claim.topics.all())
    if topics is not None:
        topics = _topics_of_project(claim.project_id, topics)
    new_topics = old_topics if topics is None else sorted(topic.name for topic in topics)

    def save(claim: Claim, changes: dict) -> None:
        written = [name for name in CLAIM_TRACKED_FIELDS if name in changes]
        bump_version(claim, **{name: getattr(claim, name) for name in written})
        if "topics" in changes:
            claim.topics.set(topics)

    tracked_update(
        actor=actor,
        obj=claim,
        data=fields,
        fields=CLAIM_TRACKED_FIELDS,
        clean={"exclude": ["project", "passage", "author"], "validate_constraints": False},
        before={"topics": old_topics},
        after={"topics": new_topics},
        save=save,
    )
    return claim


@transaction.atomic
def claim_delete(*, actor, claim: Claim, expected_version: int | None = None) -> None:
    """Delete a claim and its evidence links, each recorded in the history.

    An annotator's draft that carries evidence someone else linked is not theirs
    alone to delete: refused naming those people; reviewers and owners may.
    """
    claim = lock_claim(claim, expected_version)
    role = require_role(actor, claim.project_id, Role.ANNOTATOR)
    if not can_edit_claim(actor, claim, role):
        raise PermissionDenied("Annotators delete only their own draft claims.")
    links = list(claim.evidence.select_related("author").order_by("pk"))
    others = sorted(
        {link.author.get_username() for link in links if link.author_id not in (None, actor.pk)}
    )
    if others and not role.allows(Role.REVIEWER):
        raise DeleteRefused(
            f"This claim carries evidence linked by {', '.join(others)}: ask them, or a "
            "reviewer, to delete it.",
            code="evidence_of_others",
            users=others,
        )
    HistoryEntry.objects.bulk_create(
        [
            history_entry(
                actor=actor,
                obj=link,
                action=HistoryAction.DELETED,
                changes={"stance": [link.stance, None], "passage": [link.passage_id, None]},
                note="Deleted with its claim.",
            )
            for link in links
        ]
        + [
            history_entry(
                actor=actor,
                obj=claim,
                action=HistoryAction.DELETED,
                changes=diff(_claim_snapshot(claim), {}),
            )
        ]
    )
    claim.delete()
