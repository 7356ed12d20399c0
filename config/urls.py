from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from curation.admin.imports import annotation_import_view
from curation.views import favicon

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path(
        "admin/curation/import-annotations/",
        admin.site.admin_view(annotation_import_view),
        name="curation_annotation_import",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("curation.api.urls")),
    path("favicon.ico", favicon),
]
