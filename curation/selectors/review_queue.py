"""The review queue's reads: which projects a user reviews and how many claims wait."""

from django.db.models import QuerySet

from ..api.filters import ClaimFilter
from ..choices import ClaimStatus, Role
from ..models import Claim, Project


def reviewed_projects(user) -> QuerySet[Project]:
    """The projects whose submitted claims the user may accept or reject."""
    return Project.objects.visible_to(user, Role.REVIEWER).order_by("name")


def waiting_claims(user, filters: dict[str, str] | None = None) -> QuerySet[Claim]:
    """Submitted claims of the user's reviewed projects (not their own where the project
    has four eyes), narrowed by the queue's filters
    (project, document, topic, author) with the API's own FilterSet, so the count the
    page shows and the claims the API lists agree."""
    claims = (
        Claim.objects.visible_to(user, Role.REVIEWER)
        .filter(status=ClaimStatus.SUBMITTED)
        .decidable_by(user)  # four eyes: one's own claims wait for someone else
    )
    wanted = {name: value for name, value in (filters or {}).items() if value}
    if not wanted:
        return claims
    filterset = ClaimFilter(wanted, queryset=claims)
    # Invalid filter values (a project id that is not a number) mean an empty queue.
    return filterset.qs if filterset.is_valid() else claims.none()
