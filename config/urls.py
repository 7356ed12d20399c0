from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from curation.views import favicon

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("curation.api.urls")),
    path("favicon.ico", favicon),
]
