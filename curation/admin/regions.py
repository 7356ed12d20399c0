"""Document regions in the admin: owners mark and unmark them through the services."""

from django.contrib import admin

from ..models import DocumentRegion
from ..services.regions import region_create, region_delete
from .base import ScopedAdmin


@admin.register(DocumentRegion)
class DocumentRegionAdmin(ScopedAdmin):
    list_display = ["__str__", "document", "kind", "start", "end", "original_start", "origin"]
    list_filter = ["kind", "origin", ("document__project", admin.RelatedOnlyFieldListFilter)]
    autocomplete_fields = ["document"]
    fields = ["document", "kind", "start", "end", "original_start", "original_end"]
    list_select_related = ["document"]

    def get_queryset(self, request):
        return (
            DocumentRegion.objects.visible_to(request.user)
            .select_related("document")
            .defer("document__text")
        )

    def project_id_of(self, obj):
        return obj.document.project_id

    def has_change_permission(self, request, obj=None):
        # A region is a fixed span: unmark it and mark another instead.
        return obj is None and super().has_change_permission(request)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        region = self.call_service(
            request,
            form,
            region_create,
            document=data["document"],
            start=data["start"],
            end=data["end"],
            kind=data["kind"],
            original_start=data.get("original_start"),
            original_end=data.get("original_end"),
        )
        obj.pk = region.pk

    def delete_model(self, request, obj):
        region_delete(actor=request.user, region=obj)

    def delete_queryset(self, request, queryset):
        for region in queryset:
            region_delete(actor=request.user, region=region)
