"""Demo data of the discussion branch (issue 14): comment threads on claims with a
mention and a reply, one edited and one retracted comment, and notifications of
which some are read and some are not. Texts written for the demo."""

from .choices import ClaimStatus
from .models import Claim, Notification
from .services.comments import comment_create, comment_edit, comment_retract
from .services.notifications import notification_read


def build_discuss_demo(*, project, users) -> None:
    olga, rafael, anna = users["olga"], users["rafael"], users["anna"]
    claims = list(Claim.objects.filter(project=project).order_by("pk"))
    waiting = [claim for claim in claims if claim.status == ClaimStatus.SUBMITTED]
    first = claims[0]
    question = comment_create(
        actor=rafael,
        claim=first,
        body="@anna which article of the accord says this? The quote reads like a summary.",
    )
    answer = comment_create(
        actor=anna,
        claim=first,
        parent=question,
        body="Article 3, second paragraph. I quoted the press release because it names the date.",
    )
    comment_create(actor=rafael, claim=first, parent=answer, body="Thanks, that settles it for me.")
    note = comment_create(actor=olga, claim=first, body="Grade the ministry source A?")
    comment_edit(
        actor=olga,
        comment=note,
        body="@rafael should we grade the ministry source A now that the text is published?",
    )
    comment_create(
        actor=rafael,
        claim=first,
        parent=note,
        body="@olga yes: the published text names the ministry as signatory.",
    )
    if waiting:
        comment_create(
            actor=rafael,
            claim=waiting[0],
            body="Waiting for a second source before accepting; @anna do you have one?",
        )
        slip = comment_create(actor=anna, claim=waiting[0], body="Wrong claim, sorry.")
        comment_retract(actor=anna, comment=slip)
    # Anna has read the first thing she was told; the rest stays unread for the demo.
    oldest = Notification.objects.filter(recipient=anna).order_by("created_at", "pk").first()
    if oldest is not None:
        notification_read(actor=anna, notification=oldest)
