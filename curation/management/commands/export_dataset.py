import sys
import time
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from curation.choices import ClaimStatus, ExportFormat, Reliability
from curation.models import Project, Release
from curation.selectors.releases import release_claims
from curation.services import (
    SYSTEM,
    release_cut,
    release_file_chunks,
    release_filter,
    user_by_username,
)


class Command(BaseCommand):
    help = (
        "Cut a release of a project (by default: accepted claims, every format) and write "
        "one format's zip to --output; or, with --release VERSION, download an existing one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, metavar="SLUG")
        parser.add_argument(
            "--release",
            type=int,
            metavar="VERSION",
            help="Download this existing release instead of cutting one.",
        )
        parser.add_argument("--name", default="", help="Name of the new release.")
        parser.add_argument("--description", default="")
        parser.add_argument(
            "--status",
            action="append",
            choices=ClaimStatus.values,
            dest="statuses",
            help="Repeatable; default: accepted.",
        )
        parser.add_argument(
            "--topic",
            action="append",
            dest="topics",
            default=[],
            help="Repeatable: only claims with one of these topics.",
        )
        parser.add_argument(
            "--document",
            action="append",
            dest="documents",
            type=int,
            default=[],
            help="Repeatable: only claims on these document ids.",
        )
        parser.add_argument(
            "--min-credibility",
            type=int,
            choices=range(1, 7),
            help="Keep claims with this credibility or better (1 is best).",
        )
        parser.add_argument(
            "--min-source-reliability",
            choices=Reliability.values,
            help="Keep claims whose source is this reliable or better (A).",
        )
        parser.add_argument(
            "--format",
            choices=ExportFormat.values,
            default=ExportFormat.JSONL,
            help="Format to write to --output (default: jsonl).",
        )
        parser.add_argument(
            "--only-format",
            action="store_true",
            help="Generate only --format in the new release (faster).",
        )
        parser.add_argument(
            "--output",
            type=Path,
            metavar="PATH",
            help="Where to write the zip (default: the file's name).",
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="Cut as this project owner (default: system)."
        )

    def handle(self, *args, **options):
        try:
            project = Project.objects.get(slug=options["project"])
        except Project.DoesNotExist:
            raise CommandError(f"No project with slug {options['project']!r}.") from None
        fmt = options["format"]
        try:
            if options["release"] is not None:
                release = Release.objects.filter(project=project, version=options["release"])
                release = release.first()
                if release is None:
                    raise CommandError(f"{project.slug} has no release {options['release']}.")
            else:
                release = self._cut(project, options)
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error

        file = release.files.filter(format=fmt).first()
        if file is None:
            raise CommandError(f"Release {release.version} has no {fmt} file.")
        output = options["output"] or Path(file.filename)
        with output.open("wb") as handle:
            for chunk in release_file_chunks(file):
                handle.write(chunk)
        self.stdout.write(
            f"Release {release.version} of {project.slug} ({release.claim_count} claims, "
            f"{release.evidence_count} evidence links): wrote {file.size} bytes to {output} "
            f"(sha256 {file.sha256})."
        )

    def _cut(self, project, options):
        actor = user_by_username(options["user"]) if options["user"] else SYSTEM
        chosen = release_filter(
            project=project,
            statuses=options["statuses"] or [ClaimStatus.ACCEPTED],
            topics=options["topics"],
            documents=options["documents"],
            min_credibility=options["min_credibility"],
            min_source_reliability=options["min_source_reliability"],
        )
        formats = [options["format"]] if options["only_format"] else ExportFormat.values
        release = release_cut(
            actor=actor,
            project=project,
            name=options["name"],
            description=options["description"],
            filter=chosen,
            formats=formats,
            progress=_Progress(total=release_claims(project=project, filter=chosen).count()),
        )
        print(f"Cut release {release.version} of {project.slug}.", file=sys.stderr)
        return release


class _Progress:
    """Prints claims written of the total, every 2 seconds and at the end (stderr)."""

    def __init__(self, *, total: int):
        self.total = total
        self.started = self.last = time.monotonic()

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last < 2 and done < self.total:
            return
        self.last = now
        rate = done / max(now - self.started, 1e-6)
        print(f"… {done}/{self.total} claims ({rate:.0f}/s)", file=sys.stderr)
