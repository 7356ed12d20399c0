"""What every model module shares."""

from django.conf import settings
from django.db import models
from django.db.models import Q

USER = settings.AUTH_USER_MODEL


def choices_check(field: str, choices: type[models.Choices], model: str) -> models.CheckConstraint:
    """A check constraint that keeps `field` within `choices`, named after the model."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}),
        name=f"{model}_{field}_valid",
        violation_error_message=f"{field} must be one of {', '.join(map(str, choices.values))}.",
    )
