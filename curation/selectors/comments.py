"""Reading discussions (issue 14): a claim's thread, comment counts, unread counts."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q

from ..models import Comment, Notification


def comments_for(user):
    """The comments the user may read, with what a list shows: one query for the
    rows (author joined) and one for all their mentions."""
    return (
        Comment.objects.visible_to(user)
        .select_related("author")
        .prefetch_related(
            Prefetch("mentions", get_user_model().objects.only("pk", "username").order_by("pk"))
        )
    )


def claim_thread(user, claim_id: int) -> list[Comment]:
    """The claim's comments in reading order: each thread's root by time, its replies
    (at any depth) under their parent, by time; `depth` set on each comment."""
    comments = list(comments_for(user).filter(claim_id=claim_id).order_by("created_at", "pk"))
    children: dict[int | None, list[Comment]] = {}
    known = {comment.pk for comment in comments}
    for comment in comments:
        parent = comment.parent_id if comment.parent_id in known else None
        children.setdefault(parent, []).append(comment)
    ordered: list[Comment] = []

    def walk(parent_id, depth):
        for comment in children.get(parent_id, []):
            comment.depth = depth
            ordered.append(comment)
            walk(comment.pk, depth + 1)

    walk(None, 0)
    return ordered


def comment_counts(user, claim_ids) -> dict[int, int]:
    """{claim id: comments not retracted}, in one query, for a page of claims."""
    rows = (
        Comment.objects.visible_to(user)
        .filter(claim_id__in=list(claim_ids), retracted_at__isnull=True)
        .order_by()
        .values("claim_id")
        .annotate(n=Count("pk"))
    )
    return {row["claim_id"]: row["n"] for row in rows}


def unread_count(user) -> int:
    """The user's unread notifications (the admin header's figure), one query."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.visible_to(user).unread().order_by().count()


def notifications_for(user, *, unread: bool | None = None):
    rows = Notification.objects.visible_to(user).select_related(
        "actor", "claim", "release", "project"
    )
    if unread is True:
        rows = rows.filter(read_at__isnull=True)
    elif unread is False:
        rows = rows.filter(~Q(read_at=None))
    return rows
