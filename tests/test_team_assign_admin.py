"""Assignments in the admin (issue 14): the bulk action's page, one document's page,
My work, the assignment list and the workspace's assignment control."""

import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curation.choices import AssignmentState, ClaimStatus
from curation.models import Assignment, Claim, HistoryEntry
from curation.services import assignments as service

from .factories import ClaimFactory, DocumentFactory, PassageFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:curation_document_changelist")
MY_WORK = reverse("admin:curation_assignment_mine")


def staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def documents(project):
    return [DocumentFactory(project=project) for _ in range(3)]


def test_owner_assigns_in_bulk_from_the_document_list(
    client, owner, annotator, other_annotator, reviewer, documents
):
    client.force_login(staff(owner))
    selected = {"action": "assign_to_people", ACTION_CHECKBOX_NAME: [d.pk for d in documents]}
    page = client.post(CHANGELIST, selected)
    assert page.status_code == 200
    assert "Assign 3 documents to people" in page.text
    # Only annotators (and up) are offered, a viewer is not.
    choices = {str(user) for user in page.context["form"].fields["annotators"].queryset}
    assert choices == {"olga", "rafael", "anna", "arno"}
    done = client.post(
        CHANGELIST,
        {
            **selected,
            "confirm": "yes",
            "annotators": [annotator.pk, other_annotator.pk],
            "strategy": "round_robin",
            "per_document": 1,
            "reviewer": reviewer.pk,
        },
        follow=True,
    )
    assert "Assigned: 3 assignments." in done.text
    assert sorted(Assignment.objects.values_list("annotator__username", flat=True)) == [
        "anna",
        "anna",
        "arno",
    ]
    assert set(Assignment.objects.values_list("reviewer", flat=True)) == {reviewer.pk}


def test_bulk_errors_are_shown_and_nothing_is_written(client, owner, annotator, documents):
    client.force_login(staff(owner))
    answer = client.post(
        CHANGELIST,
        {
            "action": "assign_to_people",
            ACTION_CHECKBOX_NAME: [d.pk for d in documents],
            "confirm": "yes",
            "annotators": [annotator.pk],
            "strategy": "each_to_n",
            "per_document": 2,
        },
    )
    assert answer.status_code == 200
    assert "Between 1 and the number of annotators (1)." in answer.text
    assert not Assignment.objects.exists()
    assert not HistoryEntry.objects.filter(object_type="assignment").exists()


def test_documents_of_two_projects_are_not_assigned_together(
    client, superuser, project, other_project
):
    client.force_login(superuser)
    mixed = [DocumentFactory(project=project).pk, DocumentFactory(project=other_project).pk]
    answer = client.post(
        CHANGELIST, {"action": "assign_to_people", ACTION_CHECKBOX_NAME: mixed}, follow=True
    )
    assert "Choose documents of one project" in answer.text
    assert not Assignment.objects.exists()


def test_annotators_are_not_offered_the_action(client, annotator, documents):
    client.force_login(staff(annotator))
    page = client.get(CHANGELIST)
    assert "assign_to_people" not in page.text
    refused = client.post(
        reverse("admin:curation_document_assign", args=[documents[0].pk]),
        {"confirm": "yes", "annotators": [annotator.pk], "strategy": "round_robin"},
    )
    assert refused.status_code == 403
    assert not Assignment.objects.exists()


def test_one_document_from_its_page(client, owner, annotator, documents):
    client.force_login(staff(owner))
    change = client.get(reverse("admin:curation_document_change", args=[documents[0].pk]))
    url = reverse("admin:curation_document_assign", args=[documents[0].pk])
    assert url in change.text
    answer = client.post(
        url,
        {"confirm": "yes", "annotators": [annotator.pk], "strategy": "round_robin"},
        follow=True,
    )
    assert "Assigned: 1 assignment." in answer.text
    assert Assignment.objects.get().document == documents[0]
    again = client.get(url)
    assert "Already assigned" in again.text


def test_another_projects_document_cannot_be_assigned(client, outsider, documents):
    client.force_login(staff(outsider))
    url = reverse("admin:curation_document_assign", args=[documents[0].pk])
    assert client.get(url).status_code == 404


def test_my_work_lists_counts_and_moves(client, owner, annotator, documents):
    service.assignments_create(actor=owner, documents=documents, annotators=[annotator])
    ClaimFactory(passage=PassageFactory(document=documents[0]), author=annotator)
    client.force_login(staff(annotator))
    page = client.get(MY_WORK)
    assert page.status_code == 200
    workspace = reverse("admin:curation_document_workspace", args=[documents[0].pk])
    assert workspace in page.text
    assert page.context["counts"] == {"assigned": 3, "in_progress": 0, "done": 0}
    first = Assignment.objects.get(document=documents[0])
    move = reverse("admin:curation_assignment_move", args=[first.pk])
    client.post(move, {"move": "start", "next": MY_WORK})
    answer = client.post(move, {"move": "done", "next": "https://elsewhere.example/"})
    assert answer.url == MY_WORK  # never redirected off the site
    first.refresh_from_db()
    assert first.state == AssignmentState.DONE
    refused = client.post(move, {"move": "start"}, follow=True)
    assert "Cannot start an assignment that is done." in refused.text


def test_my_work_queries_do_not_grow(client, owner, annotator, project):
    service.assignments_create(
        actor=owner, documents=[DocumentFactory(project=project)], annotators=[annotator]
    )
    client.force_login(staff(annotator))
    with CaptureQueriesContext(connection) as one:
        client.get(MY_WORK)
    service.assignments_create(
        actor=owner,
        documents=[DocumentFactory(project=project) for _ in range(25)],
        annotators=[annotator],
    )
    with CaptureQueriesContext(connection) as many:
        page = client.get(MY_WORK)
    assert len(page.context["rows"]) == 26
    assert len(one) == len(many)


def test_assignment_changelist_queries_do_not_grow(client, owner, annotator, project):
    service.assignments_create(
        actor=owner, documents=[DocumentFactory(project=project)], annotators=[annotator]
    )
    client.force_login(staff(owner))
    url = reverse("admin:curation_assignment_changelist")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    service.assignments_create(
        actor=owner,
        documents=[DocumentFactory(project=project) for _ in range(25)],
        annotators=[annotator],
    )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(one) == len(many)


def test_changelist_is_scoped(client, owner, annotator, outsider, documents):
    service.assignments_create(actor=owner, documents=documents, annotators=[annotator])
    client.force_login(staff(outsider))
    page = client.get(reverse("admin:curation_assignment_changelist"))
    assert page.context["cl"].result_count == 0


def test_the_workspace_offers_start_then_done(client, owner, annotator, documents):
    service.assignments_create(actor=owner, documents=documents[:1], annotators=[annotator])
    client.force_login(staff(annotator))
    page = client.get(reverse("admin:curation_document_workspace", args=[documents[0].pk]))
    config = page.context["config"]
    assert config["assignment"]["state"] == "assigned"
    assert config["assignment"]["moves"] == ["start"]
    assert json.dumps(config)  # it goes into the page as JSON
    other = client.get(reverse("admin:curation_document_workspace", args=[documents[1].pk]))
    assert other.context["config"]["assignment"] is None


def test_four_eyes_in_the_admin_refuses_accepting_ones_own_claim(client, project, reviewer):
    project.four_eyes = True
    project.save()
    claim = ClaimFactory(
        passage=PassageFactory(document=DocumentFactory(project=project)),
        author=reviewer,
        status=ClaimStatus.SUBMITTED,
    )
    client.force_login(staff(reviewer))
    answer = client.post(
        reverse("admin:curation_claim_changelist"),
        {"action": "accept_claims", ACTION_CHECKBOX_NAME: [claim.pk], "confirm": "yes"},
        follow=True,
    )
    assert "someone else must accept your own claim" in answer.text
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.SUBMITTED
