"""The import's other doors: the admin page for owners and the command."""

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from curation.models import Claim, Document, EvidenceLink

from ..factories import DocumentFactory
from . import peers

pytestmark = pytest.mark.django_db

URL = "/admin/curation/import-annotations/"


@pytest.fixture
def report_doc(project):
    return DocumentFactory(project=project, text=peers.TEXT, url=peers.URL)


def client_for(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def csrf(client) -> str:
    page = client.get(URL)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


def hidden_and_selected(html: str) -> dict:
    """The values the browser would send back from the mapping step."""
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        data[name] = re.search(r'<option value="([^"]+)" selected>', body).group(1)
    return data


def upload(client, project, kind, data, name="export.json"):
    return client.post(URL, {
        "csrfmiddlewaretoken": csrf(client), "step": "preview", "project": project.pk,
        "kind": kind, "file": SimpleUploadedFile(name, data),
    })  # fmt: skip


def test_owner_uploads_sees_the_mapping_with_defaults_changes_it_and_reads_the_report(
    project, owner, report_doc
):
    client = client_for(owner)

    preview = upload(client, project, "labelstudio", peers.label_studio())

    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Labels → claim kinds" in html
    form = hidden_and_selected(html)
    labels = {
        re.search(rf'<label for="id_{n}">([^<]+)</label>', html).group(1): v
        for n, v in form.items()
        if n.startswith("label_")
    }
    assert labels == {"Evidence": "evidence", "Prediction": "prediction", "Statistic": "statistic"}
    assert not Claim.objects.exists()  # nothing written before the owner confirms
    relation_field = next(n for n in form if n.startswith("relation_"))
    assert form[relation_field] == "refutes"  # "contradicts" by default
    form[relation_field] = "qualifies"

    report = client.post(URL, form)

    assert report.status_code == 200
    page = report.content.decode()
    assert "<strong>3</strong> imported" in page
    assert EvidenceLink.objects.get().stance == "qualifies"
    claim = Claim.objects.get(passage__exact="Exports rose again in May.")
    assert f"/admin/curation/claim/{claim.pk}/change/" in page


def test_the_report_shows_file_text_as_text(project, owner, report_doc):
    hostile = peers.hypothesis_export().replace(b"hA6", b"<script>alert(1)</script>")
    client = client_for(owner)
    form = hidden_and_selected(upload(client, project, "webannotation", hostile).content.decode())

    page = client.post(URL, form).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_bad_file_is_refused_on_the_upload_step(project, owner, report_doc):
    response = upload(client_for(owner), project, "doccano", b'{"id": 1, "te')

    assert response.status_code == 400
    assert "not JSON" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_file_over_the_limit_answers_413(project, owner, settings):
    settings.CLAIMDESK_MAX_IMPORT_BYTES = 50

    response = upload(client_for(owner), project, "doccano", peers.doccano_relations())

    assert response.status_code == 413
    assert "over the limit" in response.content.decode()


def test_a_damaged_carried_upload_starts_again(project, owner, report_doc):
    client = client_for(owner)
    form = hidden_and_selected(
        upload(client, project, "doccano", peers.doccano_relations()).content.decode()
    )
    form["payload"] = "not base64!"

    response = client.post(URL, form)

    assert response.status_code == 400
    assert "damaged" in response.content.decode()
    assert not Claim.objects.exists()


def test_the_page_needs_csrf(project, owner, report_doc):
    client = client_for(owner)
    response = client.post(URL, {
        "step": "preview", "project": project.pk, "kind": "doccano",
        "file": SimpleUploadedFile("a.jsonl", peers.doccano_relations()),
    })  # fmt: skip
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["reviewer", "annotator", "viewer"])
def test_non_owners_get_no_page(request, project, who):
    user = request.getfixturevalue(who)
    assert client_for(user).get(URL).status_code == 403


def test_another_projects_owner_cannot_choose_this_project(project, outsider, report_doc):
    client = client_for(outsider)

    page = client.get(URL).content.decode()
    response = upload(client, project, "doccano", peers.doccano_relations())

    assert "Alpha" not in page
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Claim.objects.exists()


def test_an_owner_cannot_slip_another_project_into_the_mapping_step(
    project, other_project, owner, outsider, report_doc
):
    client = client_for(outsider)
    form = hidden_and_selected(
        upload(client, other_project, "doccano", peers.doccano_relations()).content.decode()
    )
    form["project"] = str(project.pk)

    response = client.post(URL, form)

    assert response.status_code == 400
    assert not Claim.objects.filter(project=project).exists()


def test_upload_page_query_count_does_not_depend_on_projects(
    project, other_project, owner, django_assert_max_num_queries
):
    client = client_for(owner)
    # 6, and the admin header's unread notification count (issue 14)
    with django_assert_max_num_queries(7):
        assert client.get(URL).status_code == 200


# -- the command -------------------------------------------------------------------------------


def command(*args) -> str:
    out = io.StringIO()
    call_command("import_annotations", *args, stdout=out)
    return out.getvalue()


def test_command_shows_the_mapping_then_imports(project, owner, report_doc, tmp_path):
    path = tmp_path / "relations.jsonl"
    path.write_bytes(peers.doccano_relations())

    shown = command(str(path), "--project=alpha", "--kind=doccano", "--relation=supports=refutes",
                    "--show-mapping")  # fmt: skip
    assert "CLAIM → fact" in shown and "supports → refutes (default supports)" in shown
    assert not Claim.objects.exists()

    out = command(str(path), "--project=alpha", "--kind=doccano", "--user=olga",
                  "--label=CLAIM=causal", "--relation=supports=refutes")  # fmt: skip

    claim = Claim.objects.get()
    assert (claim.kind, claim.evidence.get().stance, claim.author) == ("causal", "refutes", owner)
    assert "Imported 2, skipped 0, not anchored 0" in out


def test_command_json_report(project, report_doc, tmp_path):
    path = tmp_path / "hypothesis.json"
    path.write_bytes(peers.hypothesis_export())

    report = json.loads(command(str(path), "--project=alpha", "--kind=webannotation", "--json"))

    assert report["counts"] == {"imported": 3, "skipped": 1, "not_anchored": 2}
    assert {item["outcome"] for item in report["items"]} == {"imported", "skipped", "not_anchored"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--project=nope", "--kind=doccano"], "No project"),
        (["--project=alpha", "--kind=doccano", "--user=anna"], "owner"),
        (["--project=alpha", "--kind=doccano", "--label=oops"], "NAME=TARGET"),
        (["--project=alpha", "--kind=claimdesk"], "line 1: a claim needs its `id`"),
    ],
)
def test_command_refusals(project, annotator, report_doc, tmp_path, args, message):
    path = tmp_path / "f.jsonl"
    path.write_bytes(
        b'{"unrelated": true}\n' if "claimdesk" in args[1] else peers.doccano_relations()
    )

    with pytest.raises(CommandError, match=message):
        command(str(path), *args)

    assert not Claim.objects.exists()
    assert Document.objects.count() == 1
