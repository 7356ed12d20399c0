"""Who assesses a submitted claim (issue 15): eligibility, round-robin, reassignment.

services/assessments.py holds the rest (assessing, settling, adjudicating) and
re-exports these.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from ..choices import AssessmentStatus, AssessorPool, HistoryAction, Role, RoundState
from ..exceptions import InvalidTransition
from ..models import (
    Assessment,
    AssessmentRound,
    Claim,
    EvidenceLink,
    HistoryEntry,
    Membership,
    Project,
)
from ..querysets import roles_at_least
from .access import require_role
from .history import history_record


class AssessmentConflict(InvalidTransition):
    """A write the round's state forbids (the API answers 409)."""

    def __init__(self, message: str, status: str):
        self.move = "assess"
        self.status = status
        ValidationError.__init__(self, message, code="invalid_transition")


# -- assigning -----------------------------------------------------------------


def _touched(claim: Claim) -> set[int]:
    """Everyone who already changed the claim or its evidence (four eyes)."""
    actors = HistoryEntry.objects.filter(claim=claim).values_list("actor_id", flat=True)
    linkers = EvidenceLink.objects.filter(claim=claim).values_list("author_id", flat=True)
    return {pk for pk in [*actors, *linkers] if pk is not None}


def eligible_assessors(project: Project, claim: Claim) -> list[int]:
    """User ids that may assess the claim, in round-robin order (by id)."""
    minimum = Role.REVIEWER if project.assessor_pool == AssessorPool.REVIEWERS else Role.ANNOTATOR
    members = Membership.objects.filter(
        project=project, role__in=roles_at_least(minimum), user__is_active=True
    ).exclude(user_id=claim.author_id)
    excluded: set[int] = set()
    # With four eyes (issue 14), nobody who already changed the claim assesses it.
    if project.four_eyes:
        excluded = _touched(claim)
    ids = members.order_by("user_id").values_list("user_id", flat=True)
    return [pk for pk in ids if pk not in excluded]


def _round_robin(candidates: list[int], cursor: int, k: int) -> list[int]:
    """The next k candidates after `cursor`, wrapping around: fair and deterministic."""
    after = [pk for pk in candidates if pk > cursor]
    before = [pk for pk in candidates if pk <= cursor]
    return (after + before)[:k]


def assessors_assign(*, actor, claim: Claim) -> AssessmentRound | None:
    """Open a round for a claim just submitted, if its project asks for k > 1.

    Called by `claim_submit` inside its transaction (the claim is locked).
    """
    project = Project.objects.select_for_update().get(pk=claim.project_id)
    k = project.assessments_per_claim
    if k <= 1:
        return None
    candidates = eligible_assessors(project, claim)
    if len(candidates) < k:
        raise ValidationError(
            f"This project asks for {k} independent assessments per claim, but only "
            f"{len(candidates)} member(s) may assess this one: add members or lower "
            "assessments_per_claim."
        )
    chosen = _round_robin(candidates, project.assessor_cursor, k)
    # The cursor moves past the last one asked, so the next claim asks the next ones.
    Project.objects.filter(pk=project.pk).update(assessor_cursor=chosen[-1])
    number = (AssessmentRound.objects.filter(claim=claim).aggregate(n=Max("number"))["n"] or 0) + 1
    round_ = AssessmentRound(project=project, claim=claim, number=number, required=k)
    round_.full_clean(exclude=["claim", "project"], validate_constraints=False)
    round_.save()
    Assessment.objects.bulk_create(
        Assessment(project=project, round=round_, claim=claim, assessor_id=pk) for pk in chosen
    )
    history_record(
        actor=actor,
        obj=claim,
        action=HistoryAction.UPDATED,
        changes={"assessors": [[], chosen]},
        note=f"Round {number}: {k} members asked to assess the claim independently.",
    )
    return round_


@transaction.atomic
def assessment_reassign(*, actor, assessment: Assessment, assessor) -> Assessment:
    """An owner hands a pending assessment to another eligible member."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    require_role(actor, assessment.project_id, Role.OWNER)
    round_ = AssessmentRound.objects.select_for_update().get(pk=assessment.round_id)
    if round_.state != RoundState.OPEN or assessment.status != AssessmentStatus.PENDING:
        raise AssessmentConflict(
            "Only a pending assessment of an open round can be reassigned.", assessment.status
        )
    claim = Claim.objects.get(pk=assessment.claim_id)
    project = Project.objects.get(pk=assessment.project_id)
    taken = set(round_.assessments.values_list("assessor_id", flat=True))
    if assessor.pk not in eligible_assessors(project, claim) or assessor.pk in taken:
        raise ValidationError(
            {
                "assessor": f"{assessor.get_username()} may not assess this claim (not in the "
                "assessor pool, its author, or already asked)."
            }
        )
    previous = assessment.assessor_id
    assessment.assessor = assessor
    assessment.save(update_fields=["assessor", "updated_at"])
    history_record(
        actor=actor,
        obj=claim,
        action=HistoryAction.UPDATED,
        changes={"assessors": [[previous], [assessor.pk]]},
        note=f"Round {round_.number}: assessment reassigned.",
    )
    return assessment
