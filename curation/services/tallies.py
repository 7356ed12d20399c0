"""Rebuild the dashboard tallies (models/tallies.py) from the rows they count.

The database's triggers keep the tallies right on every write; this recount is
for a database restored without them, a write the triggers do not see (see
migration 0014), and the tests' oracle. It counts with the ORM and grading.py,
so the grade rule is the live one, and the tests compare it with what the
triggers kept.
"""

from datetime import UTC

from django.apps import apps as installed_apps
from django.db import transaction
from django.db.models import Count, Value
from django.db.models.functions import Coalesce, TruncDate

from .. import grading
from ..choices import ClaimStatus

DECIDED = (ClaimStatus.ACCEPTED, ClaimStatus.REJECTED)


def tally_counts(project_ids=None, *, apps=installed_apps, using="default") -> dict:
    """Every tally row the claims, links and topics imply, keyed like the tables
    (without the zero counts the triggers may leave behind)."""
    claim = apps.get_model("curation", "Claim")
    link = apps.get_model("curation", "EvidenceLink")
    claims = claim.objects.using(using).order_by()
    links = link.objects.using(using).order_by()
    if project_ids is not None:
        claims = claims.filter(project_id__in=project_ids)
        links = links.filter(claim__project_id__in=project_ids)
    made = claims.values_list(
        "project_id",
        Coalesce("author_id", Value(0)),
        "status",
        TruncDate("created_at", tzinfo=UTC),
    ).annotate(n=Count("pk"))
    decided = (
        claims.filter(status__in=DECIDED, reviewed_at__isnull=False)
        .values_list("project_id", "status", TruncDate("reviewed_at", tzinfo=UTC))
        .annotate(n=Count("pk"))
    )
    grades = claims.values_list(
        "project_id",
        grading.source_reliability_column("passage__document__source"),
        "credibility",
    ).annotate(n=Count("pk"))
    stances = links.values_list(
        "claim__project_id", Coalesce("claim__topics", Value(0)), "stance"
    ).annotate(n=Count("pk"))
    return {
        "ClaimsMade": {tuple(row[:-1]): row[-1] for row in made},
        "ClaimsDecided": {tuple(row[:-1]): row[-1] for row in decided},
        "GradeTally": {tuple(row[:-1]): row[-1] for row in grades},
        "StanceTally": {tuple(row[:-1]): row[-1] for row in stances},
    }


KEYS = {
    "ClaimsMade": ("project_id", "author_key", "status", "day"),
    "ClaimsDecided": ("project_id", "status", "day"),
    "GradeTally": ("project_id", "reliability", "credibility"),
    "StanceTally": ("project_id", "topic_key", "stance"),
}


def tallies_recount(*, project_ids=None, apps=installed_apps, using="default") -> None:
    """Replace the tallies of these projects (all when None) by a fresh count."""
    with transaction.atomic(using=using):
        counts = tally_counts(project_ids, apps=apps, using=using)
        for name, fields in KEYS.items():
            model = apps.get_model("curation", name)
            rows = model.objects.using(using)
            if project_ids is not None:
                rows = rows.filter(project_id__in=project_ids)
            rows.delete()
            model.objects.using(using).bulk_create(
                (
                    model(**dict(zip(fields, key, strict=True)), n=n)
                    for key, n in counts[name].items()
                ),
                batch_size=1000,
            )


def tallies_kept(project_ids=None, *, using="default") -> dict:
    """The tallies as the triggers kept them, keyed like `tally_counts`."""
    kept = {}
    for name, fields in KEYS.items():
        model = installed_apps.get_model("curation", name)
        rows = model.objects.using(using).exclude(n=0)
        if project_ids is not None:
            rows = rows.filter(project_id__in=project_ids)
        kept[name] = {tuple(row[:-1]): row[-1] for row in rows.values_list(*fields, "n")}
    return kept
