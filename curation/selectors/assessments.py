"""What waits for a user in the assessment workflow (issue 15)."""

from django.db.models import QuerySet

from ..choices import AssessmentStatus, Role, RoundState
from ..models import Assessment, AssessmentRound


def assessments_waiting(user) -> QuerySet:
    """The user's own pending assessments of open rounds, oldest first."""
    return (
        Assessment.objects.visible_to(user)
        .filter(assessor=user, status=AssessmentStatus.PENDING, round__state=RoundState.OPEN)
        .select_related("claim__passage__document")
        .defer("claim__passage__document__text")
        .order_by("created_at", "pk")
    )


def adjudications_waiting(user) -> QuerySet:
    """Disputed rounds the user could settle: a reviewer who did not assess them."""
    return (
        AssessmentRound.objects.visible_to(user, Role.REVIEWER)
        .filter(state=RoundState.DISPUTED)
        .exclude(assessments__assessor=user)
    )
