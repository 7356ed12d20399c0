from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from curation.admin.annotation_imports import annotation_import_view
from curation.security import no_view_on_site
from curation.views import favicon

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/r/<path:rest>", no_view_on_site),
    path(
        "admin/curation/import-annotations/",
        admin.site.admin_view(annotation_import_view),
        name="curation_annotation_import",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("curation.api.urls")),
    path("favicon.ico", favicon),
]

# JSON under /api/, Django's pages elsewhere (curation/api/handlers.py).
handler400 = "curation.api.handlers.bad_request"
handler403 = "curation.api.handlers.permission_denied"
handler404 = "curation.api.handlers.page_not_found"
handler500 = "curation.api.handlers.server_error"
