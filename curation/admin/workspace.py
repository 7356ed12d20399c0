"""The annotation workspace and the review queue: admin pages driven by one
JavaScript module (static/curation/workspace.js) that talks to /api/v1/."""

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override

from ..choices import ClaimKind, ClaimStatus, Credibility, Reliability, Role, Stance
from ..models import Document, Topic
from ..selectors.assessments import adjudications_waiting, assessments_waiting
from ..selectors.review_queue import reviewed_projects, waiting_claims
from ..services import role_for
from ..services.comments import may_comment
from .assignments import workspace_assignment

# No inline script or style, nothing from elsewhere: user text can only ever be text.
WORKSPACE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}


def _choices(choices) -> list[list]:
    return [[value, label] for value, label in choices]


def _common_config(request) -> dict:
    return {
        "api": "/api/v1/",
        "user": request.user.get_username(),
        "kinds": _choices(ClaimKind.choices),
        "credibility": _choices(Credibility.choices),
        "reliability": _choices(Reliability.choices),
        "stances": _choices(Stance.choices),
        "statuses": _choices(ClaimStatus.choices),
        "workspaceUrl": "/admin/curation/document/{id}/workspace/",
    }


@csp_override(WORKSPACE_CSP)
def document_workspace(model_admin, request, pk):
    document = (
        Document.objects.visible_to(request.user)
        .select_related("project", "source")
        .defer("text")
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404(f"No document with id {pk}.")
    role = role_for(request.user, document.project_id)
    config = {
        **_common_config(request),
        "page": "document",
        "documentId": document.pk,
        "documentLength": document.length,  # code points: long texts open from a part
        "projectId": document.project_id,
        "role": role.value,
        "canAnnotate": role.allows(Role.ANNOTATOR),
        "canComment": may_comment(role, document.project),  # issue 14
        "canGradeSource": role.allows(Role.OWNER) and document.source_id is not None,
        "topics": list(
            Topic.objects.filter(project_id=document.project_id).values_list("name", flat=True)
        ),
        "assignment": workspace_assignment(request.user, document.pk, role),  # issue 14
    }
    context = {
        **model_admin.admin_site.each_context(request),
        "title": document.title,
        "subtitle": None,
        "opts": model_admin.opts,
        "document": document,
        "config": config,
        "guidelines": document.project.guidelines,
    }
    return TemplateResponse(request, "curation/workspace.html", context)


QUEUE_FILTERS = ("project", "document", "topic", "author")
QUEUE_PAGE_SIZE = 100


@csp_override(WORKSPACE_CSP)
def review_queue(model_admin, request):
    projects = reviewed_projects(request.user)
    # The filters travel in the page's URL (a GET form), so the count matches them.
    chosen = {name: request.GET.get(name, "").strip() for name in QUEUE_FILTERS}
    waiting = waiting_claims(request.user, chosen).count()
    config = {
        **_common_config(request),
        "page": "review",
        "projects": [[project.pk, project.name] for project in projects],
        "topics": list(
            Topic.objects.filter(project__in=projects)
            .order_by("name")
            .values_list("name", flat=True)
            .distinct()
        ),
        "filters": chosen,
        "waiting": waiting,
        "pageSize": QUEUE_PAGE_SIZE,
    }
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Review queue",
        "subtitle": None,
        "opts": model_admin.opts,
        "config": config,
        "can_review": bool(config["projects"]),
        "waiting": waiting,
        "filtered": any(chosen.values()),
        # Issue 15: claims waiting for the user's independent assessment, and adjudications.
        "assessments_waiting": list(assessments_waiting(request.user)[:100]),
        "adjudications": adjudications_waiting(request.user).count(),
    }
    return TemplateResponse(request, "curation/review.html", context)
