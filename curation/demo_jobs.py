"""Demo data of the background-jobs branch: one finished bulk import, so the admin's
Import jobs list and a job's page (progress, each line's outcome) have something
to show. Texts written for the demo."""

import json

from .models import Source
from .services.imports import Upload, import_create, import_run

BRIEFINGS = [
    {
        "title": "Weekly energy briefing, 12 May",
        "text": "Gas deliveries through the northern route fell by a fifth last week.\n\n"
        "Operators blamed maintenance; traders expect flows to recover in June.",
        "authors": ["Energy desk"],
        "published_on": "2025-05-12",
        "metadata": {"desk": "energy"},
    },
    {
        "title": "Weekly energy briefing, 19 May",
        "text": "Flows on the northern route recovered to last month's level.\n\n"
        "A new supply contract is to be signed before the summit.",
        "authors": ["Energy desk"],
        "published_on": "2025-05-19",
        "metadata": {"desk": "energy"},
    },
]


def build_jobs_demo(*, project, owner) -> None:
    """Import two briefings (and one broken line) as a job, run to its end here."""
    lines = [json.dumps(item, ensure_ascii=False) for item in BRIEFINGS]
    lines.append('{"title": "A line with no text"}')
    data = ("\n".join(lines) + "\n").encode("utf-8")
    job = import_create(
        actor=owner,
        project=project,
        uploads=[Upload(name="briefings.jsonl", data=data)],
        source=Source.objects.filter(project=project).order_by("pk").first(),
    )
    import_run(job_id=job.pk)
