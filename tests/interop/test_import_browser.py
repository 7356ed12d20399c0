"""The import page in Chromium: an owner uploads a doccano export, changes the
mapping the page proposes, imports, and reads the report."""

import pytest

from curation.models import Claim, EvidenceLink

from ..browser import UserPage
from ..factories import DocumentFactory
from . import peers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_imports_a_doccano_file_through_the_page(
    browser,
    live_server,
    project,
    owner,
    tmp_path,
):
    DocumentFactory(project=project, text=peers.TEXT, url=peers.URL)
    path = tmp_path / "relations.jsonl"
    path.write_bytes(peers.doccano_relations())
    user = UserPage(browser, live_server.url, "olga")
    user.login()
    page = user.page

    page.goto(user.url("/admin/"))
    with page.expect_navigation():
        page.click("text=Import annotations")
    page.select_option("#id_project", label="Alpha")
    page.select_option("#id_kind", "doccano")
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("input[value='Read the file']")

    assert page.input_value("select[name=label_0]") == "fact"  # CLAIM
    assert page.input_value("select[name=label_1]") == "evidence"  # PREMISE
    assert page.input_value("select[name=relation_0]") == "supports"
    user.settle()
    assert not Claim.objects.exists()
    page.select_option("select[name=relation_0]", "refutes")
    with page.expect_navigation():
        page.click("input[value='Import']")

    assert page.locator("#import-report tbody tr").count() == 2
    user.settle()
    claim = Claim.objects.get()
    assert claim.passage.exact == "Exports rose again in May."
    assert EvidenceLink.objects.get().stance == "refutes"
    user.screenshot("import-annotations-report.png", full_page=True)
    user.assert_clean()
    user.close()
