"""Add release in headless Chromium (issue 19 item 10): an owner of one project finds
it chosen, picks a topic and a document by typing a few letters, previews what the cut
would hold, and saves; the message names the release and its version. The screenshot
is docs/screenshots/admin-add-release.png. The harness is tests/browser.py's."""

import shutil
from pathlib import Path

import pytest

from curation.choices import Role
from curation.models import EvidenceLink, Release, Topic

from .conftest import _member
from .factories import DocumentFactory
from .test_releases import accepted, passage_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ADD_PATH = "/admin/curation/release/add/"


@pytest.fixture
def newsroom(project, other_project, owner):
    """Alpha's harbour report (two energy claims, one citing the customs bulletin) and
    a beta document olga can see but does not own."""
    harbour = DocumentFactory(project=project, title="Harbour report, spring")
    customs = DocumentFactory(project=project, title="Customs bulletin")
    energy = Topic.objects.create(project=project, name="energy")
    trade = Topic.objects.create(project=project, name="trade")
    first = accepted(passage_on(harbour, 0), "Fuel imports doubled", topics=[energy])
    accepted(passage_on(harbour, 1), "The harbour closed twice", topics=[energy, trade])
    accepted(passage_on(customs, 0), "Exports fell", topics=[trade])
    EvidenceLink.objects.create(claim=first, passage=passage_on(customs, 1), stance="supports")
    _member(other_project, owner.username, Role.VIEWER)
    DocumentFactory(project=other_project, title="Harbour in beta")
    return project


def pick(page, select_id: str, typed: str, option: str) -> None:
    """Type a few letters into an admin autocomplete (select2) and pick `option`."""
    page.click(f"#{select_id} + .select2 .select2-search__field")
    page.keyboard.type(typed)
    page.locator(".select2-results__option", has_text=option).click()


def offered(page, select_id: str, typed: str) -> list[str]:
    """What the autocomplete offers for `typed` (and closes it again)."""
    page.click(f"#{select_id} + .select2 .select2-search__field")
    page.keyboard.type(typed)
    page.wait_for_selector(".select2-results__option:not(.loading-results)")
    texts = page.locator(".select2-results__option").all_inner_texts()
    page.keyboard.press("Escape")
    for _ in typed:
        page.keyboard.press("Backspace")
    page.keyboard.press("Escape")
    return texts


def test_an_owner_adds_a_release_choosing_by_name_and_previewing(login, owner, newsroom):
    olga = login(owner)
    page = olga.page
    page.goto(olga.url(ADD_PATH))

    assert page.input_value("#id_project") == str(newsroom.pk)
    page.fill("#id_name", "Energy brief")
    # The chosen project's documents only: beta's harbour is not offered.
    assert offered(page, "id_documents", "Harb") == ["Harbour report, spring"]
    pick(page, "id_topics", "ene", "energy")
    pick(page, "id_documents", "Harb", "Harbour report, spring")

    with page.expect_navigation():
        page.click("input[name=_preview]")
    preview = page.inner_text("#release-preview")
    assert preview == "This release would hold 2 claims, 1 evidence link and 2 documents."
    # The refreshed form keeps what was chosen.
    assert page.input_value("#id_name") == "Energy brief"
    chosen = page.locator("#id_topics + .select2 .select2-selection__choice").all_inner_texts()
    assert [text.strip("×\n ") for text in chosen] == ["energy"]
    shot = olga.screenshot("admin-add-release.png", full_page=True)
    shutil.copyfile(shot, SCREENSHOTS / "admin-add-release.png")
    assert not Release.objects.exists()

    with page.expect_navigation():
        page.click("input[name=_save]")
    success = page.inner_text("ul.messagelist li.success")
    assert success == "The release “Energy brief (v1)” was added and is queued: a worker cuts it."
    olga.settle()
    release = Release.objects.get()
    assert release.filter["topics"] == ["energy"]
    olga.assert_clean()
