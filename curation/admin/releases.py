from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from ..choices import ClaimStatus, Credibility, ExportFormat, ReleaseStatus, Reliability, Role
from ..exports.http import release_file_response
from ..models import Claim, Document, Passage, Project, Release, Topic
from ..selectors.releases import release_preview
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
    # Chosen by name through the Topic and Document admins' searches, which only
    # ever look in the user's own projects, narrowed to the chosen one
    # (release_cut.js); release_filter() rejects any other project's.
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.none(),
        required=False,
        widget=AutocompleteSelectMultiple(Claim._meta.get_field("topics"), admin.site),
    )
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
    documents = forms.ModelMultipleChoiceField(
        queryset=Document.objects.none(),
        required=False,
        widget=AutocompleteSelectMultiple(Passage._meta.get_field("document"), admin.site),
        help_text="None chosen: every document.",
    )
    formats = forms.MultipleChoiceField(
        choices=ExportFormat.choices,
        initial=list(ExportFormat.values),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Release
        fields = ["project", "name", "description"]

    class Media:
        # After the widgets' jQuery: the pickers ask for the chosen project's only.
        js = ["admin/js/jquery.init.js", "curation/release_cut.js"]

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
            form.base_fields["topics"].queryset = Topic.objects.visible_to(request.user, Role.OWNER)
            form.base_fields["documents"].queryset = Document.objects.visible_to(
                request.user, Role.OWNER
            )
            form.base_fields["project"].queryset = Project.objects.visible_to(
                request.user, Role.OWNER
            )
        return form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "project" not in initial:
            # An owner of exactly one project has nothing to choose.
            owned = list(
                Project.objects.visible_to(request.user, Role.OWNER).values_list("pk", flat=True)[
                    :2
                ]
            )
            if len(owned) == 1:
                initial["project"] = owned[0]
        return initial

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

    @staticmethod
    def chosen_filter(data):
        """The release filter the form's cleaned data asks for (ValidationError if bad)."""
        return release_filter(
            project=data["project"],
            statuses=data["statuses"],
            topics=[topic.name for topic in data["topics"]],
            documents=[document.pk for document in data["documents"]],
            min_credibility=data.get("min_credibility"),
            min_source_reliability=data.get("min_source_reliability") or None,
        )

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "POST" and "_preview" in request.POST:
            return self.preview_view(request, form_url, extra_context)
        return super().add_view(request, form_url, extra_context)

    def preview_view(self, request, form_url, extra_context):
        """The add form again, with what the cut would hold; nothing is written."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.get_form(request, None, change=False)(request.POST, request.FILES)
        preview = None
        if form.is_valid():
            try:
                chosen = self.chosen_filter(form.cleaned_data)
            except ValidationError as error:
                for field, messages_ in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages_)
            else:
                # The same selector the cut reads, so the counts are the cut's.
                preview = release_preview(project=form.cleaned_data["project"], filter=chosen)
        adminform = helpers.AdminForm(
            form, list(self.get_fieldsets(request)), {}, [], model_admin=self
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Add release",
            "subtitle": None,
            "adminform": adminform,
            "object_id": None,
            "original": None,
            "is_popup": False,
            "to_field": None,
            "media": self.media + adminform.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            "preview": preview,
            **(extra_context or {}),
        }
        return self.render_change_form(request, context, add=True, form_url=form_url)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        with service_errors():
            chosen = self.chosen_filter(data)
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
