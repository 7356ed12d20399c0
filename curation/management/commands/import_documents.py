import sys
import time
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from curation.importing import default_jobs, iter_files, read_documents
from curation.models import Project
from curation.services import SYSTEM, documents_import, source_get_or_create, user_by_username


class Command(BaseCommand):
    help = (
        "Import .txt, .md and .html files (or whole directories) into a project. "
        "Each file is all-or-nothing; identical texts already in the project are skipped. "
        "Exits with status 1 when any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--project", required=True, metavar="SLUG")
        parser.add_argument(
            "--source",
            metavar="NAME",
            help="Publisher of the documents; created (ungraded) if new.",
        )
        parser.add_argument(
            "--language",
            default="",
            metavar="CODE",
            help="Language code to record, e.g. en, ru, zh.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Record the import as this project owner (default: system).",
        )
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--jobs",
            type=int,
            default=default_jobs(),
            help="Worker processes that read and parse files while the main process "
            "writes (default: one per CPU, at most 4; 0: read in the main process).",
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=None,
            help="Skip files larger than this (default: no limit).",
        )

    def handle(
        self, *args, paths, project, source, language, user, batch_size, max_bytes, **options
    ):
        self.verbosity = options["verbosity"]
        try:
            project_obj = Project.objects.get(slug=project)
        except Project.DoesNotExist:
            raise CommandError(f"No project with slug {project!r}.") from None
        missing = [str(path) for path in paths if not path.exists()]
        if missing:
            raise CommandError(f"No such file or directory: {', '.join(missing)}")
        try:
            actor = user_by_username(user) if user else SYSTEM
            source_obj = None
            if source:
                source_obj, created = source_get_or_create(
                    actor=actor, project=project_obj, name=source
                )
                if created:
                    self.stdout.write(f"Created source {source!r} (reliability F: not yet graded).")
            files = list(iter_files(paths))
            inputs = read_documents(
                files, language=language, max_bytes=max_bytes, jobs=options["jobs"]
            )
            outcomes = documents_import(
                actor=actor,
                project=project_obj,
                items=inputs,
                source=source_obj,
                batch_size=batch_size,
            )
            counts = self._report(outcomes, total=len(files))
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error

        self.stdout.write(
            f"Imported {counts['imported']}, skipped {counts['skipped']}, "
            f"failed {counts['failed']} (of {len(files)} files)."
        )
        if counts["failed"]:
            sys.exit(1)

    def _report(self, outcomes, *, total: int) -> dict[str, int]:
        counts = {"imported": 0, "skipped": 0, "failed": 0}
        started = last = time.monotonic()
        for done, outcome in enumerate(outcomes, start=1):
            counts[outcome.status] += 1
            name = outcome.item.imported_from
            if outcome.status == "failed":
                self.stderr.write(f"FAILED {name}: {outcome.error}")
            elif outcome.status == "skipped":
                self.stdout.write(
                    f"skipped {name}: same text as document {outcome.duplicate_of.pk} "
                    f"({outcome.duplicate_of.title!r})"
                )
            elif self.verbosity >= 2:
                self.stdout.write(f"imported {name} as document {outcome.document.pk}")
            now = time.monotonic()
            if now - last >= 2 and done < total:
                last = now
                rate = done / (now - started)
                self.stderr.write(f"… {done}/{total} files ({rate:.0f}/s)")
        return counts
