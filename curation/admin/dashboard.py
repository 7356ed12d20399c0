"""The project dashboard in the admin (issue 14): one page per project, its charts
drawn as server-rendered SVG from `selectors.dashboard`, the numbers behind each
one a click away; and the claim list's reliability filter its heatmap links to."""

from urllib.parse import urlencode

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse

from .. import grading
from ..choices import AssignmentState, Reliability, Stance
from ..models import Project
from ..selectors.dashboard import PERIODS, project_stats
from . import dashboard_charts as charts


class ReliabilityFilter(admin.SimpleListFilter):
    """The source's Admiralty letter; F includes claims whose document has no source
    (grading.py), so the filter and the heatmap count the same claims."""

    title = "source reliability"
    parameter_name = "reliability"

    def lookups(self, request, model_admin):
        return Reliability.choices

    def queryset(self, request, queryset):
        if self.value() in Reliability.values:
            return queryset.filter(
                grading.reliability_among("passage__document__source", [self.value()])
            )
        return queryset


def claims_url(project: Project, **filters) -> str:
    query = {"project__id__exact": project.pk, **filters}
    return f"{reverse('admin:curation_claim_changelist')}?{urlencode(query)}"


def project_dashboard(model_admin, request, object_id: str):
    """Where one project stands; any member may open it, others get a 404."""
    project = Project.objects.visible_to(request.user).filter(pk=object_id).first()
    if project is None:
        raise Http404("No such project.")
    period = request.GET.get("period", "week")
    if period not in PERIODS:
        period = "week"
    stats = project_stats(project, period=period)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Dashboard: {project.name}",
        "subtitle": None,
        "opts": model_admin.opts,
        "project": project,
        "stats": stats,
        "period": period,
        "periods": list(PERIODS),
        "charts": _charts(project, stats),
        "backlog_url": claims_url(project, status__exact="submitted"),
        "stats_url": reverse("project-stats", args=[project.pk]),
    }
    return TemplateResponse(request, "curation/dashboard/project.html", context)


def _charts(project: Project, stats: dict) -> dict:
    flow = stats["status_over_time"]
    throughput = stats["throughput"]
    assignments = stats["assignments"]["annotators"]
    rates = stats["annotators"]
    heat = charts.heatmap(stats["grades"])
    for cell in heat["cells"]:
        cell["url"] = claims_url(
            project, reliability=cell["reliability"], credibility__exact=cell["credibility"]
        )
    return {
        "flow": charts.columns(
            [row["period"] for row in flow],
            [(name, [row[name] for row in flow]) for name in ("accepted", "rejected", "open")],
        ),
        "throughput": charts.columns(
            throughput["weeks"],
            [(row["username"], row["counts"]) for row in throughput["annotators"]],
        ),
        "assignments": charts.rows(
            [row["username"] for row in assignments],
            [
                (label, [row[state] for row in assignments])
                for state, label in AssignmentState.choices[::-1]
            ],
        ),
        "heatmap": heat,
        "grade_rows": [
            {"letter": letter, "cells": [c for c in heat["cells"] if c["reliability"] == letter]}
            for letter in stats["grades"]["reliability"]
        ],
        "stances": charts.rows(
            [row["topic"] for row in stats["stances"]],
            [(stance, [row[stance] for row in stats["stances"]]) for stance in Stance.values],
            share=True,
        ),
        "rates": charts.rows(
            [row["username"] for row in rates],
            [(name, [row[name] for row in rates]) for name in ("accepted", "rejected")],
            share=True,
        ),
    }
