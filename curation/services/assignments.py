"""Assignments (issue 14): owners give documents to annotators; annotators move them.

assigned → in_progress → done, moved by the annotator under a row lock; an owner
reopens a done assignment (to in_progress or assigned) or sends an in-progress one
back. Every change is a HistoryEntry on the document (object_type "assignment"),
and each annotator is told once per bulk call.
"""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..choices import AssignmentState, HistoryAction, NotificationKind, Role
from ..exceptions import InvalidTransition, StaleVersion
from ..models import Assignment, Document, HistoryEntry, Membership
from ..querysets import roles_at_least
from .access import require_role, role_among, role_for
from .notifications import notify

ASSIGNED, IN_PROGRESS, DONE = (
    AssignmentState.ASSIGNED,
    AssignmentState.IN_PROGRESS,
    AssignmentState.DONE,
)
ROUND_ROBIN, EACH_TO_N = "round_robin", "each_to_n"
STRATEGIES = {ROUND_ROBIN: "Round-robin (one person per document)", EACH_TO_N: "Each to N people"}
MAX_BULK = 1000

# Who may make which move from which state: the annotator works, an owner reopens.
MOVES = {
    "start": ({ASSIGNED}, IN_PROGRESS),
    "done": ({IN_PROGRESS}, DONE),
    "reopen": ({IN_PROGRESS, DONE}, None),  # target chosen by the owner (earlier states)
}


class AssignmentMoveRefused(InvalidTransition):
    """A move the assignment's state does not allow (the API answers 409)."""

    def __init__(self, move: str, state: str):
        self.move, self.status = move, state
        ValidationError.__init__(
            self,
            f"Cannot {move} an assignment that is {AssignmentState(state).label.lower()}.",
            code="invalid_transition",
        )


# -- creating -------------------------------------------------------------------------


def _members(project_id: int, users, minimum: Role) -> set[int]:
    """Ids of the given users who are active members holding at least `minimum`."""
    ids = {user.pk for user in users}
    return set(
        Membership.objects.filter(
            project_id=project_id,
            user_id__in=ids,
            user__is_active=True,
            role__in=roles_at_least(minimum),
        ).values_list("user_id", flat=True)
    )


def _check_people(project_id: int, annotators, reviewer) -> None:
    """Annotators must be active annotators of the project, the reviewer a reviewer;
    the same wording for a stranger and a non-member, so nothing leaks."""
    people = [*annotators, *([reviewer] if reviewer else [])]
    annotating = _members(project_id, people, Role.ANNOTATOR)
    outsiders = sorted(u.get_username() for u in annotators if u.pk not in annotating)
    errors = {}
    if outsiders:
        errors["annotators"] = [
            f"{name!r} is not an active annotator of this project." for name in outsiders
        ]
    if reviewer is not None:
        if reviewer.pk in {u.pk for u in annotators}:
            errors["reviewer"] = ["The reviewer cannot also be one of the annotators."]
        elif reviewer.pk not in _members(project_id, [reviewer], Role.REVIEWER):
            errors["reviewer"] = [
                f"{reviewer.get_username()!r} is not an active reviewer of this project."
            ]
    if errors:
        raise ValidationError(errors)


def _pairs(documents, annotators, per_document: int, taken: set[tuple[int, int]]):
    """(document, annotator) pairs: each document to `per_document` people, taking the
    annotators in turn (round-robin) and skipping anyone who already has the document."""
    cursor = 0
    for document in documents:
        chosen = []
        for step in range(len(annotators)):
            candidate = annotators[(cursor + step) % len(annotators)]
            if (document.pk, candidate.pk) not in taken:
                chosen.append(candidate)
                if len(chosen) == per_document:
                    cursor = (cursor + step + 1) % len(annotators)
                    break
        else:
            cursor = (cursor + 1) % len(annotators)
        yield from ((document, annotator) for annotator in chosen)


def _entry(actor, assignment: Assignment, action: str, changes: dict, note="") -> HistoryEntry:
    return HistoryEntry(
        project_id=assignment.project_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        document_id=assignment.document_id,
        object_type="assignment",
        object_repr=f"{assignment.annotator.get_username()}: {assignment.document.title}"[:300],
        changes=changes,
        note=note,
    )


@transaction.atomic
def assignments_create(
    *,
    actor,
    documents: Sequence[Document],
    annotators: Sequence,
    strategy: str = ROUND_ROBIN,
    per_document: int = 1,
    reviewer=None,
) -> list[Assignment]:
    """Assign documents (all of one project) to annotators, all or nothing.

    Round-robin gives each document to the next annotator; "each to N" gives each
    document to N of them. Pairs that already exist are skipped. Owners only.
    """
    documents = list(dict.fromkeys(documents))
    annotators = list(dict.fromkeys(annotators))
    if not documents:
        raise ValidationError({"documents": ["Choose at least one document."]})
    if len(documents) > MAX_BULK:
        raise ValidationError({"documents": [f"Assign at most {MAX_BULK} documents at once."]})
    projects = {document.project_id for document in documents}
    if len(projects) > 1:
        raise ValidationError({"documents": ["The documents must all belong to one project."]})
    (project_id,) = projects
    require_role(actor, project_id, Role.OWNER)
    if not annotators:
        raise ValidationError({"annotators": ["Choose at least one annotator."]})
    if strategy not in STRATEGIES:
        raise ValidationError({"strategy": [f"One of {', '.join(STRATEGIES)}."]})
    per_document = 1 if strategy == ROUND_ROBIN else per_document
    if not 1 <= per_document <= len(annotators):
        raise ValidationError(
            {"per_document": [f"Between 1 and the number of annotators ({len(annotators)})."]}
        )
    _check_people(project_id, annotators, reviewer)
    taken = set(
        Assignment.objects.filter(document__in=documents, annotator__in=annotators).values_list(
            "document_id", "annotator_id"
        )
    )
    owner = actor if getattr(actor, "is_authenticated", False) else None
    created = [
        Assignment(
            project_id=project_id,
            document=document,
            annotator=annotator,
            reviewer=reviewer,
            assigned_by=owner,
        )
        for document, annotator in _pairs(documents, annotators, per_document, taken)
    ]
    Assignment.objects.bulk_create(created)
    HistoryEntry.objects.bulk_create(
        _entry(actor, a, HistoryAction.CREATED, _created_changes(a)) for a in created
    )
    _notify_assigned(actor, created, documents[0].project)
    return created


def assignment_create(*, actor, document: Document, annotator, reviewer=None) -> Assignment:
    """One document to one annotator; 400 on `annotator` if they already have it."""
    with transaction.atomic():
        require_role(actor, document.project_id, Role.OWNER)
        _check_people(document.project_id, [annotator], reviewer)
        if Assignment.objects.filter(document=document, annotator=annotator).exists():
            raise ValidationError(
                {"annotator": ["This document is already assigned to this annotator."]}
            )
        (assignment,) = assignments_create(
            actor=actor, documents=[document], annotators=[annotator], reviewer=reviewer
        )
    return assignment


def _created_changes(assignment: Assignment) -> dict:
    reviewer = assignment.reviewer.get_username() if assignment.reviewer else None
    return {
        "annotator": [None, assignment.annotator.get_username()],
        "reviewer": [None, reviewer],
        "state": [None, assignment.state],
    }


def _notify_assigned(actor, created: list[Assignment], project) -> None:
    """One notification per annotator, however many documents they were given."""
    counts: dict = {}
    for assignment in created:
        counts.setdefault(assignment.annotator, 0)
        counts[assignment.annotator] += 1
    for annotator, count in counts.items():
        noun = "document" if count == 1 else "documents"
        notify(
            recipients=[annotator],
            kind=NotificationKind.ASSIGNED,
            project=project,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            text=f"{count} {noun} in {project.name}",
        )


# -- moving ---------------------------------------------------------------------------


def lock_assignment(assignment: Assignment | int, expected_version: int | None) -> Assignment:
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("document", "annotator", "project")
        .get(pk=getattr(assignment, "pk", assignment))
    )
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(expected=expected_version, current=locked.version, what="assignment")
    return locked


def allowed_assignment_moves(user, assignment: Assignment, role: Role | None) -> list[str]:
    """The moves the user may make now (for buttons): start/done for the annotator,
    reopen for an owner."""
    moves = []
    if role is None:
        return moves
    mine = assignment.annotator_id == user.pk and role.allows(Role.ANNOTATOR)
    for name, (sources, _target) in MOVES.items():
        if assignment.state not in sources:
            continue
        if (name == "reopen" and role.allows(Role.OWNER)) or (name != "reopen" and mine):
            moves.append(name)
    return moves


@transaction.atomic
def assignment_move(
    *,
    actor,
    assignment: Assignment | int,
    move: str,
    to: str | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Assignment:
    """Start, finish or reopen an assignment: 403 if the actor may not, 409 if the
    state does not allow it, 412 if `expected_version` is stale."""
    if move not in MOVES:
        raise ValidationError({"move": [f"One of {', '.join(MOVES)}."]})
    assignment = lock_assignment(assignment, expected_version)
    role = role_for(actor, assignment.project_id)
    if move == "reopen":
        if role is None or not role.allows(Role.OWNER):
            raise PermissionDenied("Only an owner of the project may reopen an assignment.")
    elif assignment.annotator_id != getattr(actor, "pk", None) or not (
        role is not None and role.allows(Role.ANNOTATOR)
    ):
        raise PermissionDenied("Only the annotator it is assigned to may move an assignment.")
    sources, target = MOVES[move]
    if assignment.state not in sources:
        raise AssignmentMoveRefused(move, assignment.state)
    if move == "reopen":
        target = _reopen_target(assignment.state, to)
    previous = assignment.state
    assignment.state = target
    assignment.done_at = timezone.now() if target == DONE else None
    Assignment.objects.filter(pk=assignment.pk).update(
        state=target,
        done_at=assignment.done_at,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    assignment.refresh_from_db(fields=["version", "updated_at"])
    action = HistoryAction.REOPENED if move == "reopen" else HistoryAction.UPDATED
    _entry(actor, assignment, action, {"state": [previous, target]}, note).save()
    return assignment


def _reopen_target(state: str, to: str | None) -> str:
    """Reopening goes back: done → in progress (default) or assigned; in progress → assigned."""
    earlier = [ASSIGNED, IN_PROGRESS] if state == DONE else [ASSIGNED]
    target = to or earlier[-1]
    if target not in earlier:
        labels = " or ".join(AssignmentState(s).value for s in earlier)
        raise ValidationError({"to": [f"A {state} assignment reopens to {labels}."]})
    return target


@transaction.atomic
def assignment_delete(*, actor, assignment: Assignment) -> None:
    """Owners take an assignment back; the history on the document keeps it."""
    assignment = lock_assignment(assignment, None)
    require_role(actor, assignment.project_id, Role.OWNER)
    _entry(actor, assignment, HistoryAction.DELETED, {"state": [assignment.state, None]}).save()
    assignment.delete()


# -- the rule for claims ------------------------------------------------------------------


def unassigned_guard(actor, documents: Sequence[Document], roles: dict) -> None:
    """Where a project says annotators work only on what they were given, a plain
    annotator may not create claims on other documents (403).

    `roles` are the actor's roles by project (already read by the caller); the check
    costs one query, and only for plain annotators.
    """
    annotating = {
        d.pk for d in documents if role_among(actor, roles, d.project_id) == Role.ANNOTATOR
    }
    if not annotating:
        return
    refused = (
        Document.objects.filter(pk__in=annotating, project__annotate_unassigned=False)
        .exclude(assignments__annotator=actor)
        .order_by()
        .values_list("title", flat=True)[:1]
    )
    for title in refused:
        raise PermissionDenied(
            f"This project lets annotators work only on documents assigned to them; "
            f"“{title}” is not assigned to you. Ask an owner to assign it."
        )
