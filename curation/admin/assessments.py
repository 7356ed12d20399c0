"""Assessments in the admin (issue 15): the assessor's form, the adjudication
queue (keyboard-driven, like the review queue) and the agreement page.

Every read is scoped (blind assessments through `Assessment.objects.visible_to`),
every write goes through services/assessments.py.
"""

import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.csp import csp_override
from rest_framework.exceptions import ValidationError as ApiValidationError

from ..api.agreement import agreement_filter
from ..choices import AssessmentStatus, ClaimKind, Credibility, Role, RoundState, Stance
from ..models import Assessment, AssessmentRound, EvidenceLink, Project
from ..selectors.agreement import project_agreement
from ..services import assessments as service
from . import charts
from .base import ScopedAdmin, has_role_somewhere
from .workspace import WORKSPACE_CSP


class ValuesForm(forms.Form):
    """Credibility, kind and a stance per evidence link: an assessment or a ruling."""

    # No preselected value: each grade is a choice the assessor makes, not a default.
    credibility = forms.TypedChoiceField(choices=[("", "—"), *Credibility.choices], coerce=int)
    kind = forms.ChoiceField(choices=[("", "—"), *ClaimKind.choices])

    def __init__(self, *args, links=(), note_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.links = list(links)
        for link in self.links:
            self.fields[f"stance_{link.pk}"] = forms.ChoiceField(
                choices=[("", "—"), *Stance.choices],
                label=f"Stance of “{link.passage.exact[:80]}”",
            )
        self.fields["note"] = forms.CharField(
            required=note_required, widget=forms.TextInput(attrs={"size": 60})
        )

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "credibility": data["credibility"],
            "kind": data["kind"],
            "stances": {link.pk: data[f"stance_{link.pk}"] for link in self.links},
            "note": data["note"],
        }


def _links(claim_id: int) -> list[EvidenceLink]:
    return list(
        EvidenceLink.objects.filter(claim_id=claim_id)
        .select_related("passage__document")
        .defer("passage__document__text")
        .order_by("pk")
    )


def _errors_to_form(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@admin.register(Assessment)
class AssessmentAdmin(ScopedAdmin):
    """Read-only list (blind); the assessor submits on the "assess" page."""

    list_display = ["claim", "assessor", "status", "credibility", "kind", "submitted_at"]
    list_filter = ["status", "round__state"]
    list_select_related = ["claim", "assessor"]
    fields = [
        "claim",
        "assessor",
        "status",
        "credibility",
        "kind",
        "note",
        "submitted_at",
        "reassign",
    ]
    readonly_fields = fields

    @admin.display(description="reassign")
    def reassign(self, obj):
        # The page itself answers 404 to anyone but the project's owners.
        if obj.status != AssessmentStatus.PENDING or obj.round.state != RoundState.OPEN:
            return "—"
        link = reverse("admin:curation_assessment_reassign", args=[obj.pk])
        return format_html('<a href="{}">Reassign to another member (owners)</a>', link)

    def get_queryset(self, request):
        return Assessment.objects.visible_to(request.user).select_related(
            "claim", "assessor", "round"
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view(functools.partial(assess_view, self))
        reassign = self.admin_site.admin_view(functools.partial(reassign_view, self))
        return [
            path("<int:pk>/assess/", view, name="curation_assessment_assess"),
            path("<int:pk>/reassign/", reassign, name="curation_assessment_reassign"),
            *super().get_urls(),
        ]


class ReassignForm(forms.Form):
    assessor = forms.ModelChoiceField(queryset=None, empty_label=None)


def reassign_view(model_admin, request, pk):
    """An owner hands a pending assessment to another eligible member (one service)."""
    assessment = (
        Assessment.objects.filter(
            pk=pk,
            project__memberships__user=request.user,
            project__memberships__role=Role.OWNER,
            status=AssessmentStatus.PENDING,
            round__state=RoundState.OPEN,
        )
        .select_related("claim__passage__document", "round", "assessor", "project")
        .defer("claim__passage__document__text")
        .first()
    )
    if assessment is None:  # Another project's, not pending, or not an owner: nothing to see.
        raise Http404(f"No pending assessment with id {pk} that you may reassign.")
    claim = assessment.claim
    taken = set(assessment.round.assessments.values_list("assessor_id", flat=True))
    eligible = [i for i in service.eligible_assessors(assessment.project, claim) if i not in taken]
    form = ReassignForm(request.POST or None)
    form.fields["assessor"].queryset = (
        get_user_model().objects.filter(pk__in=eligible).order_by("username")
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.assessment_reassign(
                actor=request.user, assessment=assessment, assessor=form.cleaned_data["assessor"]
            )
        except (ValidationError, PermissionDenied) as error:
            _errors_to_form(form, ValidationError(getattr(error, "messages", [str(error)])))
        else:
            model_admin.message_user(
                request,
                f"Assessment reassigned to {form.cleaned_data['assessor'].get_username()}.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:curation_assessment_changelist"))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Reassign an assessment",
        "subtitle": None,
        "opts": model_admin.opts,
        "assessment": assessment,
        "claim": claim,
        "form": form,
    }
    return TemplateResponse(request, "curation/agreement/reassign.html", context)


def assess_view(model_admin, request, pk):
    """The assessor's own pending assessment: the form, and its submission."""
    assessment = (
        Assessment.objects.filter(pk=pk, assessor=request.user)
        .select_related("claim__passage__document", "round")
        .defer("claim__passage__document__text")
        .first()
    )
    if assessment is None:
        raise Http404(f"No assessment with id {pk} for you.")
    claim = assessment.claim
    links = _links(claim.pk)
    form = ValuesForm(request.POST or None, links=links)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            service.assessment_submit(actor=request.user, claim=claim, **values)
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                error = ValidationError(str(error))
            _errors_to_form(form, error)
        else:
            model_admin.message_user(request, "Assessment submitted.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:curation_claim_review"))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Assess a claim",
        "subtitle": None,
        "opts": model_admin.opts,
        "assessment": assessment,
        "claim": claim,
        "form": form,
        "submitted": assessment.status == AssessmentStatus.SUBMITTED,
    }
    return TemplateResponse(request, "curation/agreement/assess.html", context)


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(ScopedAdmin):
    list_display = ["claim", "number", "state", "credibility", "kind", "adjudicator", "settled_at"]
    list_filter = ["state"]
    list_select_related = ["claim", "adjudicator"]
    fields = [*list_display, "note"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        queue = self.admin_site.admin_view(functools.partial(adjudication_queue, self))
        figures = self.admin_site.admin_view(functools.partial(agreement_page, self))
        return [
            path("adjudication/", queue, name="curation_assessmentround_adjudication"),
            path("agreement/", figures, name="curation_assessmentround_agreement"),
            *super().get_urls(),
        ]


@csp_override(WORKSPACE_CSP)
def adjudication_queue(model_admin, request):
    """Disputed rounds the user may settle: a reviewer who did not assess them."""
    if not has_role_somewhere(request, Role.REVIEWER):
        raise PermissionDenied
    rounds = (
        AssessmentRound.objects.visible_to(request.user, Role.REVIEWER)
        .filter(state=RoundState.DISPUTED)
        .exclude(assessments__assessor=request.user)
        .select_related("claim__passage__document", "project")
        .defer("claim__passage__document__text")
        .prefetch_related(
            Prefetch(
                "assessments",
                Assessment.objects.select_related("assessor")
                .prefetch_related("stances")
                .order_by("assessor__username"),
            ),
            Prefetch(
                "claim__evidence",
                EvidenceLink.objects.select_related("passage__document")
                .defer("passage__document__text")
                .order_by("pk"),
            ),
        )
        .order_by("created_at", "pk")
    )
    if request.method == "POST":
        return _adjudicate(model_admin, request, rounds)
    items = [_queue_item(round_) for round_ in rounds]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Adjudication queue",
        "subtitle": None,
        "opts": model_admin.opts,
        "items": items,
    }
    return TemplateResponse(request, "curation/agreement/adjudication.html", context)


def _queue_item(round_, form=None) -> dict:
    links = list(round_.claim.evidence.all())
    stances = {
        a.pk: {s.evidence_id: s.stance for s in a.stances.all()} for a in round_.assessments.all()
    }
    return {
        "round": round_,
        "claim": round_.claim,
        "assessments": [
            {
                "assessment": a,
                "stances": [stances[a.pk].get(link.pk, "—") for link in links],
            }
            for a in round_.assessments.all()
        ],
        "links": links,
        "form": form or ValuesForm(links=links, prefix=f"r{round_.pk}", note_required=True),
    }


def _adjudicate(model_admin, request, rounds):
    round_id = request.POST.get("round", "")
    round_ = rounds.filter(pk=int(round_id)).first() if round_id.isdigit() else None
    if round_ is None:
        raise Http404("No such claim awaits your adjudication.")
    links = list(round_.claim.evidence.all())
    form = ValuesForm(request.POST, links=links, prefix=f"r{round_.pk}", note_required=True)
    if form.is_valid():
        try:
            service.round_adjudicate(actor=request.user, round=round_, **form.values())
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                error = ValidationError(str(error))
            _errors_to_form(form, error)
        else:
            model_admin.message_user(request, "Claim settled.", messages.SUCCESS)
            return HttpResponseRedirect(request.path)
    items = [_queue_item(r, form if r.pk == round_.pk else None) for r in rounds]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Adjudication queue",
        "subtitle": None,
        "opts": model_admin.opts,
        "items": items,
    }
    return TemplateResponse(request, "curation/agreement/adjudication.html", context, status=400)


def agreement_page(model_admin, request):
    """Agreement figures of one project: tables and SVG charts, a CSV download."""
    projects = list(Project.objects.visible_to(request.user).order_by("name"))
    if not projects:
        raise PermissionDenied
    chosen = request.GET.get("project", "")
    project = next((p for p in projects if str(p.pk) == chosen), projects[0])
    error, figures = None, None
    try:
        filters = agreement_filter(project, request.GET)
    except ApiValidationError as failure:
        error = "; ".join(
            f"{field}: {' '.join(map(str, msgs))}" for field, msgs in failure.detail.items()
        )
    else:
        figures = project_agreement(project, filters)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Agreement: {project.name}",
        "subtitle": None,
        "opts": model_admin.opts,
        "projects": projects,
        "project": project,
        "params": request.GET,
        "error": error,
        "figures": figures,
        "csv_url": f"/api/v1/projects/{project.pk}/agreement/matrix.csv?{request.GET.urlencode()}",
    }
    if figures:
        context["bars"] = charts.alpha_bars(figures["alpha"])
        context["lines"] = charts.alpha_lines(figures["over_time"])
        for pair in figures["pairwise"]:
            pair["fill"] = charts.heat(pair["both"])
    return TemplateResponse(request, "curation/agreement/agreement.html", context)
