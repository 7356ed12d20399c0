"""The project dashboard's figures (issue 14): the selector against hand counts, the
stats endpoint, the admin page and index, their scoping and query counts."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from curation.choices import AssignmentState, ClaimStatus, Role
from curation.models import Assignment, Claim
from curation.selectors.dashboard import Window, project_stats

from .factories import (
    ClaimFactory,
    DocumentFactory,
    EvidenceLinkFactory,
    MembershipFactory,
    PassageFactory,
    TopicFactory,
    UserFactory,
)

SPANS = itertools.count()
TODAY = date(2026, 11, 25)  # a Wednesday; its week starts on Monday 23 November


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def make_claim(document, author, *, status=ClaimStatus.DRAFT, made=TODAY, decided=None, **kw):
    """A claim with its timestamps set as if made (and decided) on those days."""
    claim = ClaimFactory(
        passage=PassageFactory(document=document, start=next(SPANS) % 40, end=45),
        author=author,
        status=status,
        reviewed_at=at(decided) if decided else None,
        **kw,
    )
    fields = {"created_at": at(made), "updated_at": at(decided or made)}
    Claim.objects.filter(pk=claim.pk).update(**fields)
    return claim


@pytest.fixture
def figures_project(project, owner, annotator, other_annotator):
    """Seven claims, two documents (one without a source), evidence and assignments."""
    sourced = DocumentFactory(project=project, source__reliability="B")
    unsourced = DocumentFactory(project=project, source=None)
    war = TopicFactory(project=project, name="war")
    trade = TopicFactory(project=project, name="trade")
    week_ago, two_weeks_ago = TODAY - timedelta(days=7), TODAY - timedelta(days=14)
    c1 = make_claim(sourced, annotator, status="accepted", made=two_weeks_ago, decided=week_ago)
    c2 = make_claim(sourced, annotator, status="rejected", made=two_weeks_ago, decided=TODAY)
    c3 = make_claim(sourced, annotator, status="submitted", made=week_ago, credibility=5)
    make_claim(unsourced, other_annotator, status="submitted", made=TODAY, credibility=5)
    make_claim(unsourced, other_annotator, status="accepted", made=week_ago, decided=TODAY)
    make_claim(unsourced, other_annotator, made=TODAY, credibility=1)
    make_claim(unsourced, annotator, made=TODAY - timedelta(days=400))  # before the window
    c1.topics.add(war)
    c2.topics.add(war, trade)
    for claim, stance in [(c1, "supports"), (c1, "refutes"), (c2, "qualifies"), (c3, "supports")]:
        EvidenceLinkFactory(claim=claim, stance=stance)
    for document, user, state in [
        (sourced, annotator, AssignmentState.DONE),
        (unsourced, annotator, AssignmentState.IN_PROGRESS),
        (sourced, other_annotator, AssignmentState.ASSIGNED),
    ]:
        Assignment.objects.create(
            project=project,
            document=document,
            annotator=user,
            state=state,
            done_at=at(TODAY) if state == AssignmentState.DONE else None,
        )
    return project


def test_window_of_weeks_ends_with_this_weeks_monday():
    window = Window.ending(TODAY, "week")

    assert window.last == date(2026, 11, 23)
    assert len(window.starts()) == 12
    assert window.starts()[0] == date(2026, 9, 7)


def test_totals_and_backlog_count_by_status(figures_project):
    stats = project_stats(figures_project, today=TODAY)

    assert stats["totals"] == {"draft": 2, "submitted": 2, "accepted": 2, "rejected": 1}
    assert stats["backlog"]["submitted"] == 2
    assert stats["backlog"]["oldest_age_days"] == 7


def flow(open_: int, accepted: int, rejected: int) -> dict:
    return {"open": open_, "accepted": accepted, "rejected": rejected}


def test_status_over_time_is_a_cumulative_flow(figures_project):
    series = project_stats(figures_project, today=TODAY)["status_over_time"]

    assert len(series) == 12
    by_week = {row["period"]: row for row in series}
    # Before the window: one claim made 400 days ago, open.
    assert series[0] == {"period": "2026-09-07", "open": 1, "accepted": 0, "rejected": 0}
    assert by_week["2026-11-09"] == {"period": "2026-11-09", **flow(3, 0, 0)}
    assert by_week["2026-11-16"] == {"period": "2026-11-16", **flow(4, 1, 0)}
    assert by_week["2026-11-23"] == {"period": "2026-11-23", **flow(4, 2, 1)}


def test_status_over_time_by_day(figures_project):
    series = project_stats(figures_project, period="day", today=TODAY)["status_over_time"]

    assert len(series) == 30
    assert series[-1] == {"period": "2026-11-25", "open": 4, "accepted": 2, "rejected": 1}
    assert series[-2] == {"period": "2026-11-24", "open": 4, "accepted": 1, "rejected": 0}


def test_throughput_counts_claims_per_annotator_per_week(figures_project):
    throughput = project_stats(figures_project, today=TODAY)["throughput"]

    assert throughput["weeks"][-3:] == ["2026-11-09", "2026-11-16", "2026-11-23"]
    rows = {row["username"]: row for row in throughput["annotators"]}
    assert rows["anna"]["counts"][-3:] == [2, 1, 0]
    assert rows["arno"]["counts"][-3:] == [0, 1, 2]
    assert rows["anna"]["total"] == 3  # the claim of 400 days ago is outside


def test_assignments_per_annotator_and_in_total(figures_project):
    assignments = project_stats(figures_project, today=TODAY)["assignments"]

    assert assignments["total"] == {"assigned": 1, "in_progress": 1, "done": 1}
    assert assignments["annotators"] == [
        {"username": "anna", "assigned": 0, "in_progress": 1, "done": 1},
        {"username": "arno", "assigned": 1, "in_progress": 0, "done": 0},
    ]


def test_grade_heatmap_counts_no_source_as_f(figures_project):
    grades = project_stats(figures_project, today=TODAY)["grades"]

    cells = {
        f"{r}{c}": grades["counts"][i][j]
        for i, r in enumerate(grades["reliability"])
        for j, c in enumerate(grades["credibility"])
        if grades["counts"][i][j]
    }
    # Evidence passages belong to documents with sources of their own: not claims.
    assert cells == {"B2": 2, "B5": 1, "F5": 1, "F2": 2, "F1": 1}


def test_stance_balance_per_topic(figures_project):
    stances = project_stats(figures_project, today=TODAY)["stances"]

    assert stances == [
        {"topic": "trade", "supports": 0, "refutes": 0, "qualifies": 1, "total": 1},
        {"topic": "war", "supports": 1, "refutes": 1, "qualifies": 1, "total": 3},
        {"topic": "(no topic)", "supports": 1, "refutes": 0, "qualifies": 0, "total": 1},
    ]


def test_acceptance_and_rejection_rates_per_annotator(figures_project):
    rates = project_stats(figures_project, today=TODAY)["annotators"]

    assert rates == [
        {
            "username": "anna",
            "claims": 4,
            "accepted": 1,
            "rejected": 1,
            "acceptance_rate": 0.5,
            "rejection_rate": 0.5,
        },
        {
            "username": "arno",
            "claims": 3,
            "accepted": 1,
            "rejected": 0,
            "acceptance_rate": 1.0,
            "rejection_rate": 0.0,
        },
    ]


def test_other_projects_claims_do_not_count(figures_project, other_project):
    other = UserFactory(username="zed")
    MembershipFactory(project=other_project, user=other, role=Role.ANNOTATOR)
    make_claim(DocumentFactory(project=other_project), other, status="submitted")

    stats = project_stats(figures_project, today=TODAY)

    assert stats["totals"]["submitted"] == 2
    assert "zed" not in {row["username"] for row in stats["annotators"]}


# -- GET /api/v1/projects/{id}/stats/ -------------------------------------------------

STATS_QUERIES = 10  # the project, then nine aggregates (none per claim or per row)


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("role", ["owner", "annotator", "viewer"])
def test_every_member_reads_the_stats(request, figures_project, role):
    user = request.getfixturevalue(role)

    response = api_client(user).get(f"/api/v1/projects/{figures_project.pk}/stats/")

    assert response.status_code == 200
    body = response.json()
    assert body["totals"] == {"draft": 2, "submitted": 2, "accepted": 2, "rejected": 1}
    assert body["period"] == "week"
    assert len(body["status_over_time"]) == 12
    assert body["assignments"]["total"] == {"assigned": 1, "in_progress": 1, "done": 1}


def test_stats_equal_the_selector(figures_project, owner):
    response = api_client(owner).get(f"/api/v1/projects/{figures_project.pk}/stats/?period=day")

    expected = project_stats(figures_project, period="day")
    assert response.json()["status_over_time"] == expected["status_over_time"]
    assert response.json()["grades"] == expected["grades"]
    assert response.json()["stances"] == expected["stances"]


def test_another_projects_stats_answer_404(figures_project, outsider):
    response = api_client(outsider).get(f"/api/v1/projects/{figures_project.pk}/stats/")

    assert response.status_code == 404


def test_stats_need_authentication(figures_project):
    response = APIClient().get(f"/api/v1/projects/{figures_project.pk}/stats/")

    assert response.status_code in (401, 403)


@pytest.mark.parametrize("period", ["month", "week\x00", "weekly"])
def test_a_bad_period_is_a_400_naming_it(figures_project, owner, period):
    response = api_client(owner).get(
        f"/api/v1/projects/{figures_project.pk}/stats/", {"period": period}
    )

    assert response.status_code == 400
    assert "period" in response.json() or "NUL" in response.content.decode()


def test_stats_query_count_does_not_grow_with_claims(
    figures_project, owner, django_assert_max_num_queries
):
    url = f"/api/v1/projects/{figures_project.pk}/stats/"
    client = api_client(owner)
    with django_assert_max_num_queries(STATS_QUERIES):
        client.get(url)
    document = DocumentFactory(project=figures_project)
    for _ in range(5):
        make_claim(document, UserFactory(), status="submitted")

    with django_assert_max_num_queries(STATS_QUERIES):
        response = client.get(url)

    assert response.json()["totals"]["submitted"] == 7


# -- the admin: dashboard page, project page link, index, claim filters --------------

DASHBOARD_QUERIES = (
    # session, user, project, 9 aggregates; the nav sidebar: 2 permission reads, roles;
    # the header's unread notifications
    16
)
INDEX_QUERIES = (
    # session, user, 2 permission reads, roles, the projects with both counts, recent
    # actions, the header's unread notifications
    8
)


def dashboard_url(project) -> str:
    return reverse("admin:curation_project_dashboard", args=[project.pk])


@pytest.mark.parametrize("role", ["owner", "annotator", "viewer"])
def test_members_open_the_dashboard_with_its_charts(request, client, figures_project, role):
    client.force_login(request.getfixturevalue(role))

    response = client.get(dashboard_url(figures_project))

    assert response.status_code == 200
    page = response.content.decode()
    for chart in ["flow-chart", "throughput-chart", "assignments-chart", "grade-heatmap"]:
        assert f'<svg class="cd-chart" id="{chart}" role="img"' in page
    assert page.count("<details>") == 6
    assert "style=" not in page.split('id="dashboard"')[1]  # CSP: no inline styles


def test_another_projects_dashboard_is_a_404(client, figures_project, outsider):
    client.force_login(outsider)

    assert client.get(dashboard_url(figures_project)).status_code == 404


def test_labels_are_escaped_in_the_charts(client, figures_project, owner):
    TopicFactory(project=figures_project, name="<b>war</b>")
    claim = Claim.objects.filter(project=figures_project).first()
    claim.topics.set(figures_project.topics.filter(name="<b>war</b>"))
    EvidenceLinkFactory(claim=claim, stance="supports")
    client.force_login(owner)

    page = client.get(dashboard_url(figures_project)).content.decode()

    assert "<b>war</b>" not in page
    assert "&lt;b&gt;war&lt;/b&gt;" in page


def test_heatmap_cells_open_the_claims_of_their_grade(client, figures_project, owner):
    client.force_login(owner)
    page = client.get(dashboard_url(figures_project)).content.decode()
    link = f"project__id__exact={figures_project.pk}&amp;reliability=F&amp;credibility__exact=5"
    assert link in page

    response = client.get(
        reverse("admin:curation_claim_changelist"),
        {"project__id__exact": figures_project.pk, "reliability": "F", "credibility__exact": 5},
    )

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1  # the claim without a source


def test_project_page_links_to_its_dashboard(client, figures_project, owner):
    client.force_login(owner)

    response = client.get(reverse("admin:curation_project_change", args=[figures_project.pk]))

    assert dashboard_url(figures_project) in response.content.decode()


def test_dashboard_query_count_does_not_grow_with_claims(
    client, figures_project, owner, django_assert_max_num_queries
):
    client.force_login(owner)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        client.get(dashboard_url(figures_project))
    document = DocumentFactory(project=figures_project)
    for _ in range(5):
        make_claim(document, UserFactory(), status="accepted", decided=TODAY)

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get(dashboard_url(figures_project))

    assert response.status_code == 200


def test_index_shows_each_project_with_backlog_and_own_open_assignments(
    client, figures_project, other_project, annotator, django_assert_max_num_queries
):
    MembershipFactory(project=other_project, user=annotator, role=Role.VIEWER)
    client.force_login(annotator)
    client.get(reverse("admin:index"))  # warm the session

    with django_assert_max_num_queries(INDEX_QUERIES):
        response = client.get(reverse("admin:index"))

    page = response.content.decode()
    assert 'data-project="alpha"' in page and 'data-project="beta"' in page
    row = page.split('data-project="alpha"')[1].split("</tr>")[0]
    assert '<td class="cd-num cd-backlog">2</td>' in row
    assert (
        'cd-mine"><a href="/admin/curation/assignment/mine/">1</a></td>' in row
    )  # in progress counts, done does not
    assert dashboard_url(figures_project) in row
