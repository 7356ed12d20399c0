"""Evidence links and the history log in the admin (claims are in admin/claims.py)."""

from django import forms
from django.contrib import admin

from ..choices import Role
from ..models import EvidenceLink, HistoryEntry
from ..services import (
    can_edit_evidence,
    evidence_link,
    evidence_unlink,
    evidence_update,
)
from .base import (
    HistoryMixin,
    ScopedAdmin,
    request_role,
)


class EvidenceLinkForm(forms.ModelForm):
    # As on claims: the version the form was rendered from (a stale save is refused).
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = EvidenceLink
        fields = ["claim", "passage", "stance", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "expected_version" in self.fields:
            self.fields["expected_version"].initial = self.instance.version
            self.fields["expected_version"].required = True


@admin.register(EvidenceLink)
class EvidenceLinkAdmin(HistoryMixin, ScopedAdmin):
    form = EvidenceLinkForm
    add_role = change_role = delete_role = Role.ANNOTATOR
    list_display = ["claim", "stance", "quote", "document", "author", "created_at"]
    list_filter = [
        ("claim__project", admin.RelatedOnlyFieldListFilter),
        "stance",
        ("author", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["claim__statement", "passage__exact", "note"]
    autocomplete_fields = ["claim", "passage"]
    fields = ["claim", "passage", "stance", "note", "expected_version"]

    def project_id_of(self, obj):
        return obj.claim.project_id

    def get_readonly_fields(self, request, obj=None):
        return ["claim", "passage"] if obj else []

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return can_edit_evidence(request.user, obj, request_role(request, obj.claim.project_id))

    has_delete_permission = has_change_permission

    @admin.display(description="quote")
    def quote(self, obj):
        return str(obj.passage)

    @admin.display(description="document")
    def document(self, obj):
        return obj.passage.document.title

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            self.call_service(
                request,
                form,
                evidence_update,
                link=obj,
                stance=data["stance"],
                note=data["note"],
                expected_version=data.get("expected_version"),
            )
        else:
            link = self.call_service(
                request,
                form,
                evidence_link,
                claim=data["claim"],
                passage=data["passage"],
                stance=data["stance"],
                note=data["note"],
            )
            obj.pk = link.pk

    def delete_model(self, request, obj):
        evidence_unlink(actor=request.user, link=obj)

    def delete_queryset(self, request, queryset):
        for link in queryset:
            evidence_unlink(actor=request.user, link=link)


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ScopedAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_repr", "note"]
    list_filter = [
        ("project", admin.RelatedOnlyFieldListFilter),
        "action",
        "object_type",
        ("actor", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["object_repr", "note"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
