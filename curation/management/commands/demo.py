from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from curation.demo import DEMO_PASSWORD, build_demo
from curation.models import Project


class Command(BaseCommand):
    help = (
        "Create the demo project and demo users (known passwords!) in an empty development "
        "database. Refuses to run without DEBUG. `make fixtures` turns it into "
        "fixtures/demo.json."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo creates users with known passwords: DEBUG=1 only.")
        if Project.objects.filter(slug="demo").exists():
            raise CommandError("This database already has the demo project.")
        with transaction.atomic():
            project = build_demo()
        self.stdout.write(
            f"Created {project.name!r} with users admin, olga, rafael, anna, victor "
            f"(password {DEMO_PASSWORD!r})."
        )
