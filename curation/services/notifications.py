"""Notifications: the one place that tells members something happened (issue 14).

Other services call `notify` inside their own transaction, so a notification
exists exactly when the change it reports was committed. Email is optional
(settings.CLAIMDESK_NOTIFY_BY_EMAIL, off by default) and sent after commit.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from ..choices import NotificationKind
from ..models import Membership, Notification

logger = logging.getLogger(__name__)


def notify(
    *,
    recipients: Iterable,
    kind: NotificationKind | str,
    project,
    actor=None,
    claim=None,
    comment=None,
    release=None,
    text: str = "",
) -> list[Notification]:
    """One notification per recipient who is an active member, never the actor.

    Recipients who are no longer members (or inactive accounts) are skipped
    silently: a notification must not reveal a project to someone outside it.
    """
    wanted = {getattr(user, "pk", user) for user in recipients if user is not None}
    wanted.discard(getattr(actor, "pk", actor))
    if not wanted:
        return []
    members = set(
        Membership.objects.filter(
            project=project, user_id__in=wanted, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    created = Notification.objects.bulk_create(
        Notification(
            recipient_id=user_id,
            project=project,
            kind=kind,
            actor=actor,
            claim=claim,
            comment=comment,
            release=release,
            text=text,
        )
        for user_id in sorted(members)
    )
    if created and getattr(settings, "CLAIMDESK_NOTIFY_BY_EMAIL", False):
        transaction.on_commit(lambda: _email(created))
    return created


def _email(notifications: list[Notification]) -> None:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk([n.recipient_id for n in notifications])
    messages = [
        (
            f"[Claimdesk] {NotificationKind(n.kind).label}",
            n.text or NotificationKind(n.kind).label,
            None,
            [users[n.recipient_id].email],
        )
        for n in notifications
        if users[n.recipient_id].email
    ]
    try:
        send_mass_mail(messages)
    except Exception:  # the notifications are committed; a mail server's trouble is logged
        logger.exception("Could not email %d notification(s).", len(messages))


@transaction.atomic
def notification_read(*, actor, notification: Notification | int) -> Notification:
    """Mark one of the actor's own notifications read (already read: unchanged)."""
    found = Notification.objects.visible_to(actor).get(pk=getattr(notification, "pk", notification))
    if found.read_at is None:
        found.read_at = timezone.now()
        found.save(update_fields=["read_at"])
    return found


@transaction.atomic
def notifications_read_all(*, actor) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    return Notification.objects.visible_to(actor).unread().update(read_at=timezone.now())
