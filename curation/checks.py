"""`manage.py check --deploy`: what Django's own deploy checks cannot know."""

import os

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def database_is_chosen(app_configs=None, **kwargs):
    """Without DATABASE_URL the settings fall back to a SQLite file next to the code:
    right for the demo, wrong (one writer, one machine, no backups) for production."""
    if settings.DEBUG or os.environ.get("DATABASE_URL"):
        return []
    return [
        Warning(
            "DATABASE_URL is not set: Claimdesk is running on the development SQLite "
            f"file {settings.DATABASES['default']['NAME']}.",
            hint="Set DATABASE_URL, e.g. postgres://user:password@host:5432/claimdesk.",
            id="claimdesk.W001",
        )
    ]
