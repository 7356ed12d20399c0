from django import forms
from django.contrib import admin
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from ..choices import ClaimStatus, Credibility, ExportFormat, Reliability, Role
from ..exports.http import release_file_response
from ..models import Project, Release, Topic
from ..services import release_cut, release_filter
from .base import ScopedAdmin, service_errors


class ReleaseCutForm(forms.ModelForm):
    """The cut page: what goes into the release, and in which formats."""

    statuses = forms.MultipleChoiceField(
        choices=ClaimStatus.choices,
        initial=[ClaimStatus.ACCEPTED],
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.ModelMultipleChoiceField(queryset=Topic.objects.none(), required=False)
    min_credibility = forms.TypedChoiceField(
        choices=[("", "any"), *Credibility.choices],
        coerce=int,
        empty_value=None,
        required=False,
        label="Credibility at least",
    )
    min_source_reliability = forms.ChoiceField(
        choices=[("", "any"), *Reliability.choices],
        required=False,
        label="Source reliability at least",
    )
    documents = forms.CharField(required=False, help_text="Document ids, comma-separated.")
    formats = forms.MultipleChoiceField(
        choices=ExportFormat.choices,
        initial=list(ExportFormat.values),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Release
        fields = ["project", "name", "description"]

    def clean_documents(self):
        raw = self.cleaned_data["documents"]
        try:
            return [int(part) for part in raw.replace(" ", "").split(",") if part]
        except ValueError:
            raise forms.ValidationError("Give document ids as numbers.") from None

    def _post_clean(self):
        pass  # release_cut validates and numbers the release.


@admin.register(Release)
class ReleaseAdmin(ScopedAdmin):
    add_role = Role.OWNER
    change_role = Role.OWNER  # Nothing is editable; the page is read-only for everyone.
    list_display = [
        "__str__",
        "project",
        "version",
        "claim_count",
        "evidence_count",
        "document_count",
        "source_count",
        "created_by",
        "created_at",
    ]
    list_filter = [("project", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "description"]
    readonly_fields = [
        "project",
        "version",
        "name",
        "description",
        "filter",
        "claim_count",
        "evidence_count",
        "document_count",
        "source_count",
        "created_by",
        "created_at",
        "downloads",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ReleaseCutForm
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["topics"].queryset = Topic.objects.visible_to(request.user)
            form.base_fields["project"].queryset = Project.objects.visible_to(
                request.user, Role.OWNER
            )
            form.base_fields["project"].initial = request.GET.get("project")
        return form

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": ["project", "name", "description"]}),
                (
                    "What goes in",
                    {
                        "fields": [
                            "statuses",
                            "topics",
                            "documents",
                            "min_credibility",
                            "min_source_reliability",
                        ]
                    },
                ),
                ("Files", {"fields": ["formats"]}),
            ]
        return [(None, {"fields": self.readonly_fields})]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # A release others may rely on is never deleted here.

    @admin.display(description="downloads")
    def downloads(self, obj):
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> — {} bytes, SHA-256 <code>{}</code></li>',
                (
                    (
                        reverse("admin:curation_release_download", args=[obj.pk, f.format]),
                        f.filename,
                        f.size,
                        f.sha256,
                    )
                    for f in obj.files.all()
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        with service_errors():
            chosen = release_filter(
                project=data["project"],
                statuses=data["statuses"],
                topics=[topic.name for topic in data["topics"]],
                documents=data["documents"],
                min_credibility=data.get("min_credibility"),
                min_source_reliability=data.get("min_source_reliability") or None,
            )
            release = release_cut(
                actor=request.user,
                project=data["project"],
                name=data["name"],
                description=data["description"],
                filter=chosen,
                formats=data["formats"],
            )
        obj.pk = release.pk

    def save_related(self, request, form, formsets, change):
        pass  # Topics and documents belong to the filter, not to the release row.

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_view)
        return [
            path("<int:pk>/download/<str:fmt>/", download, name="curation_release_download"),
            *super().get_urls(),
        ]

    def download_view(self, request, pk, fmt):
        release = self.get_queryset(request).filter(pk=pk).first()
        file = release and next((f for f in release.files.all() if f.format == fmt), None)
        if file is None:
            raise Http404("No such release file.")
        return release_file_response(file)


def cut_release(modeladmin, request, queryset):
    """Open the cut page for the (first) selected project."""
    project = queryset.first()
    url = reverse("admin:curation_release_add")
    return HttpResponseRedirect(f"{url}?project={project.pk}" if project else url)


cut_release.short_description = "Cut a release of the selected project"
