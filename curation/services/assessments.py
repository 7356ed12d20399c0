"""Independent assessments, their settlement and adjudication (issue 15).

With `Project.assessments_per_claim` = k > 1, submitting a claim opens a round:
k eligible members are asked, round-robin, to assess it blind. When the k have
submitted, the round is settled: by agreement (same kind and stances,
credibility within the project's tolerance; the claim takes the median grade)
or, failing that, it waits for an adjudicator. A claim with an unsettled round
cannot be accepted or rejected. Every step is in the claim's history; entries
written while a round is open carry no values, so the history cannot unblind.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ..choices import (
    AssessmentStatus,
    ClaimKind,
    Credibility,
    HistoryAction,
    Role,
    RoundState,
    Stance,
)
from ..models import (
    AssessedStance,
    Assessment,
    AssessmentRound,
    Claim,
    EvidenceLink,
    HistoryEntry,
    Project,
)
from ..models.assessments import OPEN_STATES
from .access import require_role
from .annotations import bump_version, lock_claim
from .assessors import (
    AssessmentConflict,
    assessment_reassign,
    assessors_assign,
    eligible_assessors,
)
from .history import history_entry, history_record


@dataclass(frozen=True)
class Values:
    """What an assessment or an adjudication says about a claim."""

    credibility: int
    kind: str
    stances: dict[int, str]  # evidence link id -> stance


# -- assessing ------------------------------------------------------------------


def _checked_values(claim: Claim, *, credibility, kind, stances: dict | Iterable | None) -> Values:
    """The values, checked against the scales and the claim's evidence (400 otherwise)."""
    errors = {}
    if credibility not in Credibility.values:
        errors["credibility"] = f"Credibility is graded 1 to 6; got {credibility!r}."
    if kind not in ClaimKind.values:
        errors["kind"] = f"kind must be one of {', '.join(ClaimKind.values)}; got {kind!r}."
    links = set(EvidenceLink.objects.filter(claim=claim).values_list("pk", flat=True))
    given: dict[int, str] = {}
    if isinstance(stances, dict):
        items = list(stances.items())
    else:
        items = [(item.get("evidence"), item.get("stance")) for item in stances or []]
    problems = []
    for evidence, stance in items:
        try:
            evidence = int(evidence)
        except (TypeError, ValueError):
            problems.append(f"{evidence!r} is not an evidence link id.")
            continue
        if evidence not in links:
            problems.append(f"Evidence link {evidence} is not evidence for this claim.")
        elif stance not in Stance.values:
            problems.append(
                f"Evidence link {evidence}: stance must be one of {', '.join(Stance.values)}."
            )
        else:
            given[evidence] = stance
    missing = sorted(links - set(given))
    if missing:
        problems.append(f"Give a stance for every evidence link; missing: {missing}.")
    if problems:
        errors["stances"] = problems
    if errors:
        raise ValidationError(errors)
    return Values(credibility=credibility, kind=kind, stances=given)


def _write_stances(assessment: Assessment, stances: dict[int, str]) -> None:
    AssessedStance.objects.filter(assessment=assessment).delete()
    AssessedStance.objects.bulk_create(
        AssessedStance(assessment=assessment, evidence_id=pk, stance=stance)
        for pk, stance in stances.items()
    )


@transaction.atomic
def assessment_submit(
    *, actor, claim: Claim | int, credibility, kind, stances=None, note: str = ""
) -> Assessment:
    """Record the actor's assessment of the claim; settle the round if it was the last."""
    claim = lock_claim(claim)
    round_ = (
        AssessmentRound.objects.select_for_update().filter(claim=claim).order_by("-number").first()
    )
    mine = round_ and Assessment.objects.filter(round=round_, assessor=actor).first()
    if not mine:
        raise PermissionDenied("You were not asked to assess this claim.")
    if mine.status == AssessmentStatus.SUBMITTED:
        raise AssessmentConflict(
            "You already submitted your assessment of this claim.", mine.status
        )
    if round_.state != RoundState.OPEN:
        raise AssessmentConflict("This claim's assessments are closed.", round_.state)
    values = _checked_values(claim, credibility=credibility, kind=kind, stances=stances)
    mine.credibility, mine.kind, mine.note = values.credibility, values.kind, note
    mine.status, mine.submitted_at = AssessmentStatus.SUBMITTED, timezone.now()
    mine.save()
    _write_stances(mine, values.stances)
    done = round_.assessments.filter(status=AssessmentStatus.SUBMITTED).count()
    history_record(
        actor=actor,
        obj=claim,
        action=HistoryAction.UPDATED,
        changes={"assessments_submitted": [done - 1, done]},
        note=f"Round {round_.number}: an assessment was submitted ({done} of {round_.required}).",
    )
    if done == round_.required:
        _settle(actor=actor, claim=claim, round_=round_)
    return mine


@transaction.atomic
def assessment_update(
    *, actor, assessment: Assessment, credibility=None, kind=None, stances=None, note=None
) -> Assessment:
    """Correct one's own assessment, while nobody else's could have been seen."""
    claim = lock_claim(assessment.claim_id)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.assessor_id != actor.pk:
        raise PermissionDenied("Only its assessor may change an assessment.")
    round_ = AssessmentRound.objects.get(pk=assessment.round_id)
    if round_.state != RoundState.OPEN:
        raise AssessmentConflict(
            "The claim was settled: only adjudication changes the outcome now.", round_.state
        )
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise AssessmentConflict(
            "Submit your assessment first (POST /api/v1/assessments/).", assessment.status
        )
    others = round_.assessments.filter(status=AssessmentStatus.SUBMITTED).exclude(pk=assessment.pk)
    if others.exists():
        # Once another assessment is submitted, its assessor's view and yours are
        # open to each other: a change now would no longer be independent.
        raise AssessmentConflict(
            "Another assessor has submitted: assessments are final from then on.",
            assessment.status,
        )
    current = dict(
        AssessedStance.objects.filter(assessment=assessment).values_list("evidence_id", "stance")
    )
    values = _checked_values(
        claim,
        credibility=assessment.credibility if credibility is None else credibility,
        kind=assessment.kind if kind is None else kind,
        stances=current if stances is None else stances,
    )
    assessment.credibility, assessment.kind = values.credibility, values.kind
    if note is not None:
        assessment.note = note
    assessment.save()
    _write_stances(assessment, values.stances)
    history_record(
        actor=actor,
        obj=claim,
        action=HistoryAction.UPDATED,
        changes={"assessment_changed": [None, str(assessment.uuid)]},
        note=f"Round {round_.number}: an assessor corrected their assessment.",
    )
    return assessment


# -- settling -------------------------------------------------------------------


def agreement_of(values: list[Values], tolerance: int) -> Values | None:
    """The agreed values of k assessments, or None when they disagree.

    They agree when credibility spans no more than `tolerance` grades and kind and
    every stance are the same; the claim then takes the (lower) median grade.
    """
    grades = sorted(v.credibility for v in values)
    if grades[-1] - grades[0] > tolerance:
        return None
    if len({v.kind for v in values}) != 1:
        return None
    links = set().union(*(v.stances for v in values))
    stances = {}
    for link in links:
        given = {v.stances.get(link) for v in values} - {None}
        if len(given) > 1:
            return None
        stances[link] = given.pop()
    return Values(credibility=grades[(len(grades) - 1) // 2], kind=values[0].kind, stances=stances)


def _values_of(round_: AssessmentRound) -> list[Values]:
    stances: dict[int, dict[int, str]] = {}
    for assessment_id, evidence_id, stance in AssessedStance.objects.filter(
        assessment__round=round_
    ).values_list("assessment_id", "evidence_id", "stance"):
        stances.setdefault(assessment_id, {})[evidence_id] = stance
    return [
        Values(credibility=a.credibility, kind=a.kind, stances=stances.get(a.pk, {}))
        for a in round_.assessments.filter(status=AssessmentStatus.SUBMITTED).order_by("pk")
    ]


def _apply(*, actor, claim: Claim, values: Values, note: str) -> None:
    """Set the claim's grading and its evidence stances to the settled values."""
    before = {"credibility": claim.credibility, "kind": claim.kind}
    after = {"credibility": values.credibility, "kind": values.kind}
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    bump_version(claim, **after)
    entries = [
        history_entry(
            actor=actor, obj=claim, action=HistoryAction.GRADED, changes=changes, note=note
        )
    ]
    links = EvidenceLink.objects.select_for_update().filter(
        claim=claim, pk__in=list(values.stances)
    )
    for link in links:
        stance = values.stances[link.pk]
        if link.stance != stance:
            entries.append(
                history_entry(
                    actor=actor,
                    obj=link,
                    action=HistoryAction.UPDATED,
                    changes={"stance": [link.stance, stance]},
                    note=note,
                )
            )
            link.stance = stance
            link.save(update_fields=["stance", "updated_at"])
    HistoryEntry.objects.bulk_create(entries)


def _settle(*, actor, claim: Claim, round_: AssessmentRound) -> None:
    project = Project.objects.only("credibility_tolerance").get(pk=round_.project_id)
    agreed = agreement_of(_values_of(round_), project.credibility_tolerance)
    now = timezone.now()
    if agreed is None:
        round_.state, round_.agreed = RoundState.DISPUTED, False
        round_.save(update_fields=["state", "agreed"])
        history_record(
            actor=actor,
            obj=claim,
            action=HistoryAction.UPDATED,
            changes={"assessment": [RoundState.OPEN, RoundState.DISPUTED]},
            note=f"Round {round_.number}: the assessors disagree; the claim awaits adjudication.",
        )
        return
    round_.state, round_.agreed, round_.settled_at = RoundState.AGREED, True, now
    round_.credibility, round_.kind = agreed.credibility, agreed.kind
    round_.save(update_fields=["state", "agreed", "settled_at", "credibility", "kind"])
    _apply(
        actor=actor,
        claim=claim,
        values=agreed,
        note=f"Round {round_.number}: the {round_.required} assessors agree.",
    )


@transaction.atomic
def round_adjudicate(
    *, actor, round: AssessmentRound, credibility, kind, stances=None, note: str = ""
) -> AssessmentRound:
    """A reviewer who did not assess the claim sets its final values, with a note."""
    claim = lock_claim(round.claim_id)
    round_ = AssessmentRound.objects.select_for_update().get(pk=round.pk)
    require_role(actor, round_.project_id, Role.REVIEWER)
    if round_.assessments.filter(assessor_id=actor.pk).exists():
        raise PermissionDenied("You assessed this claim: another reviewer must adjudicate it.")
    if round_.state != RoundState.DISPUTED:
        raise AssessmentConflict(
            "Only a claim whose assessors disagree awaits adjudication.", round_.state
        )
    if not note.strip():
        raise ValidationError({"note": "Say why: adjudication needs a note."})
    values = _checked_values(claim, credibility=credibility, kind=kind, stances=stances)
    round_.state, round_.settled_at = RoundState.ADJUDICATED, timezone.now()
    round_.credibility, round_.kind = values.credibility, values.kind
    round_.adjudicator, round_.note = actor, note
    round_.save()
    _apply(actor=actor, claim=claim, values=values, note=f"Adjudicated: {note}")
    return round_


def assessment_guard(claim: Claim, move: str) -> None:
    """Refuse accept/reject while the claim's assessments are unsettled (409)."""
    if move not in ("accept", "reject"):
        return
    open_round = (
        AssessmentRound.objects.filter(claim=claim, state__in=OPEN_STATES)
        .values_list("state", flat=True)
        .first()
    )
    if open_round is not None:
        waiting = "its assessments" if open_round == RoundState.OPEN else "adjudication"
        raise AssessmentConflict(
            f"Cannot {move} a claim that awaits {waiting}.", f"submitted ({open_round})"
        )


def may_assess(user, claim: Claim) -> bool:
    """Is the user asked to assess the claim and yet to submit?"""
    return Assessment.objects.filter(
        claim=claim,
        assessor_id=getattr(user, "pk", None),
        status=AssessmentStatus.PENDING,
        round__state=RoundState.OPEN,
    ).exists()


__all__ = [
    "AssessmentConflict",
    "Values",
    "agreement_of",
    "assessment_guard",
    "assessment_reassign",
    "assessment_submit",
    "assessment_update",
    "assessors_assign",
    "eligible_assessors",
    "may_assess",
    "round_adjudicate",
]
