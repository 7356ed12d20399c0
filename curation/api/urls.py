from django.urls import include, path, re_path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from ..security import DOCS_CSP
from . import views
from .agreement import AgreementMatrixView, AgreementView
from .assessments import AdjudicationViewSet, AssessmentViewSet
from .assignments import AssignmentViewSet
from .auth import TokenDetailView, TokenListView, TokenView
from .discussion import CommentViewSet, NotificationViewSet
from .imports import ImportJobViewSet
from .regions import RegionViewSet, document_regions
from .stats import ProjectStatsView


class Router(DefaultRouter):
    # No `claims.json` twin of every route: the API speaks JSON only, and each
    # twin is one more pattern that every request is matched against.
    include_format_suffixes = False


router = Router()
router.register("projects", views.ProjectViewSet)
router.register("memberships", views.MembershipViewSet)
router.register("sources", views.SourceViewSet)
router.register("documents", views.DocumentViewSet)
router.register("passages", views.PassageViewSet)
router.register("claims", views.ClaimViewSet)
router.register("evidence", views.EvidenceViewSet)
router.register("topics", views.TopicViewSet)
router.register("releases", views.ReleaseViewSet)
router.register("imports", ImportJobViewSet)
router.register("assessments", AssessmentViewSet)
router.register("adjudications", AdjudicationViewSet, basename="adjudication")
router.register("regions", RegionViewSet)
router.register("assignments", AssignmentViewSet)  # issue 14
router.register("comments", CommentViewSet)  # issue 14
router.register("notifications", NotificationViewSet)

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/tokens/", TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<str:token_id>/", TokenDetailView.as_view(), name="api-token-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        csp_override(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("projects/<int:pk>/agreement/", AgreementView.as_view(), name="project-agreement"),
    path(
        "projects/<int:pk>/agreement/matrix.csv",
        AgreementMatrixView.as_view(),
        name="project-agreement-matrix",
    ),
    path("projects/<int:pk>/stats/", ProjectStatsView.as_view(), name="project-stats"),
    path("documents/<int:pk>/regions/", document_regions, name="document-regions"),
    path("", include(router.urls)),
    # Anything else under /api/v1/ is a JSON 404, like the rest of the API.
    re_path(r"^.*$", views.not_found),
]
