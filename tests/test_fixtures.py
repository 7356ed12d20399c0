"""Fixtures move between instances: dump with natural keys → empty database → load.

fixtures/demo.json was dumped from SQLite; CI runs this module on PostgreSQL and
on SQLite, so the SQLite → PostgreSQL direction is covered as well.
"""

import io
import json
from collections import Counter

import pytest
from django.core.management import call_command

from curation.models import Claim, Document, EvidenceLink, HistoryEntry, Passage, Project

pytestmark = pytest.mark.django_db(transaction=True)


def dump() -> list[dict]:
    out = io.StringIO()
    call_command(
        "dumpdata",
        "auth.user",
        "curation",
        natural_foreign=True,
        natural_primary=True,
        stdout=out,
    )
    return json.loads(out.getvalue())


def canonical(objects: list[dict]) -> list[str]:
    """Order-independent form; `last_login` differs between runs, the rest must not."""
    rows = []
    for obj in objects:
        fields = {k: v for k, v in obj["fields"].items() if k != "last_login"}
        rows.append(json.dumps([obj["model"], obj.get("pk"), fields], sort_keys=True))
    return sorted(rows)


def test_demo_fixture_loads_with_every_role_status_and_stance():
    call_command("loaddata", "demo", verbosity=0)

    project = Project.objects.get(slug="demo")
    assert set(project.memberships.values_list("role", flat=True)) == {
        "owner",
        "reviewer",
        "annotator",
        "viewer",
    }
    assert set(Claim.objects.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "accepted",
        "rejected",
    }
    assert set(EvidenceLink.objects.values_list("stance", flat=True)) == {
        "supports",
        "refutes",
        "qualifies",
    }
    assert set(project.sources.values_list("reliability", flat=True)) == set("ABCDEF")
    texts = "".join(Document.objects.values_list("text", flat=True))
    assert "🚀" in texts and "北京" in texts and "Москва" in texts
    # Every stored passage still quotes its document exactly.
    for passage in Passage.objects.select_related("document"):
        assert passage.document.text[passage.start : passage.end] == passage.exact


def test_dump_then_load_into_empty_database_reproduces_the_same_objects():
    call_command("loaddata", "demo", verbosity=0)
    before = dump()
    counts = Counter(obj["model"] for obj in before)

    call_command("flush", interactive=False, verbosity=0)
    assert Claim.objects.count() == 0 and HistoryEntry.objects.count() == 0

    path = "/tmp/claimdesk-roundtrip.json"  # noqa: S108 - test scratch file
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(before, handle)
    call_command("loaddata", path, verbosity=0)
    after = dump()

    assert Counter(obj["model"] for obj in after) == counts
    assert canonical(after) == canonical(before)
    # Relations were rebuilt through natural keys, users by username.
    accepted = Claim.objects.filter(status="accepted").select_related("reviewer")
    assert {claim.reviewer.username for claim in accepted} <= {"rafael", "olga"}


def test_loading_the_same_fixture_twice_changes_nothing():
    call_command("loaddata", "demo", verbosity=0)
    first = dump()
    call_command("loaddata", "demo", verbosity=0)
    assert canonical(dump()) == canonical(first)
