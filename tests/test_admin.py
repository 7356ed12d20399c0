"""The admin, driven through the test client against the real database.

Covers: every changelist renders with a query count that does not grow with
the number of rows; role scoping (another project's rows are absent and its
pages answer 404; viewers read, annotators edit their own drafts, reviewers
decide); review actions with their note page; optimistic locking on the claim
form; the History page; document import through the add form.
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from curation.choices import ClaimStatus, HistoryAction, Role
from curation.models import Claim, Document, HistoryEntry, Project, Release
from curation.services import claim_create, claim_move, claim_update, history_record
from curation.text import normalize_text, text_sha256

from .factories import (
    ClaimFactory,
    DocumentFactory,
    EvidenceLinkFactory,
    MembershipFactory,
    PassageFactory,
    ProjectFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
    add_project_permission,
)

# Queries per changelist page for a superuser, whatever the number of rows:
# session + user, then the list filters' choices, the filtered and the full
# COUNT, the page of rows, and (claims) one prefetch of topics, (releases) one
# prefetch of their files, or (documents, history) the distinct values of a
# plain filter and the date hierarchy's MIN/MAX + day list, and the header's unread
# notification count (issue 14: one query on every admin page). Identical on SQLite
# and PostgreSQL.
CHANGELIST_QUERIES = {
    "project": 6,
    "membership": 7,
    "source": 7,
    "document": 11,
    "passage": 7,
    "topic": 7,
    "claim": 10,
    "evidencelink": 8,
    "historyentry": 11,
    "release": 8,
}
# A staff member who is not a superuser adds one query for their roles (all
# projects at once, cached on the request) and two for Django's own model
# permissions (user and group), asked once for the Users entry of the menu.
STAFF_CLAIM_CHANGELIST_QUERIES = CHANGELIST_QUERIES["claim"] + 3


def changelist_url(model: str) -> str:
    return reverse(f"admin:curation_{model}_changelist")


def change_url(model: str, pk: int) -> str:
    return reverse(f"admin:curation_{model}_change", args=[pk])


def history_url(model: str, pk: int) -> str:
    return reverse(f"admin:curation_{model}_history", args=[pk])


def build_rows(count: int, *, member=None) -> None:
    """`count` projects, each adding a row to every changelist.

    Each claim has two topics and an evidence link, each document two
    passages, so a column that queried per row would show up as growth.
    `member` becomes a reviewer of each project (many roles to look up).
    """
    for _ in range(count):
        project = ProjectFactory()
        owner = MembershipFactory(project=project, role=Role.OWNER).user
        if member is not None:
            MembershipFactory(project=project, user=member, role=Role.REVIEWER)
        document = DocumentFactory(project=project)
        asserted = PassageFactory(document=document, start=0, end=10)
        evidence = PassageFactory(document=document, start=11, end=20)
        claim = ClaimFactory(passage=asserted)
        claim.topics.set(TopicFactory.create_batch(2, project=project))
        EvidenceLinkFactory(claim=claim, passage=evidence)
        history_record(
            actor=claim.author, obj=claim, action=HistoryAction.CREATED, note="built for a test"
        )
        # The row only: the changelist lists releases, it never reads their files
        # (release_cut is tested in test_releases.py).
        Release.objects.create(project=project, version=1, name="Built", created_by=owner)


def form_data(response, **overrides) -> dict:
    """The POST body a browser would send back for the admin form in `response`."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue  # What a browser leaves out: an empty select, an unticked box.
            data[form.add_prefix(name)] = value
    data["_save"] = "Save"
    data.update(overrides)
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def action_names(response) -> set[str]:
    return {name for name, _ in response.context["action_form"].fields["action"].choices if name}


def row_pks(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.fixture
def alpha_and_beta(project, other_project):
    """One source, document and claim in each project, with telling names."""
    rows = {}
    for proj, name in ((project, "Alpha"), (other_project, "Beta")):
        source = SourceFactory(project=proj, name=f"{name} Herald")
        document = DocumentFactory(project=proj, source=source, title=f"{name} report")
        claim = ClaimFactory(
            passage=PassageFactory(document=document), statement=f"{name} statement"
        )
        rows[name.lower()] = {"source": source, "document": document, "claim": claim}
    return rows


@pytest.fixture
def own_draft(annotator, document):
    """A draft claim written by the annotator through the service (with history)."""
    passage = PassageFactory(document=document, start=0, end=10)
    return claim_create(actor=annotator, passage=passage, attributed_to="Analysts")


# -- 1. changelists and their query counts --------------------------------------


@pytest.mark.parametrize("model", list(CHANGELIST_QUERIES))
def test_changelist_query_count_does_not_grow_with_rows(
    client, superuser, model, django_assert_num_queries
):
    client.force_login(superuser)
    url = changelist_url(model)
    expected = CHANGELIST_QUERIES[model]

    build_rows(3)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    shown = response.context["cl"].result_count
    assert shown >= 3

    build_rows(3)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= shown + 3


def test_staff_claim_changelist_looks_roles_up_once_per_request(
    client, annotator, django_assert_num_queries
):
    client.force_login(annotator)
    url = changelist_url("claim")

    build_rows(3, member=annotator)
    with django_assert_num_queries(STAFF_CLAIM_CHANGELIST_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3

    build_rows(3, member=annotator)
    with django_assert_num_queries(STAFF_CLAIM_CHANGELIST_QUERIES):
        response = client.get(url)
    assert response.context["cl"].result_count == 6


# -- 2. role scoping -------------------------------------------------------------


@pytest.mark.parametrize("model", ["claim", "document", "source"])
def test_annotator_changelist_shows_only_own_project_rows(client, annotator, alpha_and_beta, model):
    client.force_login(annotator)
    response = client.get(changelist_url(model))
    assert response.status_code == 200
    assert row_pks(response) == {alpha_and_beta["alpha"][model].pk}
    content = response.content.decode()
    assert "Alpha" in content
    assert "Beta statement" not in content
    assert "Beta report" not in content
    assert "Beta Herald" not in content


@pytest.mark.parametrize("model", ["claim", "document", "source"])
def test_annotator_gets_404_for_other_project_change_page(client, annotator, alpha_and_beta, model):
    client.force_login(annotator)
    other = alpha_and_beta["beta"][model]
    assert client.get(change_url(model, other.pk)).status_code == 404
    own = alpha_and_beta["alpha"][model]
    assert client.get(change_url(model, own.pk)).status_code == 200


@pytest.mark.parametrize("model", ["claim", "document", "source"])
def test_annotator_gets_404_for_other_project_history_page(
    client, annotator, alpha_and_beta, model
):
    client.force_login(annotator)
    other = alpha_and_beta["beta"][model]
    assert client.get(history_url(model, other.pk)).status_code == 404
    own = alpha_and_beta["alpha"][model]
    assert client.get(history_url(model, own.pk)).status_code == 200


def test_viewer_sees_claims_without_add_button(client, viewer, own_draft):
    client.force_login(viewer)
    response = client.get(changelist_url("claim"))
    assert response.status_code == 200
    assert row_pks(response) == {own_draft.pk}
    assert response.context["has_add_permission"] is False
    assert reverse("admin:curation_claim_add").encode() not in response.content


def test_viewer_opens_claim_change_page_read_only(client, viewer, own_draft):
    client.force_login(viewer)
    response = client.get(change_url("claim", own_draft.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert response.context["adminform"].form.fields.keys() <= {"expected_version"}
    assert b'name="_save"' not in response.content
    assert b"Analysts" in response.content


def test_viewer_cannot_post_claim_change(client, annotator, viewer, own_draft):
    client.force_login(annotator)
    data = form_data(client.get(change_url("claim", own_draft.pk)), statement="Viewer wording")

    client.force_login(viewer)
    response = client.post(change_url("claim", own_draft.pk), data)

    assert response.status_code == 403
    own_draft.refresh_from_db()
    assert own_draft.statement != "Viewer wording"
    assert own_draft.version == 1
    assert not own_draft.history.filter(action=HistoryAction.UPDATED).exists()


def test_annotator_edits_own_draft_through_service(client, annotator, own_draft):
    client.force_login(annotator)
    page = client.get(change_url("claim", own_draft.pk))
    assert page.status_code == 200
    assert page.context["adminform"].form["expected_version"].value() == 1

    response = client.post(
        change_url("claim", own_draft.pk),
        form_data(page, statement="Moscow signs an energy accord."),
    )

    assert response.status_code == 302, messages_of(response)
    own_draft.refresh_from_db()
    assert own_draft.statement == "Moscow signs an energy accord."
    assert own_draft.version == 2
    entry = own_draft.history.get(action=HistoryAction.UPDATED)
    assert entry.actor == annotator
    assert entry.changes == {"statement": ["Moscow and", "Moscow signs an energy accord."]}


def test_annotator_adds_claim_through_service(client, annotator, document):
    passage = PassageFactory(document=document, start=0, end=10)
    client.force_login(annotator)
    page = client.get(reverse("admin:curation_claim_add"))
    assert page.status_code == 200

    response = client.post(
        reverse("admin:curation_claim_add"),
        form_data(page, passage=passage.pk, statement="", kind="fact", credibility=3),
    )

    assert response.status_code == 302
    claim = Claim.objects.get(passage=passage)
    assert (claim.statement, claim.author, claim.status) == ("Moscow and", annotator, "draft")
    assert claim.history.get().action == HistoryAction.CREATED


def test_annotator_cannot_edit_another_annotators_claim(
    client, annotator, other_annotator, own_draft
):
    client.force_login(annotator)
    data = form_data(client.get(change_url("claim", own_draft.pk)), statement="Not mine to say")

    client.force_login(other_annotator)
    response = client.post(change_url("claim", own_draft.pk), data)

    assert response.status_code == 403
    own_draft.refresh_from_db()
    assert own_draft.statement == "Moscow and"
    assert own_draft.version == 1


def test_review_actions_offered_to_reviewers_not_annotators(client, annotator, reviewer, own_draft):
    client.force_login(annotator)
    offered = action_names(client.get(changelist_url("claim")))
    assert "submit_claims" in offered
    assert offered.isdisjoint({"accept_claims", "reject_claims", "reopen_claims"})

    client.force_login(reviewer)
    offered = action_names(client.get(changelist_url("claim")))
    assert {"submit_claims", "accept_claims", "reject_claims", "reopen_claims"} <= offered


def test_accept_action_asks_for_note_then_accepts_submitted_claims(
    client, annotator, reviewer, document
):
    claims = [
        ClaimFactory(
            passage=PassageFactory(document=document, start=start, end=start + 5),
            author=annotator,
            status=ClaimStatus.SUBMITTED,
        )
        for start in (0, 11)
    ]
    selected = [claim.pk for claim in claims]
    client.force_login(reviewer)

    note_page = client.post(
        changelist_url("claim"),
        {"action": "accept_claims", "index": 0, "_selected_action": selected},
    )
    assert note_page.status_code == 200
    assert "admin/curation/review_action.html" in [t.name for t in note_page.templates]
    assert set(Claim.objects.values_list("status", flat=True)) == {ClaimStatus.SUBMITTED}

    response = client.post(
        changelist_url("claim"),
        {
            "action": "accept_claims",
            "_selected_action": selected,
            "confirm": "yes",
            "note": "Checked against the signed text.",
        },
    )

    assert response.status_code == 302
    assert messages_of(response) == ["Accept: 2 claims."]
    for claim in claims:
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.ACCEPTED
        assert claim.reviewer == reviewer
        assert claim.review_note == "Checked against the signed text."
        assert claim.reviewed_at is not None
        assert claim.version == 2
        entry = claim.history.get()
        assert (entry.action, entry.actor, entry.note) == (
            HistoryAction.ACCEPTED,
            reviewer,
            "Checked against the signed text.",
        )


def test_accept_action_on_draft_reports_error_and_keeps_draft(client, reviewer, own_draft):
    client.force_login(reviewer)
    response = client.post(
        changelist_url("claim"),
        {
            "action": "accept_claims",
            "_selected_action": [own_draft.pk],
            "confirm": "yes",
            "note": "Too early.",
        },
    )

    assert response.status_code == 302
    errors = [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert len(errors) == 1
    assert "Cannot accept a claim that is draft." in str(errors[0])
    own_draft.refresh_from_db()
    assert own_draft.status == ClaimStatus.DRAFT
    assert own_draft.review_note == ""
    assert own_draft.version == 1
    assert not own_draft.history.filter(action=HistoryAction.ACCEPTED).exists()


def test_stale_claim_form_does_not_overwrite_other_edit(client, annotator, reviewer, own_draft):
    client.force_login(annotator)
    page = client.get(change_url("claim", own_draft.pk))
    # Someone else saves while the annotator's form is open.
    claim_update(actor=reviewer, claim=own_draft, attributed_to="Reviewers' wording")

    response = client.post(
        change_url("claim", own_draft.pk), form_data(page, statement="My late wording")
    )

    # The form comes back with the typed values and says who changed the claim;
    # nothing is written.
    assert response.status_code == 200
    form = response.context["adminform"].form
    [error] = form.non_field_errors()
    assert error.startswith(f"{reviewer.username.capitalize()} changed this claim on ")
    assert "(version 1 → 2): attributed to. Nothing was saved." in error
    # The user's typed statement is kept, the reviewer's attribution filled in.
    assert form["statement"].value() == "My late wording"
    assert form["attributed_to"].value() == "Reviewers' wording"
    own_draft.refresh_from_db()
    assert own_draft.version == 2
    assert own_draft.attributed_to == "Reviewers' wording"
    assert own_draft.statement == "Moscow and"
    assert own_draft.history.filter(action=HistoryAction.UPDATED).count() == 1

    # Saving the refused form again, having read the message, applies the typed values.
    again = client.post(change_url("claim", own_draft.pk), form_data(response))
    assert again.status_code == 302
    own_draft.refresh_from_db()
    assert (own_draft.version, own_draft.statement) == (3, "My late wording")
    assert own_draft.attributed_to == "Reviewers' wording"


def test_outsider_passage_autocomplete_omits_other_project(
    client, outsider, project, other_project
):
    own = PassageFactory(document=DocumentFactory(project=other_project), start=0, end=10)
    PassageFactory(document=DocumentFactory(project=project), start=0, end=10)
    client.force_login(outsider)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "curation", "model_name": "claim", "field_name": "passage", "term": "Moscow"},
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(own.pk)]


# -- 3. the admin index ------------------------------------------------------------

CURATION_MODELS = {
    "Assessment",  # issue 15
    "AssessmentRound",  # issue 15
    "Assignment",  # issue 14
    "Claim",
    "Comment",  # issue 14
    "Document",
    "DocumentRegion",
    "EvidenceLink",
    "HistoryEntry",
    "ImportJob",  # the "Import documents" page (issue 16)
    "Membership",
    "Notification",  # issue 14
    "Passage",
    "Project",
    "Release",
    "Source",
    "Topic",
}


def test_index_lists_curation_models_for_member(client, annotator):
    client.force_login(annotator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    apps = {app["app_label"]: app for app in response.context["app_list"]}
    assert {model["object_name"] for model in apps["curation"]["models"]} == CURATION_MODELS


def test_index_lists_nothing_of_curation_for_staff_without_membership(client, project):
    client.force_login(UserFactory(username="stefan", is_staff=True))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "curation" not in {app["app_label"] for app in response.context["app_list"]}
    assert b"/admin/curation/" not in response.content


# -- 4. the History page -------------------------------------------------------------


def test_claim_history_page_lists_who_action_and_note(client, annotator, reviewer, own_draft):
    claim_move(actor=annotator, claim=own_draft, move="submit", note="Ready for a look.")
    claim_move(actor=reviewer, claim=own_draft, move="reject", note="Quote is cut short.")
    client.force_login(reviewer)

    response = client.get(history_url("claim", own_draft.pk))

    assert response.status_code == 200
    rows = [(e.actor.username, e.action, e.note) for e in response.context["entries"]]
    assert rows == [
        ("rafael", HistoryAction.REJECTED, "Quote is cut short."),
        ("anna", HistoryAction.SUBMITTED, "Ready for a look."),
        ("anna", HistoryAction.CREATED, ""),
    ]
    content = response.content.decode()
    for text in ("rafael", "anna", "Rejected", "Submitted", "Created", "Quote is cut short."):
        assert text in content


# -- 5. documents through the admin ----------------------------------------------------

RAW_TEXT = "\ufeffThe port reopened in May.\r\nShipping resumed\ra week later."
NORMALISED_TEXT = "The port reopened in May.\nShipping resumed\na week later."


def post_document_add(client, project, text: str, title: str):
    return client.post(
        reverse("admin:curation_document_add"),
        {
            "project": project.pk,
            "title": title,
            "text": text,
            "source": "",
            "authors": "",  # names one a line (issue 19), no longer JSON
            "published_on": "",
            "url": "",
            "doi": "",
            "language": "en",
            "metadata": "{}",
            "_save": "Save",
        },
    )


@pytest.fixture
def added_document(client, owner, project):
    """A document imported by the owner through the admin add form."""
    client.force_login(owner)
    response = post_document_add(client, project, RAW_TEXT, "Port bulletin")
    assert response.status_code == 302, messages_of(response)
    return Document.objects.get(project=project, title="Port bulletin")


def test_document_add_normalises_text_and_records_history(added_document, owner):
    assert added_document.text == NORMALISED_TEXT
    assert added_document.length == len(NORMALISED_TEXT)
    assert added_document.sha256 == text_sha256(NORMALISED_TEXT)
    assert added_document.created_by == owner
    entry = HistoryEntry.objects.get(document=added_document)
    assert (entry.action, entry.actor) == (HistoryAction.CREATED, owner)


def test_document_add_keeps_surrounding_whitespace_like_the_service(client, owner, project):
    raw = "  Indented opening line.\r\nClosing line.\r\n"
    client.force_login(owner)

    response = post_document_add(client, project, raw, "Indented note")

    assert response.status_code == 302
    document = Document.objects.get(title="Indented note")
    assert document.text == normalize_text(raw) == "  Indented opening line.\nClosing line.\n"
    assert document.sha256 == text_sha256(normalize_text(raw))


def test_document_change_page_shows_text_read_only(client, added_document):
    url = change_url("document", added_document.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert "text" not in page.context["adminform"].form.fields
    assert "Shipping resumed\na week later." in page.context["original"].text
    assert "a week later." in page.content.decode()

    response = client.post(url, form_data(page, text="A different text altogether."))

    assert response.status_code == 302
    added_document.refresh_from_db()
    assert added_document.text == NORMALISED_TEXT
    assert added_document.sha256 == text_sha256(NORMALISED_TEXT)


def test_document_change_form_saves_new_title_with_history(client, owner, added_document):
    url = change_url("document", added_document.pk)
    response = client.post(url, form_data(client.get(url), title="Port bulletin, revised"))

    assert response.status_code == 302
    added_document.refresh_from_db()
    assert added_document.title == "Port bulletin, revised"
    entry = added_document.history.get(action=HistoryAction.UPDATED)
    assert (entry.actor, entry.changes) == (
        owner,
        {"title": ["Port bulletin", "Port bulletin, revised"]},
    )


# -- projects ---------------------------------------------------------------------------


def test_owner_changes_project_description_via_change_form(client, owner, project):
    client.force_login(owner)
    url = change_url("project", project.pk)
    response = client.post(url, form_data(client.get(url), description="Energy accords."))

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.description == "Energy accords."


def test_staff_without_add_project_permission_cannot_add_projects(client, owner):
    client.force_login(owner)

    assert client.get(reverse("admin:curation_project_add")).status_code == 403
    changelist = client.get(changelist_url("project"))
    assert changelist.status_code == 200
    assert not changelist.context["has_add_permission"]


def test_staff_with_add_project_permission_adds_a_project_and_owns_it(client, owner):
    owner.user_permissions.add(add_project_permission())
    client.force_login(owner)
    url = reverse("admin:curation_project_add")
    response = client.post(url, form_data(client.get(url), name="Gamma watch", slug="gamma"))

    assert response.status_code == 302
    project = Project.objects.get(slug="gamma")
    assert project.memberships.get(user=owner).role == Role.OWNER


def test_annotator_reads_topics_but_renames_none(client, annotator, project):
    topic = TopicFactory(project=project, name="energy")
    client.force_login(annotator)
    url = change_url("topic", topic.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]

    response = client.post(url, {"name": "power", "description": "", "_save": "Save"})

    assert response.status_code == 403
    topic.refresh_from_db()
    assert topic.name == "energy"
