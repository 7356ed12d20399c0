"""Where a project stands (issue 14): the figures of the admin dashboard and of
`GET /api/v1/projects/{id}/stats/`, one selector for both.

The claim figures are read from the tallies the database keeps (models/tallies.py,
migration 0014): a few hundred grouped rows per project whatever its size, where
grouping the claims themselves cost 70 first pages of the claim list at 1,000,000
claims. Only the oldest submitted claim is read from the claims, as one row of the
(project, status, updated_at) index. Python folds the grouped rows into series.

Days are the tallies' UTC days: with TIME_ZONE other than UTC, a claim made near
midnight local time counts on its UTC day, so period edges may shift by the offset.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    Min,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from ..choices import AssignmentState, ClaimStatus, Credibility, Reliability, Stance
from ..models import (
    Assignment,
    Claim,
    ClaimsDecided,
    ClaimsMade,
    GradeTally,
    Project,
    StanceTally,
    Topic,
)

PERIODS = {"day": (F, 1, 30), "week": (TruncWeek, 7, 12)}  # of a tally's UTC day
THROUGHPUT_WEEKS = 8
NO_TOPIC = "(no topic)"
DELETED_USER = "(deleted user)"
DECIDED = (ClaimStatus.ACCEPTED, ClaimStatus.REJECTED)


@dataclass(frozen=True)
class Window:
    """The periods a time series shows: `count` days or weeks ending with `last`."""

    period: str
    first: date
    last: date
    step: int

    @classmethod
    def ending(cls, today: date, period: str) -> "Window":
        _, step, count = PERIODS[period]
        last = today - timedelta(days=today.weekday()) if period == "week" else today
        return cls(period, last - timedelta(days=step * (count - 1)), last, step)

    def starts(self) -> list[date]:
        days = (self.last - self.first).days
        return [self.first + timedelta(days=d) for d in range(0, days + 1, self.step)]

    def opening(self) -> date:
        """The key every day before the window is counted under (one opening total)."""
        return self.first - timedelta(days=1)


def _day(value) -> date:
    """A truncated period as a date (PostgreSQL answers a datetime for weeks)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):  # SQLite without converters
        return date.fromisoformat(value[:10])
    return value


def _username():
    """The tally row's author's username (None for author 0: no author)."""
    users = get_user_model().objects.filter(pk=OuterRef("author_key")).values("username")
    return Subquery(users[:1])


def project_stats(project: Project, *, period: str = "week", today: date | None = None) -> dict:
    """Every dashboard figure of one project (already scoped by the caller)."""
    today = today or timezone.localdate()
    window = Window.ending(today, period)
    made = ClaimsMade.objects.filter(project=project).exclude(n=0).order_by()
    totals = status_totals(made)
    return {
        "project": {"id": project.pk, "name": project.name, "slug": project.slug},
        "period": period,
        "totals": totals,
        "backlog": review_backlog(project, totals[ClaimStatus.SUBMITTED], today),
        "status_over_time": status_over_time(project, made, window),
        "throughput": throughput(made, Window.ending(today, "week")),
        "assignments": assignment_progress(project),
        "grades": grade_heatmap(project),
        "stances": stance_balance(project),
        "annotators": decision_rates(made),
    }


def status_totals(made) -> dict[str, int]:
    """How many claims are in each status now."""
    counts = dict(made.values_list("status").annotate(total=Sum("n")))
    return {status: counts.get(status, 0) for status in ClaimStatus.values}


def review_backlog(project: Project, submitted: int, today: date) -> dict:
    """Submitted claims waiting for a decision, and how long the oldest has waited.

    A submitted claim waits since its last change: its submission, unless a
    reviewer edited it since (annotators cannot edit submitted claims). The
    oldest is the first entry of the (project, status, updated_at) index.
    """
    oldest = Claim.objects.filter(project=project, status=ClaimStatus.SUBMITTED).aggregate(
        oldest=Min("updated_at")
    )["oldest"]
    return {
        "submitted": submitted,
        "oldest_submitted_at": oldest,
        "oldest_age_days": (today - timezone.localtime(oldest).date()).days if oldest else None,
    }


def _per_period(rows, window: Window, *fields):
    """Tally rows summed per period of the window; days before it under `opening`."""
    period = PERIODS[window.period][0]("day")
    at = Case(
        When(day__lt=window.first, then=Value(window.opening())),
        default=period,
        output_field=DateField(),
    )
    return rows.annotate(at=at).values_list("at", *fields).annotate(total=Sum("n"))


def status_over_time(project: Project, made, window: Window) -> list[dict]:
    """A cumulative flow: at the end of each period, how many of the claims made by
    then were accepted, rejected (by their review time) or still open (draft or
    submitted then). Reopened claims count as open from their reopening onwards
    only through their current status: earlier decisions are not replayed."""
    decided = ClaimsDecided.objects.filter(project=project).exclude(n=0).order_by()
    made_by: dict[date, int] = {}
    for at, n in _per_period(made, window):
        made_by[_day(at)] = made_by.get(_day(at), 0) + n
    decided_by = {(_day(at), status): n for at, status, n in _per_period(decided, window, "status")}
    series, total, accepted, rejected = [], 0, 0, 0
    opening = window.opening()
    edges = [opening, *window.starts()]
    for i, start in enumerate(edges):
        end = edges[i + 1] if i + 1 < len(edges) else None
        total += sum(n for at, n in made_by.items() if at >= start and (end is None or at < end))
        accepted += _summed(decided_by, ClaimStatus.ACCEPTED, start, end)
        rejected += _summed(decided_by, ClaimStatus.REJECTED, start, end)
        if start is opening:
            continue
        series.append(
            {
                "period": start.isoformat(),
                "open": total - accepted - rejected,
                "accepted": accepted,
                "rejected": rejected,
            }
        )
    return series


def _summed(counts: dict, status: str, start: date, end: date | None) -> int:
    return sum(
        n
        for (at, s), n in counts.items()
        if s == status and at >= start and (end is None or at < end)
    )


def throughput(made, window: Window) -> dict:
    """Claims each annotator made per week, over the last weeks."""
    rows = (
        made.filter(day__gte=window.first)
        .values("author_key", week=TruncWeek("day"))
        .annotate(total=Sum("n"), username=_username())
        .values_list("username", "week", "total")
    )
    weeks = [start.isoformat() for start in window.starts()][-THROUGHPUT_WEEKS:]
    by_user: dict[str, dict[str, int]] = {}
    for username, week, n in rows:
        key = _day(week).isoformat()
        if key in weeks:
            counts = by_user.setdefault(username or DELETED_USER, dict.fromkeys(weeks, 0))
            counts[key] += n
    return {
        "weeks": weeks,
        "annotators": [
            {"username": name, "counts": [counts[w] for w in weeks], "total": sum(counts.values())}
            for name, counts in sorted(by_user.items())
        ],
    }


def assignment_progress(project: Project) -> dict:
    """Assignments done, in progress and not started, per annotator and in total."""
    rows = (
        Assignment.objects.filter(project=project)
        .order_by()
        .values_list("annotator__username", "state")
        .annotate(n=Count("pk"))
    )
    empty = dict.fromkeys(AssignmentState.values, 0)
    per_user: dict[str, dict[str, int]] = {}
    total = dict(empty)
    for username, state, n in rows:
        per_user.setdefault(username, dict(empty))[state] += n
        total[state] += n
    return {
        "total": total,
        "annotators": [{"username": name, **counts} for name, counts in sorted(per_user.items())],
    }


def grade_heatmap(project: Project) -> dict:
    """Claims per source reliability (A–F; no source is F) × credibility (1–6)."""
    rows = GradeTally.objects.filter(project=project).values_list("reliability", "credibility", "n")
    counts = {(r, c): n for r, c, n in rows}
    return {
        "reliability": Reliability.values,
        "credibility": Credibility.values,
        "counts": [[counts.get((r, c), 0) for c in Credibility.values] for r in Reliability.values],
    }


def stance_balance(project: Project) -> list[dict]:
    """Evidence links per stance for each topic of their claims (a claim without a
    topic counts under "(no topic)"; one with two topics counts under both)."""
    names = Topic.objects.filter(pk=OuterRef("topic_key")).values("name")[:1]
    rows = (
        StanceTally.objects.filter(project=project)
        .exclude(n=0)
        .annotate(name=Subquery(names))
        .values_list("name", "stance", "n")
    )
    by_topic: dict[str, dict[str, int]] = {}
    for name, stance, n in rows:
        by_topic.setdefault(name or NO_TOPIC, dict.fromkeys(Stance.values, 0))[stance] += n
    return [
        {"topic": name, **counts, "total": sum(counts.values())}
        for name, counts in sorted(by_topic.items(), key=lambda kv: (kv[0] == NO_TOPIC, kv[0]))
    ]


def decision_rates(made) -> list[dict]:
    """Per author: claims made, accepted, rejected, and the shares of the decided."""
    rows = (
        made.values_list("author_key", "status")
        .annotate(total=Sum("n"), username=_username())
        .values_list("username", "status", "total")
    )
    per_user: dict[str, dict[str, int]] = {}
    for username, status, n in rows:
        counts = per_user.setdefault(username or DELETED_USER, dict.fromkeys(ClaimStatus.values, 0))
        counts[status] += n
    figures = []
    for username, counts in sorted(per_user.items()):
        accepted, rejected = counts[ClaimStatus.ACCEPTED], counts[ClaimStatus.REJECTED]
        decided = accepted + rejected
        figures.append(
            {
                "username": username,
                "claims": sum(counts.values()),
                "accepted": accepted,
                "rejected": rejected,
                "acceptance_rate": round(accepted / decided, 3) if decided else None,
                "rejection_rate": round(rejected / decided, 3) if decided else None,
            }
        )
    return figures


def projects_overview(user) -> list[Project]:
    """The user's projects for the admin index, each with its review backlog and the
    user's own open (not done) assignments: one query, counts as subqueries."""
    backlog = (
        Claim.objects.filter(project=OuterRef("pk"), status=ClaimStatus.SUBMITTED)
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    mine = (
        Assignment.objects.filter(project=OuterRef("pk"), annotator=user)
        .exclude(state=AssignmentState.DONE)
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Project.objects.visible_to(user)
        .annotate(
            backlog=Coalesce(Subquery(backlog), 0),
            open_assignments=Coalesce(Subquery(mine), 0),
        )
        .only("pk", "name", "slug")
        .order_by("name")
    )
