"""Demo data for issue 15: a project asking for two independent assessments per
claim, with agreements, disagreements (one adjudicated, some waiting), pending
assessments in the review queue, and two annotators marking the same document.

Built through the services; only the submission dates are moved back (over
three months), so the agreement page has a history to chart.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from .choices import ClaimKind, Role, Stance
from .models import Assessment, AssessmentRound, Project
from .services import (
    DocumentInput,
    claim_create,
    claim_move,
    document_import,
    evidence_link,
    membership_set,
    passage_create,
    project_create,
    source_create,
)
from .services.assessments import assessment_submit, round_adjudicate

TEXT = (
    "Port statistics show that grain exports through the northern terminal rose by 12% in "
    "the first quarter. The harbour authority expects the terminal to reach full capacity "
    "next year. Shipping agents say that insurance costs have doubled since the spring. "
    "Officials insist the new rail link will cut transit times by half. Critics argue the "
    "rail link is years behind schedule and over budget. A local newspaper reported that "
    "three berths were closed for repairs in March. The ministry called the quarter "
    "'the best in a decade'. Independent analysts doubt the growth will last beyond the "
    "harvest season."
)
SECOND_TEXT = (
    "A customs bulletin lists grain as the largest export by value for the third year in a "
    "row. Exports rose by 12% in the first quarter, it says, mostly to two buyers. The "
    "bulletin notes that the rail link is behind schedule."
)

# (quote, kind, author's credibility, [(assessor index, credibility, kind, stance)])
# Assessors are asked round-robin; the index picks the first or second one asked.
CLAIMS = [
    ("grain exports through the northern terminal rose by 12% in the first quarter",
     ClaimKind.STATISTIC, 2, [(2, "statistic", "supports"), (2, "statistic", "supports")]),
    ("expects the terminal to reach full capacity next year",
     ClaimKind.PREDICTION, 3, [(3, "prediction", "supports"), (4, "prediction", "supports")]),
    ("insurance costs have doubled since the spring",
     ClaimKind.FACT, 3, [(2, "fact", "supports"), (5, "opinion", "qualifies")]),
    ("the new rail link will cut transit times by half",
     ClaimKind.PREDICTION, 4, [(4, "prediction", "refutes"), (4, "prediction", "refutes")]),
    ("the rail link is years behind schedule and over budget",
     ClaimKind.OPINION, 3, [(2, "fact", "supports"), (3, "opinion", "supports")]),
    ("three berths were closed for repairs in March",
     ClaimKind.FACT, 2, [(1, "fact", "supports"), (2, "fact", "supports")]),
    ("Independent analysts doubt the growth will last",
     ClaimKind.OPINION, 6, [(6, "opinion", "supports"), (3, "prediction", "supports")]),
]  # fmt: skip
EVIDENCE = "Exports rose by 12% in the first quarter"
PENDING = "The ministry called the quarter 'the best in a decade'"
SECOND_ANNOTATOR_SPANS = [
    "grain exports through the northern terminal rose by 12%",
    "the rail link is years behind schedule and over budget",
    "three berths were closed for repairs",
    "Shipping agents say that insurance costs have doubled",
]


def build_agreement_demo(*, users: dict) -> Project:
    """The k = 2 project; `users` are the demo's (olga, rafael, anna, victor)."""
    from .demo import DEMO_PASSWORD

    User = get_user_model()
    olga, rafael, anna = users["olga"], users["rafael"], users["anna"]
    extra = {
        name: User.objects.create_user(
            name, f"{name}@example.org", DEMO_PASSWORD, first_name=first, is_staff=True
        )
        for name, first in (("rita", "Rita"), ("ravi", "Ravi"), ("arno", "Arno"))
    }
    project = project_create(
        actor=olga,
        slug="assessed",
        name="Port watch (two independent assessments)",
        description="Every submitted claim is assessed blind by two reviewers.",
        guidelines="Grade what the passage says, not what you believe. Credibility 1–6.",
        assessments_per_claim=2,
        credibility_tolerance=1,
    )
    for user, role in [
        (rafael, Role.REVIEWER),
        (extra["rita"], Role.REVIEWER),
        (extra["ravi"], Role.REVIEWER),
        (anna, Role.ANNOTATOR),
        (extra["arno"], Role.ANNOTATOR),
        (users["victor"], Role.VIEWER),
    ]:
        membership_set(actor=olga, project=project, user=user, role=role)
    source = source_create(actor=olga, project=project, name="Harbour Gazette", reliability="C")
    bulletin = source_create(actor=olga, project=project, name="Customs bulletin", reliability="B")
    report = document_import(
        actor=olga,
        project=project,
        source=source,
        item=DocumentInput(text=TEXT, title="Grain through the northern terminal"),
    )
    customs = document_import(
        actor=olga,
        project=project,
        source=bulletin,
        item=DocumentInput(text=SECOND_TEXT, title="Customs bulletin, first quarter"),
    )
    support = passage_create(actor=anna, document=customs, exact=EVIDENCE)
    today = timezone.now()
    for index, (quote, kind, grade, verdicts) in enumerate(CLAIMS):
        passage = passage_create(actor=anna, document=report, exact=quote)
        claim = claim_create(actor=anna, passage=passage, kind=kind, credibility=grade)
        evidence_link(actor=anna, claim=claim, passage=support, stance=Stance.SUPPORTS)
        claim = claim_move(actor=anna, claim=claim, move="submit", note="Ready.")
        asked = list(
            Assessment.objects.filter(claim=claim)
            .order_by("assessor_id")
            .select_related("assessor")
        )
        link = claim.evidence.get().pk
        for assessment, (credibility, said, stance) in zip(asked, verdicts, strict=True):
            assessment_submit(
                actor=assessment.assessor,
                claim=claim,
                credibility=credibility,
                kind=said,
                stances={link: stance},
            )
        # Spread the rounds over three months: the guidelines got clearer.
        when = today - datetime.timedelta(days=30 * (2 - index * 3 // len(CLAIMS)))
        Assessment.objects.filter(claim=claim).update(submitted_at=when)
    # One disagreement settled by a reviewer who did not assess it; the others wait.
    disputed = AssessmentRound.objects.filter(project=project, state="disputed").order_by("pk")
    first = disputed.first()
    assessors = set(first.assessments.values_list("assessor_id", flat=True))
    judge = next(u for u in (olga, rafael, extra["rita"], extra["ravi"]) if u.pk not in assessors)
    round_adjudicate(
        actor=judge,
        round=first,
        credibility=3,
        kind=ClaimKind.FACT,
        stances={first.claim.evidence.get().pk: Stance.SUPPORTS},
        note="Shipping agents are a fair source for insurance costs; a fact, not an opinion.",
    )
    # A claim still being assessed: it waits in two reviewers' queues.
    pending = passage_create(actor=anna, document=report, exact=PENDING)
    waiting = claim_create(actor=anna, passage=pending, kind=ClaimKind.OPINION, credibility=6)
    claim_move(actor=anna, claim=waiting, move="submit", note="Ready.")
    # A second annotator marked claims in the same report: span agreement.
    for quote in SECOND_ANNOTATOR_SPANS:
        passage = passage_create(actor=extra["arno"], document=report, exact=quote)
        claim_create(actor=extra["arno"], passage=passage, kind=ClaimKind.FACT, credibility=3)
    return project
