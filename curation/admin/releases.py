from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from ..choices import ClaimStatus, Credibility, ExportFormat, ReleaseStatus, Reliability, Role
from ..exports.http import release_file_response
from ..models import Project, Release, Topic
from ..services import release_filter
from ..services.release_jobs import release_enqueue, release_retry
from .base import AdminServiceError, ScopedAdmin, request_role, service_errors
from .jobs import job_progress, job_state_short


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
        "status_now",
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
        "state",
        "progress",
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

    @admin.display(description="state", ordering="status")
    def status_now(self, obj):
        return job_state_short(obj)

    @admin.display(description="state")
    def state(self, obj):
        if obj.status == ReleaseStatus.FAILED and obj.error:
            return format_html("{} — {}", obj.get_status_display(), obj.error)
        return obj.get_status_display()

    @admin.display(description="progress")
    def progress(self, obj):
        return job_progress(obj, unit="claims written")

    @admin.display(description="downloads")
    def downloads(self, obj):
        if obj.status != ReleaseStatus.READY:
            return "Once the cut is ready."
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
            # Queued: a worker cuts it, and the release's page shows its progress.
            release = release_enqueue(
                actor=request.user,
                project=data["project"],
                name=data["name"],
                description=data["description"],
                filter=chosen,
                formats=data["formats"],
            )
        # The admin logs and announces `obj`, not the queued release: give it the
        # release's identity so the message names it and its version.
        obj.pk, obj.name, obj.version = release.pk, release.name, release.version
        obj.project = release.project

    def save_related(self, request, form, formsets, change):
        pass  # Topics and documents belong to the filter, not to the release row.

    def change_view(self, request, object_id, form_url="", extra_context=None):
        project_id = (
            self.get_queryset(request).filter(pk=object_id).values_list("project_id", flat=True)
        ).first()
        role = project_id and request_role(request, project_id)
        can_retry = bool(role and role.allows(Role.OWNER))
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "can_retry": can_retry}
        )

    def response_add(self, request, obj, post_url_continue=None):
        # To the release's own page, where the cut's progress shows.
        self.message_user(
            request,
            f"The release “{obj}” was added and is queued: a worker cuts it.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:curation_release_change", args=[obj.pk]))

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_view)
        retry = self.admin_site.admin_view(require_POST(self.retry_view))
        return [
            path("<int:pk>/download/<str:fmt>/", download, name="curation_release_download"),
            path("<int:pk>/retry/", retry, name="curation_release_retry"),
            *super().get_urls(),
        ]

    def retry_view(self, request, pk):
        release = self.get_queryset(request).filter(pk=pk).first()
        if release is None:
            raise Http404("No such release.")
        try:
            with service_errors():
                release_retry(actor=request.user, release=release)
        except AdminServiceError as failure:
            for message in failure.error.messages:
                self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, f"{release} is queued again.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:curation_release_change", args=[release.pk]))

    def download_view(self, request, pk, fmt):
        release = self.get_queryset(request).filter(pk=pk, status=ReleaseStatus.READY).first()
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
