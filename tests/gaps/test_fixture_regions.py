"""Issue 17: the fixture release carries the regions of its documents, and loads back."""

import json

import pytest
from django.core.management import call_command

from curation.models import DocumentRegion
from curation.models.regions import RegionKind

from ..test_exports import build_golden, cut, entries


@pytest.mark.django_db(transaction=True)  # flush and loaddata need real commits
def test_fixture_release_carries_and_restores_document_regions(tmp_path):
    golden = build_golden()
    document = golden.accepted[0].passage.document
    DocumentRegion.objects.create(
        document=document, start=0, end=5, kind=RegionKind.BOILERPLATE, created_by=None
    )
    expected = sorted(
        DocumentRegion.objects.filter(document__project=golden.project).values_list(
            "document__sha256", "start", "end", "kind"
        )
    )
    release = cut(golden.project, golden.users["olga"], formats=["fixture"])
    files = entries(release, "fixture")
    records = json.loads(files["fixture.json"])
    assert sum(r["model"] == "curation.documentregion" for r in records) == len(expected)

    users, path = tmp_path / "users.json", tmp_path / "fixture.json"
    users.write_bytes(files["users.json"])
    path.write_bytes(files["fixture.json"])
    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", str(users), str(path), verbosity=0)
    assert (
        sorted(DocumentRegion.objects.values_list("document__sha256", "start", "end", "kind"))
        == expected
    )
