"""Team work (issue 14): assignments, My work, annotate_unassigned, four eyes and the
notifications of review decisions, through the services and /api/v1/."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curation import services
from curation.choices import AssignmentState, ClaimStatus, NotificationKind, Role
from curation.exceptions import InvalidTransition, StaleVersion
from curation.models import Assignment, Claim, HistoryEntry, Notification
from curation.selectors.assignments import my_work, my_work_counts
from curation.selectors.review_queue import waiting_claims
from curation.services import assignments as service

from .factories import (
    ClaimFactory,
    DocumentFactory,
    MembershipFactory,
    PassageFactory,
    UserFactory,
    client_for,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _written():
    """What a refused write must leave untouched."""
    return (
        Assignment.objects.count(),
        HistoryEntry.objects.count(),
        Notification.objects.count(),
        list(Assignment.objects.values_list("pk", "state", "version")),
    )


@pytest.fixture
def documents(project):
    return [DocumentFactory(project=project) for _ in range(4)]


@pytest.fixture
def assignment(owner, annotator, document):
    return service.assignment_create(actor=owner, document=document, annotator=annotator)


# -- creating ---------------------------------------------------------------------------


def test_round_robin_gives_each_document_to_the_next_annotator(
    owner, annotator, other_annotator, documents
):
    created = service.assignments_create(
        actor=owner, documents=documents, annotators=[annotator, other_annotator]
    )
    assert [(a.document, a.annotator) for a in created] == [
        (documents[0], annotator),
        (documents[1], other_annotator),
        (documents[2], annotator),
        (documents[3], other_annotator),
    ]
    assert {a.state for a in created} == {AssignmentState.ASSIGNED}
    entries = HistoryEntry.objects.filter(object_type="assignment")
    assert entries.count() == 4
    assert set(entries.values_list("document_id", flat=True)) == {d.pk for d in documents}
    # One notification per annotator, however many documents.
    notes = Notification.objects.filter(kind=NotificationKind.ASSIGNED).order_by("recipient")
    assert [(n.recipient, n.text) for n in notes] == [
        (annotator, "2 documents in Alpha"),
        (other_annotator, "2 documents in Alpha"),
    ]


def test_each_to_n_skips_existing_pairs_and_sets_the_reviewer(
    owner, reviewer, annotator, other_annotator, documents
):
    service.assignment_create(actor=owner, document=documents[0], annotator=annotator)
    created = service.assignments_create(
        actor=owner,
        documents=documents[:2],
        annotators=[annotator, other_annotator],
        strategy=service.EACH_TO_N,
        per_document=2,
        reviewer=reviewer,
    )
    pairs = {(a.document_id, a.annotator_id) for a in Assignment.objects.all()}
    assert pairs == {(d.pk, u.pk) for d in documents[:2] for u in (annotator, other_annotator)}
    assert len(created) == 3
    assert {a.reviewer for a in created} == {reviewer}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"annotators": "stranger"}, "annotators"),
        ({"annotators": "viewer"}, "annotators"),
        ({"annotators": "inactive"}, "annotators"),
        ({"reviewer": "annotator"}, "reviewer"),
        ({"reviewer": "viewer"}, "reviewer"),
        ({"documents": "foreign"}, "documents"),
        ({"per_document": 3}, "per_document"),
        ({"strategy": "lottery"}, "strategy"),
    ],
)
def test_bad_bulk_input_names_the_field_and_writes_nothing(
    owner, annotator, viewer, documents, other_project, change, field
):
    inactive = UserFactory(username="gone", is_active=False)
    MembershipFactory(project=documents[0].project, user=inactive, role=Role.ANNOTATOR)
    people = {
        "stranger": UserFactory(username="stranger"),
        "viewer": viewer,
        "inactive": inactive,
        "annotator": annotator,
    }
    arguments = {
        "documents": documents,
        "annotators": [annotator],
        "strategy": service.EACH_TO_N,
        "per_document": 1,
    }
    ((name, value),) = change.items()
    if name == "annotators":
        arguments["annotators"] = [annotator, people[value]]
    elif name == "reviewer":
        arguments["reviewer"] = people[value]
    elif name == "documents":
        arguments["documents"] = [*documents, DocumentFactory(project=other_project)]
    else:
        arguments[name] = value
    before = _written()
    with pytest.raises(ValidationError) as refused:
        service.assignments_create(actor=owner, **arguments)
    assert field in refused.value.message_dict
    assert _written() == before


@pytest.mark.parametrize("who", ["viewer", "annotator", "reviewer", "outsider"])
def test_only_owners_assign(request, who, annotator, document):
    actor = request.getfixturevalue(who)
    before = _written()
    with pytest.raises(PermissionDenied):
        service.assignments_create(actor=actor, documents=[document], annotators=[annotator])
    assert _written() == before


def test_assigning_the_same_document_twice_is_refused(owner, annotator, assignment, document):
    before = _written()
    with pytest.raises(ValidationError) as refused:
        service.assignment_create(actor=owner, document=document, annotator=annotator)
    assert "annotator" in refused.value.message_dict
    assert _written() == before


# -- moving -----------------------------------------------------------------------------


def test_the_annotator_starts_and_finishes_and_an_owner_reopens(owner, annotator, assignment):
    moved = service.assignment_move(actor=annotator, assignment=assignment, move="start")
    assert (moved.state, moved.version, moved.done_at) == (AssignmentState.IN_PROGRESS, 2, None)
    moved = service.assignment_move(
        actor=annotator, assignment=assignment, move="done", expected_version=2
    )
    assert moved.state == AssignmentState.DONE and moved.done_at is not None
    moved = service.assignment_move(actor=owner, assignment=assignment, move="reopen", note="More")
    assert (moved.state, moved.done_at) == (AssignmentState.IN_PROGRESS, None)
    moved = service.assignment_move(actor=owner, assignment=assignment, move="reopen")
    assert moved.state == AssignmentState.ASSIGNED
    history = HistoryEntry.objects.filter(object_type="assignment").order_by("pk")
    assert [entry.changes.get("state") for entry in history] == [
        [None, "assigned"],
        ["assigned", "in_progress"],
        ["in_progress", "done"],
        ["done", "in_progress"],
        ["in_progress", "assigned"],
    ]
    assert history.last().actor == owner


def test_reopen_a_done_assignment_straight_to_assigned(owner, annotator, assignment):
    service.assignment_move(actor=annotator, assignment=assignment, move="start")
    service.assignment_move(actor=annotator, assignment=assignment, move="done")
    moved = service.assignment_move(
        actor=owner, assignment=assignment, move="reopen", to="assigned"
    )
    assert moved.state == AssignmentState.ASSIGNED


@pytest.mark.parametrize(
    ("states", "move"),
    [
        ([], "done"),  # assigned → done skips the work
        ([], "reopen"),
        (["start"], "start"),
        (["start", "done"], "done"),
        (["start", "done"], "start"),
    ],
)
def test_a_move_the_state_does_not_allow_is_refused(owner, annotator, assignment, states, move):
    for earlier in states:
        service.assignment_move(actor=annotator, assignment=assignment, move=earlier)
    actor = owner if move == "reopen" else annotator
    before = _written()
    with pytest.raises(InvalidTransition):
        service.assignment_move(actor=actor, assignment=assignment, move=move)
    assert _written() == before


@pytest.mark.parametrize("who", ["owner", "other_annotator", "reviewer", "viewer", "outsider"])
def test_only_the_annotator_starts_their_assignment(request, who, assignment):
    actor = request.getfixturevalue(who)
    before = _written()
    with pytest.raises(PermissionDenied):
        service.assignment_move(actor=actor, assignment=assignment, move="start")
    assert _written() == before


def test_an_annotator_cannot_reopen(annotator, assignment):
    service.assignment_move(actor=annotator, assignment=assignment, move="start")
    with pytest.raises(PermissionDenied):
        service.assignment_move(actor=annotator, assignment=assignment, move="reopen")


def test_a_stale_version_is_refused(annotator, assignment):
    with pytest.raises(StaleVersion):
        service.assignment_move(
            actor=annotator, assignment=assignment, move="start", expected_version=7
        )


def test_reopen_to_a_later_state_is_refused(owner, annotator, assignment):
    service.assignment_move(actor=annotator, assignment=assignment, move="start")
    with pytest.raises(ValidationError) as refused:
        service.assignment_move(actor=owner, assignment=assignment, move="reopen", to="done")
    assert "to" in refused.value.message_dict


# -- My work ------------------------------------------------------------------------------


def test_my_work_counts_the_annotators_claims_by_status(owner, annotator, documents):
    service.assignments_create(actor=owner, documents=documents[:2], annotators=[annotator])
    passage = PassageFactory(document=documents[0])
    ClaimFactory(passage=passage, author=annotator)
    ClaimFactory(passage=passage, author=annotator, status=ClaimStatus.SUBMITTED)
    ClaimFactory(passage=passage, author=owner)  # someone else's: not counted
    service.assignment_move(
        actor=annotator, assignment=Assignment.objects.get(document=documents[1]), move="start"
    )
    rows = list(my_work(annotator))
    assert [row.document for row in rows] == [documents[1], documents[0]]  # under way first
    first = rows[1]
    assert (first.draft_count, first.submitted_count, first.accepted_count) == (1, 1, 0)
    assert my_work_counts(annotator) == {"assigned": 1, "in_progress": 1, "done": 0}
    assert list(my_work(owner)) == []


# -- annotate_unassigned ---------------------------------------------------------------------


def _draft(document):
    start = document.passages.count() * 10  # a passage of its own
    passage = PassageFactory(document=document, start=start, end=start + 5)
    return services.ClaimDraft(passage=passage, statement="A claim.")


def test_unassigned_documents_are_closed_to_annotators_when_the_project_says_so(
    project, owner, reviewer, annotator, documents
):
    project.annotate_unassigned = False
    project.save()
    service.assignment_create(actor=owner, document=documents[0], annotator=annotator)
    services.claims_create(actor=annotator, drafts=[_draft(documents[0])])
    with pytest.raises(PermissionDenied, match="assigned to you"):
        services.claims_create(actor=annotator, drafts=[_draft(documents[1])])
    # Reviewers and owners are not bound by it.
    services.claims_create(actor=reviewer, drafts=[_draft(documents[1])])
    services.claims_create(actor=owner, drafts=[_draft(documents[1])])
    project.annotate_unassigned = True
    project.save()
    services.claims_create(actor=annotator, drafts=[_draft(documents[1])])


def test_unassigned_work_refused_over_the_api(project, annotator, document):
    project.annotate_unassigned = False
    project.save()
    passage = PassageFactory(document=document)
    before = Claim.objects.count()
    response = client_for(annotator).post(
        f"{API}/claims/", {"passage_id": passage.pk, "statement": "x"}, format="json"
    )
    assert response.status_code == 403, response.content
    assert "assigned to you" in response.json()["detail"]
    assert Claim.objects.count() == before


# -- four eyes and review notifications ---------------------------------------------------------


@pytest.fixture
def own_claim(project, reviewer):
    return ClaimFactory(
        passage=PassageFactory(document=DocumentFactory(project=project)),
        author=reviewer,
        status=ClaimStatus.SUBMITTED,
    )


@pytest.mark.parametrize("move", ["accept", "reject"])
def test_four_eyes_nobody_decides_their_own_claim(project, reviewer, own_claim, move):
    project.four_eyes = True
    project.save()
    with pytest.raises(PermissionDenied, match="four eyes"):
        services.claim_move(actor=reviewer, claim=own_claim, move=move)
    own_claim.refresh_from_db()
    assert own_claim.status == ClaimStatus.SUBMITTED


def test_without_four_eyes_a_reviewer_may_accept_their_own(project, reviewer, own_claim):
    services.claim_move(actor=reviewer, claim=own_claim, move="accept")
    assert Notification.objects.count() == 0  # nobody is told of their own decision


def test_four_eyes_over_the_api_is_a_clear_403(project, reviewer, own_claim):
    project.four_eyes = True
    project.save()
    response = client_for(reviewer).post(f"{API}/claims/{own_claim.pk}/accept/", {}, format="json")
    assert response.status_code == 403
    assert "four eyes" in response.json()["detail"]


def test_the_review_queue_hides_ones_own_claims_with_four_eyes(project, owner, reviewer, own_claim):
    other = ClaimFactory(passage=own_claim.passage, author=owner, status=ClaimStatus.SUBMITTED)
    assert set(waiting_claims(reviewer)) == {own_claim, other}
    project.four_eyes = True
    project.save()
    assert list(waiting_claims(reviewer)) == [other]
    listed = client_for(reviewer).get(f"{API}/claims/?status=submitted&decidable=true").json()
    assert [c["id"] for c in listed["results"]] == [other.pk]


@pytest.mark.parametrize(
    ("move", "kind"),
    [
        ("accept", NotificationKind.CLAIM_ACCEPTED),
        ("reject", NotificationKind.CLAIM_REJECTED),
    ],
)
def test_the_author_is_told_of_a_decision_with_its_note(project, reviewer, annotator, move, kind):
    claim = ClaimFactory(
        passage=PassageFactory(document=DocumentFactory(project=project)),
        author=annotator,
        status=ClaimStatus.SUBMITTED,
    )
    services.claim_move(actor=reviewer, claim=claim, move=move, note="See page 3.")
    services.claim_move(actor=reviewer, claim=claim, move="reopen", note="Again.")
    notes = Notification.objects.filter(recipient=annotator).order_by("pk")
    assert [(n.kind, n.text, n.claim_id, n.actor) for n in notes] == [
        (kind, "See page 3.", claim.pk, reviewer),
        (NotificationKind.CLAIM_REOPENED, "Again.", claim.pk, reviewer),
    ]


# -- the API ---------------------------------------------------------------------------------------


def test_owner_assigns_in_bulk_over_the_api(owner, annotator, other_annotator, documents):
    response = client_for(owner).post(
        f"{API}/assignments/bulk/",
        {
            "documents": [d.pk for d in documents],
            "annotators": ["anna", "arno"],
            "strategy": "each_to_n",
            "per_document": 2,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body) == 8
    assert body[0]["claims"] == {"draft": 0, "submitted": 0, "accepted": 0, "rejected": 0}
    assert body[0]["moves"] == []  # the owner does not start someone else's work


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"annotators": ["nobody"]}, "annotators"),
        ({"annotators": ["victor"]}, "annotators"),
        ({"documents": "foreign"}, "documents"),
        ({"reviewer": "anna"}, "reviewer"),
        ({"per_document": 0}, "per_document"),
        ({"strategy": "x"}, "strategy"),
        ({"annotators": ["an\x00na"]}, "annotators"),
    ],
)
def test_bad_api_input_is_a_400_naming_the_field(
    owner, annotator, viewer, reviewer, documents, other_project, data, field
):
    body = {"documents": [documents[0].pk], "annotators": ["anna"], **data}
    if body["documents"] == "foreign":
        body["documents"] = [DocumentFactory(project=other_project).pk]
    before = _written()
    response = client_for(owner).post(f"{API}/assignments/bulk/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert _written() == before


@pytest.mark.parametrize("who", ["viewer", "annotator", "reviewer"])
def test_only_owners_assign_over_the_api(request, who, annotator, document):
    before = _written()
    response = client_for(request.getfixturevalue(who)).post(
        f"{API}/assignments/", {"document": document.pk, "annotator": "anna"}, format="json"
    )
    assert response.status_code == 403
    assert _written() == before


def test_another_projects_assignment_is_a_404(outsider, assignment):
    client = client_for(outsider)
    assert client.get(f"{API}/assignments/{assignment.pk}/").status_code == 404
    assert client.post(f"{API}/assignments/{assignment.pk}/start/").status_code == 404
    assert client.get(f"{API}/assignments/").json()["results"] == []


def test_annotator_moves_only_their_own_over_the_api(annotator, other_annotator, assignment):
    url = f"{API}/assignments/{assignment.pk}"
    assert client_for(other_annotator).post(f"{url}/start/").status_code == 403
    mine = client_for(annotator)
    started = mine.post(f"{url}/start/", {"version": 1}, format="json")
    assert started.status_code == 200
    assert started.json()["state"] == "in_progress"
    assert started.json()["moves"] == ["done"]
    assert started["ETag"] == f'"{assignment.pk}.2"'
    stale = mine.post(f"{url}/done/", HTTP_IF_MATCH=f'"{assignment.pk}.1"')
    assert stale.status_code == 412
    again = mine.post(f"{url}/start/")
    assert again.status_code == 409
    assert again.json()["status"] == "in_progress"
    assert mine.post(f"{url}/done/").json()["state"] == "done"
    assert mine.post(f"{url}/reopen/").status_code == 403


def test_filters(owner, annotator, other_annotator, documents):
    service.assignments_create(
        actor=owner, documents=documents, annotators=[annotator, other_annotator]
    )
    client = client_for(owner)

    def ids(query):
        return [
            row["document"] for row in client.get(f"{API}/assignments/?{query}").json()["results"]
        ]

    assert ids("user=anna") == [documents[2].pk, documents[0].pk]  # newest first
    assert ids(f"document={documents[1].pk}") == [documents[1].pk]
    assert ids("state=done") == []
    assert len(ids(f"project={documents[0].project_id}")) == 4
    assert client.get(f"{API}/assignments/?state=bogus").status_code == 400
    assert len(client_for(annotator).get(f"{API}/assignments/?user=me").json()["results"]) == 2


def test_owners_edit_the_team_settings_of_a_project(project, owner, annotator):
    url = f"{API}/projects/{project.pk}/"
    answer = client_for(owner).patch(
        url, {"four_eyes": True, "annotate_unassigned": False}, format="json"
    )
    assert answer.status_code == 200
    assert (answer.json()["four_eyes"], answer.json()["annotate_unassigned"]) == (True, False)
    refused = client_for(annotator).patch(url, {"four_eyes": False}, format="json")
    assert refused.status_code == 403


# -- query counts ---------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_assignments_list_queries_do_not_grow_with_the_page(owner, annotator, other_annotator):
    project = owner.memberships.get().project
    service.assignments_create(
        actor=owner, documents=[DocumentFactory(project=project)], annotators=[annotator]
    )
    client = client_for(owner)
    one = _queries(client, f"{API}/assignments/")
    service.assignments_create(
        actor=owner,
        documents=[DocumentFactory(project=project) for _ in range(30)],
        annotators=[annotator, other_annotator],
        strategy=service.EACH_TO_N,
        per_document=2,
    )
    # the rows (people, document and claim counts in the same query), the caller's roles
    assert one == _queries(client, f"{API}/assignments/") == 2


def test_my_work_is_one_query(owner, annotator):
    project = owner.memberships.get().project
    service.assignments_create(
        actor=owner,
        documents=[DocumentFactory(project=project) for _ in range(20)],
        annotators=[annotator],
    )
    with CaptureQueriesContext(connection) as queries:
        rows = list(my_work(annotator))
        [(row.document.title, row.project.name, row.draft_count) for row in rows]
    assert len(rows) == 20
    assert len(queries) == 1


def test_four_eyes_offers_no_decision_on_ones_own_claim(project, reviewer, own_claim):
    """The claim's `permissions` follow four_eyes_guard, so no page shows a button
    the server would refuse."""
    url = f"{API}/claims/{own_claim.pk}/"
    assert "accept" in client_for(reviewer).get(url).json()["permissions"]["moves"]
    project.four_eyes = True
    project.save()
    moves = client_for(reviewer).get(url).json()["permissions"]["moves"]
    assert "accept" not in moves and "reject" not in moves
