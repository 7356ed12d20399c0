"""Rebuild the dashboard tallies from the claims (after a restore, or a write the
triggers of migration 0014 do not see)."""

from django.core.management.base import BaseCommand

from curation.services.tallies import tallies_recount


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--project", type=int, action="append", help="a project id")

    def handle(self, *args, project, **options):
        tallies_recount(project_ids=project)
        self.stdout.write("Tallies recounted.")
