"""The review workflow: a state machine over Claim.status.

draft → submitted → accepted | rejected; accepted and rejected can be reopened
(back to draft). Each move locks the claim's row, checks the move is legal for
the current status and the actor's role, bumps the version and records who,
when and why.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ..choices import ClaimStatus, HistoryAction, NotificationKind, Role
from ..exceptions import InvalidTransition
from ..models import Claim, Project
from .access import can_edit_claim, can_submit_claim, role_among, role_for
from .annotations import bump_version, lock_claim
from .assessments import assessment_guard, assessors_assign
from .history import history_record
from .notifications import notify


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[str]
    target: str
    action: str
    minimum_role: Role


MOVES = {
    move.name: move
    for move in (
        Move(
            "submit",
            frozenset({ClaimStatus.DRAFT}),
            ClaimStatus.SUBMITTED,
            HistoryAction.SUBMITTED,
            Role.ANNOTATOR,
        ),
        Move(
            "accept",
            frozenset({ClaimStatus.SUBMITTED}),
            ClaimStatus.ACCEPTED,
            HistoryAction.ACCEPTED,
            Role.REVIEWER,
        ),
        Move(
            "reject",
            frozenset({ClaimStatus.SUBMITTED}),
            ClaimStatus.REJECTED,
            HistoryAction.REJECTED,
            Role.REVIEWER,
        ),
        Move(
            "reopen",
            frozenset({ClaimStatus.ACCEPTED, ClaimStatus.REJECTED}),
            ClaimStatus.DRAFT,
            HistoryAction.REOPENED,
            Role.REVIEWER,
        ),
    )
}


def allowed_moves(user, claim: Claim, role: Role | None) -> list[str]:
    """The moves the user may make on the claim now (for buttons and actions)."""
    return [
        move.name
        for move in MOVES.values()
        if claim.status in move.sources and _may(user, claim, role, move)
    ]


def claim_permissions(user, claim, roles: dict[int, Role]) -> dict:
    """What the user may do with the claim now: edit it, and which review moves.

    `roles` is `roles_by_project(user)`, read once for a page of claims; `claim`
    needs only project_id, author_id and status.
    """
    role = role_among(user, roles, claim.project_id)
    return {"edit": can_edit_claim(user, claim, role), "moves": allowed_moves(user, claim, role)}


def _may(user, claim: Claim, role: Role | None, move: Move) -> bool:
    if role is None or not role.allows(move.minimum_role):
        return False
    if move.name == "submit":
        return can_submit_claim(user, claim, role)
    # assessment_guard's rule, on what the selector read (claims_for_api): no decision
    # while independent assessments or their adjudication are open (the move answers 409).
    if move.name not in ("accept", "reject"):
        return True
    # four_eyes_guard's rule, likewise on what the selector read: not one's own claim.
    own = claim.author_id is not None and claim.author_id == getattr(user, "pk", None)
    if own and getattr(claim, "project_four_eyes", False):
        return False
    return not getattr(claim, "assessments_open", False)


@transaction.atomic
def claim_move(
    *, actor, claim: Claim | int, move: str, note: str = "", expected_version: int | None = None
) -> Claim:
    """Apply a review move; PermissionDenied, InvalidTransition or StaleVersion if not allowed."""
    spec = MOVES[move]
    claim = lock_claim(claim, expected_version)
    role = role_for(actor, claim.project_id)
    if not _may(actor, claim, role, spec):
        raise PermissionDenied(
            f"Your role in this project does not allow you to {move} this claim."
        )
    if claim.status not in spec.sources:
        raise InvalidTransition(move, claim.status)
    if move in ("accept", "reject"):
        four_eyes_guard(actor, claim, move)
    assessment_guard(claim, move)  # no decision while independent assessments are unsettled
    previous = claim.status
    decision = spec.target in (ClaimStatus.ACCEPTED, ClaimStatus.REJECTED)
    fields = {"status": spec.target}
    if decision:
        fields.update(reviewer=actor, review_note=note, reviewed_at=timezone.now())
    elif spec.target == ClaimStatus.DRAFT:
        # The earlier decision stays in the history; the draft carries none.
        fields.update(reviewer=None, review_note="", reviewed_at=None)
    bump_version(claim, **fields)
    history_record(
        actor=actor,
        obj=claim,
        action=spec.action,
        changes={"status": [previous, spec.target]},
        note=note,
    )
    if move == "submit":
        assessors_assign(actor=actor, claim=claim)  # k > 1: ask k members to assess it blind
    elif move in REVIEW_NEWS:
        # The author hears of the decision with its note (issue 14). A stand-in project
        # (only its id is used) spares a query per move.
        notify(
            recipients=[claim.author_id],
            kind=REVIEW_NEWS[move],
            project=Project(pk=claim.project_id),
            actor=actor,
            claim=claim,
            text=note,
        )
    return claim


REVIEW_NEWS = {
    "accept": NotificationKind.CLAIM_ACCEPTED,
    "reject": NotificationKind.CLAIM_REJECTED,
    "reopen": NotificationKind.CLAIM_REOPENED,
}


def four_eyes_guard(actor, claim: Claim, move: str) -> None:
    """Where the project asks for four eyes, nobody decides on their own claim (403).

    Asked only of one's own claims, so other reviews cost no query.
    """
    if claim.author_id is None or claim.author_id != getattr(actor, "pk", None):
        return
    if Project.objects.filter(pk=claim.project_id, four_eyes=True).exists():
        raise PermissionDenied(
            f"This project asks for four eyes: someone else must {move} your own claim."
        )


def claim_submit(*, actor, claim, note: str = "", expected_version: int | None = None) -> Claim:
    return claim_move(
        actor=actor, claim=claim, move="submit", note=note, expected_version=expected_version
    )


def claim_accept(*, actor, claim, note: str = "", expected_version: int | None = None) -> Claim:
    return claim_move(
        actor=actor, claim=claim, move="accept", note=note, expected_version=expected_version
    )


def claim_reject(*, actor, claim, note: str = "", expected_version: int | None = None) -> Claim:
    return claim_move(
        actor=actor, claim=claim, move="reject", note=note, expected_version=expected_version
    )


def claim_reopen(*, actor, claim, note: str = "", expected_version: int | None = None) -> Claim:
    return claim_move(
        actor=actor, claim=claim, move="reopen", note=note, expected_version=expected_version
    )
