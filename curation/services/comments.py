"""Discussing a claim (issue 14): comments, replies, edits, retractions, mentions.

Every change is a HistoryEntry on the claim (object_type "comment", changes
{"body": [old, new]}), so the claim's history view shows the discussion and
keeps what a comment said after it was edited or retracted.
"""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ..choices import HistoryAction, NotificationKind, Role
from ..exceptions import StaleVersion
from ..models import Claim, Comment, HistoryEntry, Membership
from .access import role_for
from .notifications import notify

# Django usernames are letters, digits and @ . + - _; a mention ends before a
# trailing full stop ("thanks @anna.") and never starts inside a word or address.
# A comment names a few people; a bound keeps the lookup one small query.
MAX_MENTIONS = 50
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]*[\w+-])")


def mentioned_usernames(body: str) -> list[str]:
    """The `@username`s of a body, in order, each once."""
    return list(dict.fromkeys(MENTION.findall(body)))


def _clean_body(body) -> str:
    if not isinstance(body, str):
        raise ValidationError({"body": "A comment's body is text."})
    if "\x00" in body:
        raise ValidationError({"body": "The body contains a NUL byte."})
    if not body.strip():
        raise ValidationError({"body": "A comment needs some text."})
    if len(body) > Comment.MAX_LENGTH:
        raise ValidationError(
            {"body": f"A comment has at most {Comment.MAX_LENGTH} characters ({len(body)} sent)."}
        )
    return body


def may_comment(role: Role | None, project) -> bool:
    """Annotators and above; viewers only where the project lets them."""
    if role is None:
        return False
    return role.allows(Role.ANNOTATOR) or bool(project.viewers_may_comment)


def _require_commenter(actor, claim: Claim) -> None:
    role = role_for(actor, claim.project_id)
    if role is None:  # cannot see the claim: as if it did not exist
        raise ValidationError({"claim": "No such claim."})
    if not may_comment(role, claim.project):
        raise PermissionDenied("Viewers may not comment in this project.")


def _mentioned_members(claim: Claim, body: str) -> list:
    """Active members of the claim's project named in `body`; anyone else is ignored
    without a word, so a mention cannot probe which accounts exist."""
    names = mentioned_usernames(body)[:MAX_MENTIONS]
    if not names:
        return []
    members = Membership.objects.filter(project_id=claim.project_id).values("user_id")
    return list(get_user_model().objects.filter(username__in=names, is_active=True, pk__in=members))


def _record(*, actor, comment: Comment, before: str, after: str, action: str, note: str = ""):
    HistoryEntry.objects.create(
        project_id=comment.project_id,
        claim_id=comment.claim_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type="comment",
        object_repr=(str(comment) if after else before or "(retracted)")[:300],
        changes={"body": [before, after]},
        note=note,
    )


def _tell(*, actor, comment: Comment, claim: Claim, mentioned: list, already: set) -> None:
    """MENTIONED to the newly mentioned, COMMENTED to the claim's author (once)."""
    mentioned_ids = {user.pk for user in mentioned} - already
    summary = comment.body[:200]
    notify(
        recipients=mentioned_ids,
        kind=NotificationKind.MENTIONED,
        project=claim.project,
        actor=actor,
        claim=claim,
        comment=comment,
        text=summary,
    )
    author_id = claim.author_id
    if author_id and author_id not in mentioned_ids and author_id not in already:
        notify(
            recipients=[author_id],
            kind=NotificationKind.COMMENTED,
            project=claim.project,
            actor=actor,
            claim=claim,
            comment=comment,
            text=summary,
        )


@transaction.atomic
def comment_create(*, actor, claim: Claim | int, body: str, parent: Comment | None = None):
    """Comment on a claim (or reply to one of its comments), mentioning members."""
    claim = Claim.objects.select_related("project").get(pk=getattr(claim, "pk", claim))
    _require_commenter(actor, claim)
    body = _clean_body(body)
    if parent is not None and parent.claim_id != claim.pk:
        raise ValidationError({"parent": "A reply must be to a comment on the same claim."})
    comment = Comment(project_id=claim.project_id, claim=claim, parent=parent, body=body)
    comment.author = actor if getattr(actor, "is_authenticated", False) else None
    comment.full_clean(exclude=["mentions"])
    comment.save()
    mentioned = _mentioned_members(claim, body)
    comment.mentions.set(mentioned)
    _record(actor=actor, comment=comment, before="", after=body, action=HistoryAction.CREATED)
    _tell(actor=actor, comment=comment, claim=claim, mentioned=mentioned, already=set())
    return comment


def _lock_own(actor, comment: Comment | int, expected_version: int | None) -> Comment:
    locked = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("claim__project")
        .get(pk=getattr(comment, "pk", comment))
    )
    if role_for(actor, locked.project_id) is None:
        raise ValidationError({"comment": "No such comment."})
    if locked.author_id is None or locked.author_id != getattr(actor, "pk", None):
        raise PermissionDenied("Only its author may change a comment.")
    if locked.retracted_at is not None:
        raise ValidationError({"body": "This comment was retracted; it cannot change any more."})
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(expected=expected_version, current=locked.version, what="comment")
    return locked


@transaction.atomic
def comment_edit(
    *, actor, comment: Comment | int, body: str, expected_version: int | None = None
) -> Comment:
    """The author rewrites their comment; the history keeps the old wording."""
    comment = _lock_own(actor, comment, expected_version)
    body = _clean_body(body)
    old = comment.body
    if body == old:
        return comment
    already = set(comment.mentions.values_list("pk", flat=True))
    comment.body = body
    comment.edited_at = timezone.now()
    comment.version += 1
    comment.full_clean(exclude=["mentions"])
    comment.save(update_fields=["body", "edited_at", "version"])
    mentioned = _mentioned_members(comment.claim, body)
    comment.mentions.set(mentioned)
    _record(actor=actor, comment=comment, before=old, after=body, action=HistoryAction.UPDATED)
    # Someone named only now learns of it; nobody is told twice about one comment.
    notify(
        recipients={user.pk for user in mentioned} - already,
        kind=NotificationKind.MENTIONED,
        project=comment.claim.project,
        actor=actor,
        claim=comment.claim,
        comment=comment,
        text=body[:200],
    )
    return comment


@transaction.atomic
def comment_retract(
    *, actor, comment: Comment | int, expected_version: int | None = None, note: str = ""
) -> Comment:
    """The author withdraws their comment: the row stays (replies keep their place),
    its body is emptied, and the history entry keeps what it said."""
    comment = _lock_own(actor, comment, expected_version)
    old = comment.body
    comment.body = ""
    comment.retracted_at = timezone.now()
    comment.version += 1
    comment.save(update_fields=["body", "retracted_at", "version"])
    _record(
        actor=actor,
        comment=comment,
        before=old,
        after="",
        action=HistoryAction.UPDATED,
        note=note or "Comment retracted.",
    )
    return comment
