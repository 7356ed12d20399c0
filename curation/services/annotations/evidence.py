"""Evidence links: a passage of the claim's project supporting or refuting it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from ...choices import HistoryAction, Role, Stance
from ...exceptions import StaleVersion
from ...models import Claim, EvidenceLink, Passage
from ..access import can_edit_evidence, require_role
from ..history import history_record, tracked_update
from .claims import bump_version

EVIDENCE_EDITABLE_FIELDS = ("stance", "note")


@transaction.atomic
def evidence_link(
    *, actor, claim: Claim, passage: Passage, stance: str = Stance.SUPPORTS, note: str = ""
) -> EvidenceLink:
    """Link a passage of any document of the claim's project as evidence."""
    require_role(actor, claim.project_id, Role.ANNOTATOR)
    if passage.document.project_id != claim.project_id:
        raise ValidationError({"passage": "Evidence must come from the claim's project."})
    link = EvidenceLink(claim=claim, passage=passage, stance=stance, note=note, author=actor)
    link.full_clean(exclude=["claim", "passage", "author"], validate_constraints=False)
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:
        # The unique constraint, not a racy pre-check, decides.
        raise ValidationError(
            {"passage": "This passage is already evidence for the claim."}, code="unique"
        ) from None
    history_record(
        actor=actor,
        obj=link,
        action=HistoryAction.CREATED,
        changes={"stance": [None, stance], "passage": [None, passage.pk], "note": [None, note]},
    )
    return link


def lock_evidence(link: EvidenceLink, expected_version: int | None = None) -> EvidenceLink:
    """The link's row, locked for this transaction, checked against a version."""
    locked = (
        EvidenceLink.objects.select_for_update(of=("self",)).select_related("claim").get(pk=link.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(expected=expected_version, current=locked.version, what="evidence link")
    return locked


@transaction.atomic
def evidence_update(
    *, actor, link: EvidenceLink, expected_version: int | None = None, **fields
) -> EvidenceLink:
    """Change a link's stance or note (its claim and passage are its identity)."""
    link = lock_evidence(link, expected_version)
    role = require_role(actor, link.claim.project_id, Role.ANNOTATOR)
    if not can_edit_evidence(actor, link, role):
        raise PermissionDenied("Annotators edit only their own evidence links.")

    def save(link: EvidenceLink, changes: dict) -> None:
        bump_version(link, **{name: getattr(link, name) for name in changes})

    tracked_update(
        actor=actor,
        obj=link,
        data=fields,
        fields=EVIDENCE_EDITABLE_FIELDS,
        clean={"exclude": ["claim", "passage", "author"], "validate_constraints": False},
        save=save,
    )
    return link


@transaction.atomic
def evidence_unlink(*, actor, link: EvidenceLink, expected_version: int | None = None) -> None:
    link = lock_evidence(link, expected_version)
    role = require_role(actor, link.claim.project_id, Role.ANNOTATOR)
    if not can_edit_evidence(actor, link, role):
        raise PermissionDenied("Annotators remove only their own evidence links.")
    history_record(
        actor=actor,
        obj=link,
        action=HistoryAction.DELETED,
        changes={"stance": [link.stance, None], "passage": [link.passage_id, None]},
    )
    link.delete()
