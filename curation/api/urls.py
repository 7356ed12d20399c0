from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views
from .auth import TokenView
from .regions import RegionViewSet, document_regions


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
router.register("regions", RegionViewSet)

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("documents/<int:pk>/regions/", document_regions, name="document-regions"),
    path("", include(router.urls)),
    # Anything else under /api/v1/ is a JSON 404, like the rest of the API.
    re_path(r"^.*$", views.not_found),
]
