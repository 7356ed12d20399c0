"""The admin's discussion pieces (issue 14): the header's unread count and a claim's
thread on its change page."""

from django import template

from ..selectors.comments import claim_thread, unread_count
from ..services.access import role_for
from ..services.comments import may_comment

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int | None:
    """The user's unread notifications (one query per page), or None for no link at all."""
    request = context.get("request")
    if request is None:
        return None
    # Only for members: the admin already read the user's roles to build its menu.
    if not any(app["app_label"] == "curation" for app in context.get("available_apps") or ()):
        return None
    if not hasattr(request, "_claimdesk_unread"):
        request._claimdesk_unread = unread_count(request.user)
    return request._claimdesk_unread


@register.inclusion_tag("admin/curation/claim/discussion.html", takes_context=True)
def claim_discussion(context, claim):
    user = context["request"].user
    return {
        "claim": claim,
        "comments": claim_thread(user, claim.pk),
        "can_comment": may_comment(role_for(user, claim.project_id), claim.project),
        "user": user,
        "csrf_token": context.get("csrf_token"),
    }
