"""Who may do what: the role rules of DESIGN.md in one place.

Admin, API and commands ask these functions; services enforce them again
inside their transactions, so no surface can skip a rule.
"""

from django.core.exceptions import PermissionDenied

from ..choices import ClaimStatus, Role
from ..models import Claim, EvidenceLink, Membership, Project
from ..selectors.access import may_hold_roles, roles_by_project


class _System:
    """The actor of management commands run by the operator: all rights, no user.

    Passed explicitly (never a default), so a web request cannot fall into it.
    """

    is_authenticated = False
    is_active = True
    is_superuser = True
    pk = None

    def __repr__(self):
        return "SYSTEM"


SYSTEM = _System()


def _acts_as_owner(user) -> bool:
    """SYSTEM and active superusers hold every right in every project."""
    return user is SYSTEM or (may_hold_roles(user) and user.is_superuser)


def role_for(user, project: Project | int) -> Role | None:
    """The user's role in the project (superusers act as owners), or None."""
    if _acts_as_owner(user):
        return Role.OWNER
    if not may_hold_roles(user):
        return None
    project_id = getattr(project, "pk", project)
    role = (
        Membership.objects.filter(project_id=project_id, user=user)
        .order_by()  # not Meta.ordering: no join to the project
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def role_among(user, roles: dict[int, Role], project_id: int) -> Role | None:
    """`role_for`, answered from the user's memberships read once (`roles_by_project`,
    or any query that read them)."""
    if _acts_as_owner(user):
        return Role.OWNER
    return roles.get(project_id) if may_hold_roles(user) else None


def _checked(role: Role | None, minimum: Role) -> Role:
    if role is None or not role.allows(minimum):
        raise PermissionDenied(f"This needs the {Role(minimum).label.lower()} role in the project.")
    return role


def may_create_projects(user) -> bool:
    """Superusers, the operator (SYSTEM) and users granted "Can add project"
    (`curation.add_project`, directly or through a group) may start a project.

    A project is the unit of access: who may open one is the administrator's
    call, granted in the admin's user or group pages, not every account's.
    """
    if _acts_as_owner(user):
        return True
    return may_hold_roles(user) and user.has_perm("curation.add_project")


def require_role(user, project: Project | int, minimum: Role) -> Role:
    return _checked(role_for(user, project), minimum)


def require_roles(user, project_ids, minimum: Role) -> dict[int, Role]:
    """`require_role` for several projects, in one query; the roles it read."""
    roles = {} if _acts_as_owner(user) else roles_by_project(user)
    for project_id in project_ids:
        _checked(role_among(user, roles, project_id), minimum)
    return roles


def can_edit_claim(user, claim: Claim, role: Role | None) -> bool:
    """Reviewers edit any claim; annotators only their own drafts."""
    if role is None:
        return False
    if role.allows(Role.REVIEWER):
        return True
    return (
        role.allows(Role.ANNOTATOR)
        and claim.author_id == user.pk
        and claim.status == ClaimStatus.DRAFT
    )


def can_edit_evidence(user, link: EvidenceLink, role: Role | None) -> bool:
    """Reviewers edit any evidence link; annotators their own."""
    if role is None:
        return False
    if role.allows(Role.REVIEWER):
        return True
    return role.allows(Role.ANNOTATOR) and link.author_id == user.pk


def can_submit_claim(user, claim: Claim, role: Role | None) -> bool:
    if role is None:
        return False
    return role.allows(Role.REVIEWER) or (
        role.allows(Role.ANNOTATOR) and claim.author_id == user.pk
    )
