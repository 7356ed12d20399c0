"""Demo data of the dashboard branch (issue 14): six weeks of claim history, so the
project dashboard has a flow over time, throughput, grades and decisions to show.

The claims are made and decided through the services; only then are their
timestamps moved into the past (`backdate`), as if the team had worked for weeks.
Statements written for the demo.
"""

from datetime import timedelta

from django.utils import timezone

from .choices import AssignmentState
from .models import Assignment, Claim, Document, HistoryEntry, Passage, Topic
from .services import claim_create, claim_move

STATEMENTS = [
    "Pipeline flows rose after the summit.",
    "The accord covers liquefied gas as well.",
    "Prices will fall within a year.",
    "The northern route carried most exports.",
    "Both governments deny a price clause.",
    "Payments are settled in national currencies.",
]
WEEKS = 6


def backdate(claim: Claim, *, made, decided=None) -> None:
    """Move a claim (and its history) to `made`, its decision to `decided`: demo only."""
    fields = {"created_at": made, "updated_at": decided or made}
    if claim.reviewed_at:
        fields["reviewed_at"] = decided or made
    Claim.objects.filter(pk=claim.pk).update(**fields)
    HistoryEntry.objects.filter(claim=claim, action="created").update(at=made)
    if decided:
        HistoryEntry.objects.filter(claim=claim).exclude(action="created").update(at=decided)


def build_dashboard_demo(*, project, users) -> None:
    """About forty claims over six weeks by two annotators, most of them reviewed."""
    now = timezone.now()
    passages = list(Passage.objects.filter(document__project=project).order_by("pk")[:12])
    topics = list(Topic.objects.filter(project=project).order_by("name"))
    if not passages:
        return
    authors = [users["anna"], users["olga"]]
    reviewer = users["rafael"]
    for i in range(40):
        author = authors[i % 3 == 0]
        claim = claim_create(
            actor=author,
            passage=passages[i % len(passages)],
            statement=f"{STATEMENTS[i % len(STATEMENTS)]} (note {i + 1})",
            credibility=1 + (i * 5) % 6,
            topics=topics[i % len(topics) : i % len(topics) + 1] if topics else (),
        )
        age = (WEEKS * 7 * (40 - i)) // 40  # older first, a few every day
        made = now - timedelta(days=age, hours=i % 7)
        decided = None
        if i % 5 != 4:  # every fifth stays a draft
            claim_move(actor=author, claim=claim, move="submit")
            if age > 3 and i % 4 != 3:  # the newest and every fourth wait for review
                move = "reject" if i % 6 == 5 else "accept"
                claim_move(actor=reviewer, claim=claim, move=move, note="Demo review.")
                decided = made + timedelta(days=min(age - 1, 2 + i % 4))
        claim.refresh_from_db()
        backdate(claim, made=made, decided=decided)
    # Assignments are the assign branch's; a few here so the chart is not empty.
    states = [AssignmentState.DONE, AssignmentState.IN_PROGRESS, AssignmentState.ASSIGNED]
    documents = Document.objects.filter(project=project).order_by("pk")[:6]
    for i, document in enumerate(documents):
        state = states[i % 3]
        Assignment.objects.get_or_create(
            document=document,
            annotator=authors[i % 2],
            defaults={
                "project": project,
                "state": state,
                "assigned_by": users["olga"],
                "done_at": now if state == AssignmentState.DONE else None,
            },
        )
