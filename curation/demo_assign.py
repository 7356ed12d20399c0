"""Demo data of the assignments branch (issue 14): documents given to annotators, in
every state, so My work, the assignment list and the workspace's control have
something to show."""

from django.contrib.auth import get_user_model

from .choices import Role
from .models import Document, Membership, Project
from .services.assignments import EACH_TO_N, assignment_move, assignments_create


def build_assign_demo(*, project: Project, owner) -> None:
    """anna: one document done, one in progress, the rest not started (rafael reviews);
    in the agreement project, each document to both of its annotators."""
    User = get_user_model()
    anna, rafael = User.objects.get(username="anna"), User.objects.get(username="rafael")
    documents = list(Document.objects.filter(project=project).order_by("pk").defer("text")[:5])
    created = assignments_create(
        actor=owner, documents=documents, annotators=[anna], reviewer=rafael
    )
    assignment_move(actor=anna, assignment=created[0], move="start")
    assignment_move(actor=anna, assignment=created[0], move="done")
    assignment_move(actor=anna, assignment=created[1], move="start")

    # Another project with more than one annotator: each document to two of them.
    other = (
        Membership.objects.filter(role=Role.ANNOTATOR)
        .exclude(project=project)
        .values_list("project_id", flat=True)
        .first()
    )
    if other is None:
        return
    annotators = list(
        User.objects.filter(
            memberships__project_id=other, memberships__role=Role.ANNOTATOR
        ).order_by("username")
    )
    owners = User.objects.filter(memberships__project_id=other, memberships__role=Role.OWNER)
    papers = list(Document.objects.filter(project_id=other).order_by("pk").defer("text")[:4])
    if len(annotators) < 2 or not papers or not owners.exists():
        return
    given = assignments_create(
        actor=owners.first(),
        documents=papers,
        annotators=annotators[:2],
        strategy=EACH_TO_N,
        per_document=2,
    )
    first = given[0]
    assignment_move(actor=first.annotator, assignment=first, move="start")
