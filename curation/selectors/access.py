"""Who holds which role: the membership reads that access rules and pages share."""

from ..choices import Role
from ..models import Membership


def may_hold_roles(user) -> bool:
    """Anonymous and inactive users hold no role anywhere, whatever their memberships."""
    return user is not None and user.is_authenticated and user.is_active


def roles_by_project(user) -> dict[int, Role]:
    """Every membership of the user at once ({project id: role}), for pages that ask
    per row; `services.access.role_among` turns it into the user's role."""
    if not may_hold_roles(user):
        return {}
    return {
        project_id: Role(role)
        # order_by(): no join to the projects for Meta.ordering.
        for project_id, role in Membership.objects.filter(user=user)
        .order_by()
        .values_list("project_id", "role")
    }
