"""Assignments in headless Chromium (issue 14): an owner assigns documents in bulk from
the document list; an annotator goes from My work into the workspace, starts the
document and marks it done. Screenshots: docs/screenshots/team-*.png.

The harness is tests/browser.py's (Debian's Chromium, a live server)."""

import pytest

from curation.choices import AssignmentState
from curation.models import Assignment
from curation.services import assignments as service

from .browser import wait_until
from .factories import ClaimFactory, DocumentFactory, PassageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_owner_assigns_documents_in_bulk_from_the_document_list(
    login, project, owner, annotator, other_annotator, reviewer
):
    documents = [DocumentFactory(project=project, title=f"Field report {n}") for n in range(4)]
    olga = login(owner)
    page = olga.page
    page.goto(olga.url("/admin/curation/document/"))
    for document in documents:
        page.check(f"input[name=_selected_action][value='{document.pk}']")
    page.select_option("select[name=action]", "assign_to_people")
    with page.expect_navigation():
        page.click("button[name=index]")
    assert "Assign 4 documents to people" in page.content()
    page.get_by_label("anna").check()
    page.get_by_label("arno").check()
    page.get_by_label("Each to N people").check()
    page.fill("#id_per_document", "2")
    page.select_option("#id_reviewer", label="rafael")
    olga.screenshot("team-assign.png", full_page=True)
    with page.expect_navigation():
        page.click("input[type=submit][value=Assign]")
    assert "Assigned: 8 assignments." in page.content()
    olga.settle()
    assert Assignment.objects.count() == 8
    assert set(Assignment.objects.values_list("reviewer__username", flat=True)) == {"rafael"}

    # Asking for more people per document than were chosen: the error, nothing written.
    page.goto(olga.url("/admin/curation/document/"))
    page.check(f"input[name=_selected_action][value='{documents[0].pk}']")
    page.select_option("select[name=action]", "assign_to_people")
    with page.expect_navigation():
        page.click("button[name=index]")
    page.get_by_label("anna").check()
    page.get_by_label("Each to N people").check()
    page.fill("#id_per_document", "3")
    with page.expect_navigation():
        page.click("input[type=submit][value=Assign]")
    assert "Between 1 and the number of annotators (1)." in page.content()
    olga.settle()
    assert Assignment.objects.count() == 8
    olga.assert_clean()


def test_an_annotator_works_through_my_work_into_the_workspace(login, project, owner, annotator):
    documents = [DocumentFactory(project=project, title=f"Briefing {n}") for n in range(3)]
    service.assignments_create(actor=owner, documents=documents, annotators=[annotator])
    first = Assignment.objects.get(document=documents[0])
    service.assignment_move(actor=annotator, assignment=first, move="start")
    ClaimFactory(passage=PassageFactory(document=documents[0]), author=annotator)
    anna = login(annotator)
    page = anna.page
    page.goto(anna.url("/admin/curation/assignment/mine/"))
    rows = page.locator("#my-work tbody tr")
    assert rows.count() == 3
    assert "In progress" in rows.first.inner_text()  # under way first
    anna.screenshot("team-my-work.png", full_page=True)

    target = documents[1]
    row = page.locator("#my-work tbody tr", has_text=target.title)
    with page.expect_navigation():
        row.get_by_role("link", name="Open in workspace").click()
    page.wait_for_selector("#document-text[data-ready=true]")
    page.wait_for_selector("#assignment-start")
    page.click("#assignment-start")
    wait_until(page, "document.getElementById('assignment-state').textContent === 'In progress'")
    page.wait_for_selector("#assignment-done")
    anna.screenshot("team-workspace-assignment.png")
    page.click("#assignment-done")
    wait_until(page, "document.getElementById('assignment-state').textContent === 'Done'")
    anna.settle()
    assignment = Assignment.objects.get(document=target)
    assert assignment.state == AssignmentState.DONE and assignment.version == 3

    page.goto(anna.url("/admin/curation/assignment/mine/?state=done"))
    assert target.title in page.locator("#my-work").inner_text()
    anna.assert_clean()
