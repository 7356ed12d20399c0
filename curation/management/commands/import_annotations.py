import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from curation.interop.mapping import LABEL_TARGETS, RELATION_TARGETS, defaults_for
from curation.models import Project
from curation.services import SYSTEM, user_by_username
from curation.services.annotation_imports import PARSERS, annotations_import, annotations_parse


class Command(BaseCommand):
    help = (
        "Import annotations made with another tool into a project: W3C Web Annotation "
        "(Hypothesis included), doccano JSONL, Label Studio JSON, or a Claimdesk jsonl "
        "release. The file is all-or-nothing; the report lists every item."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, metavar="FILE")
        parser.add_argument("--project", required=True, metavar="SLUG")
        parser.add_argument("--kind", required=True, choices=sorted(PARSERS))
        parser.add_argument(
            "--user", metavar="USERNAME", help="Import as this project owner (default: system)."
        )
        parser.add_argument(
            "--label",
            action="append",
            default=[],
            metavar="LABEL=KIND",
            help=f"Map a label of the file to one of: {', '.join(LABEL_TARGETS)}.",
        )
        parser.add_argument(
            "--relation",
            action="append",
            default=[],
            metavar="RELATION=STANCE",
            help=f"Map a relation of the file to one of: {', '.join(RELATION_TARGETS)}.",
        )
        parser.add_argument(
            "--show-mapping",
            action="store_true",
            help="Print the labels and relations found, mapped by default, and import nothing.",
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, path, project, kind, user, label, relation, **options):
        try:
            project_obj = Project.objects.get(slug=project)
        except Project.DoesNotExist:
            raise CommandError(f"No project with slug {project!r}.") from None
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        mapping = {"labels": _pairs(label, "--label"), "relations": _pairs(relation, "--relation")}
        data = path.read_bytes()
        try:
            actor = user_by_username(user) if user else SYSTEM
            if options["show_mapping"]:
                parsed = annotations_parse(
                    actor=actor, project=project_obj, kind=kind, name=path.name, data=data
                )
                self._show(defaults_for(parsed).as_dict(), mapping)
                return
            report = annotations_import(
                actor=actor,
                project=project_obj,
                kind=kind,
                name=path.name,
                data=data,
                mapping=mapping,
            )
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        if options["json"]:
            self.stdout.write(json.dumps(_as_json(report), ensure_ascii=False, indent=2))
            return
        for item in report.items:
            line = f"{item['outcome']:<12} {item['item']}"
            if item["claim"]:
                line += f" → claim {item['claim']}"
            if item["reason"]:
                line += f": {item['reason']}"
            self.stdout.write(line)
        counts = report.counts
        self.stdout.write(
            f"Imported {counts['imported']}, skipped {counts['skipped']}, not anchored "
            f"{counts['not_anchored']}; {len(report.documents_created)} documents created."
        )

    def _show(self, defaults: dict, given: dict) -> None:
        for part in ("labels", "relations"):
            self.stdout.write(f"{part}:")
            for name, target in defaults[part].items():
                chosen = given[part].get(name, target)
                note = "" if chosen == target else f" (default {target})"
                self.stdout.write(f"  {name} → {chosen}{note}")


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, target = value.rpartition("=")
        if not sep or not name:
            raise CommandError(f"{option} takes NAME=TARGET, not {value!r}.")
        pairs[name] = target
    return pairs


def _as_json(report) -> dict:
    return {
        "kind": report.kind,
        "name": report.name,
        "mapping": report.mapping,
        "counts": report.counts,
        "documents_created": report.documents_created,
        "items": report.items,
    }
