"""Where a project stands (issue 14): the figures of the admin dashboard and of
`GET /api/v1/projects/{id}/stats/`, one selector for both.

Every figure is a SQL aggregate (GROUP BY on claims, evidence, assignments): no
claim row is read into Python, whatever the project's size. Python only folds
the few grouped rows into series (cumulative sums over at most a few hundred
periods).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate, TruncWeek
from django.utils import timezone

from .. import grading
from ..choices import AssignmentState, ClaimStatus, Credibility, Reliability, Stance
from ..models import Assignment, Claim, EvidenceLink, Project

PERIODS = {"day": (TruncDate, 1, 30), "week": (TruncWeek, 7, 12)}
THROUGHPUT_WEEKS = 8
NO_TOPIC = "(no topic)"
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

    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, datetime.min.time()))


def _day(value) -> date:
    """A truncated period as a date (PostgreSQL answers a datetime for weeks)."""
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, str):  # SQLite without converters
        return date.fromisoformat(value[:10])
    return value


def project_stats(project: Project, *, period: str = "week", today: date | None = None) -> dict:
    """Every dashboard figure of one project (already scoped by the caller)."""
    today = today or timezone.localdate()
    window = Window.ending(today, period)
    claims = Claim.objects.filter(project=project).order_by()
    return {
        "project": {"id": project.pk, "name": project.name, "slug": project.slug},
        "period": period,
        "totals": status_totals(claims),
        "backlog": review_backlog(claims, today),
        "status_over_time": status_over_time(claims, window),
        "throughput": throughput(claims, Window.ending(today, "week")),
        "assignments": assignment_progress(project),
        "grades": grade_heatmap(claims),
        "stances": stance_balance(project),
        "annotators": decision_rates(claims),
    }


def status_totals(claims) -> dict[str, int]:
    """How many claims are in each status now."""
    counts = dict(claims.values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in ClaimStatus.values}


def review_backlog(claims, today: date) -> dict:
    """Submitted claims waiting for a decision, and how long the oldest has waited.

    A submitted claim waits since its last change: its submission, unless a
    reviewer edited it since (annotators cannot edit submitted claims).
    """
    waiting = claims.filter(status=ClaimStatus.SUBMITTED).aggregate(
        count=Count("pk"), oldest=Min("updated_at")
    )
    oldest = waiting["oldest"]
    return {
        "submitted": waiting["count"],
        "oldest_submitted_at": oldest,
        "oldest_age_days": (today - timezone.localtime(oldest).date()).days if oldest else None,
    }


def status_over_time(claims, window: Window) -> list[dict]:
    """A cumulative flow: at the end of each period, how many of the claims made by
    then were accepted, rejected (by their review time) or still open (draft or
    submitted then). Reopened claims count as open from their reopening onwards
    only through their current status: earlier decisions are not replayed."""
    trunc = PERIODS[window.period][0]
    made = claims.annotate(at=trunc("created_at")).values_list("at").annotate(n=Count("pk"))
    decided = (
        claims.filter(status__in=DECIDED)
        .annotate(at=trunc("reviewed_at"))
        .values_list("at", "status")
        .annotate(n=Count("pk"))
    )
    starts = window.starts()
    made_by: dict[date, int] = {}
    for at, n in made:
        key = max(_day(at), starts[0] - timedelta(days=1))  # earlier: one opening total
        made_by[key] = made_by.get(key, 0) + n
    decided_by: dict[tuple[date, str], int] = {}
    for at, status, n in decided:
        key = (max(_day(at), starts[0] - timedelta(days=1)), status)
        decided_by[key] = decided_by.get(key, 0) + n
    series, total, accepted, rejected = [], 0, 0, 0
    opening = starts[0] - timedelta(days=1)
    edges = [opening, *starts]
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


def throughput(claims, window: Window) -> dict:
    """Claims each annotator made per week, over the last weeks."""
    rows = (
        claims.filter(created_at__gte=window.since())
        .annotate(week=TruncWeek("created_at"))
        .values_list("author__username", "week")
        .annotate(n=Count("pk"))
    )
    weeks = [start.isoformat() for start in window.starts()][-THROUGHPUT_WEEKS:]
    by_user: dict[str, dict[str, int]] = {}
    for username, week, n in rows:
        key = _day(week).isoformat()
        if key in weeks:
            counts = by_user.setdefault(username or "(deleted user)", dict.fromkeys(weeks, 0))
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


def grade_heatmap(claims) -> dict:
    """Claims per source reliability (A–F; no source is F) × credibility (1–6)."""
    rows = (
        claims.annotate(reliability=grading.source_reliability_column("passage__document__source"))
        .values_list("reliability", "credibility")
        .annotate(n=Count("pk"))
    )
    counts = {(r, c): n for r, c, n in rows}
    return {
        "reliability": Reliability.values,
        "credibility": Credibility.values,
        "counts": [[counts.get((r, c), 0) for c in Credibility.values] for r in Reliability.values],
    }


def stance_balance(project: Project) -> list[dict]:
    """Evidence links per stance for each topic of their claims (a claim without a
    topic counts under "(no topic)"; one with two topics counts under both)."""
    rows = (
        EvidenceLink.objects.filter(claim__project=project)
        .order_by()
        .values_list("claim__topics__name", "stance")
        .annotate(n=Count("pk"))
    )
    by_topic: dict[str, dict[str, int]] = {}
    for name, stance, n in rows:
        by_topic.setdefault(name or NO_TOPIC, dict.fromkeys(Stance.values, 0))[stance] += n
    return [
        {"topic": name, **counts, "total": sum(counts.values())}
        for name, counts in sorted(by_topic.items(), key=lambda kv: (kv[0] == NO_TOPIC, kv[0]))
    ]


def decision_rates(claims) -> list[dict]:
    """Per author: claims made, accepted, rejected, and the shares of the decided."""
    rows = claims.values_list("author__username").annotate(
        made=Count("pk"),
        accepted=Count("pk", filter=Q(status=ClaimStatus.ACCEPTED)),
        rejected=Count("pk", filter=Q(status=ClaimStatus.REJECTED)),
    )
    figures = []
    for username, made, accepted, rejected in rows:
        decided = accepted + rejected
        figures.append(
            {
                "username": username or "(deleted user)",
                "claims": made,
                "accepted": accepted,
                "rejected": rejected,
                "acceptance_rate": round(accepted / decided, 3) if decided else None,
                "rejection_rate": round(rejected / decided, 3) if decided else None,
            }
        )
    return sorted(figures, key=lambda row: row["username"])


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
