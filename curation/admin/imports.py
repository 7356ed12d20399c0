"""The admin's "Import documents" page: the same uploads as POST /api/v1/imports/,
queued for a worker; the job's page shows its progress and each file's outcome."""

import json

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from ..choices import ImportKind, ImportStatus, Role
from ..models import ImportJob, Project, Source
from ..services.imports import Upload, import_create, import_retry
from .base import AdminServiceError, ScopedAdmin, request_role, service_errors
from .jobs import job_progress, job_state_short


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        if isinstance(data, list | tuple):
            return [clean_one(item, initial) for item in data]
        return [clean_one(data, initial)]


class ImportForm(forms.ModelForm):
    files = MultipleFileField(
        allow_empty_file=True,  # reported per file, as the command does
        help_text=".txt, .md or .html files, a .zip of them, or a .jsonl file with one "
        "document per line (text, title, metadata fields, a free metadata object).",
    )
    mapping = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Annotation imports only: a JSON object mapping labels to claim fields.",
    )

    class Meta:
        model = ImportJob
        fields = ["project", "kind", "source", "language"]

    def clean_mapping(self):
        raw = self.cleaned_data["mapping"].strip()
        if not raw:
            return None
        try:
            mapping = json.loads(raw)
        except ValueError:
            raise forms.ValidationError("Not valid JSON.") from None
        if not isinstance(mapping, dict):
            raise forms.ValidationError("A JSON object.")
        return mapping

    def _post_clean(self):
        pass  # import_create validates the job.


@admin.register(ImportJob)
class ImportJobAdmin(ScopedAdmin):
    add_role = Role.OWNER
    change_role = Role.OWNER
    form = ImportForm
    list_display = ["__str__", "project", "kind", "status_now", "counted", "created_by"]
    list_filter = [("project", admin.RelatedOnlyFieldListFilter), "status", "kind"]
    readonly_fields = [
        "project",
        "kind",
        "state",
        "progress",
        "counted",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "attempts",
        "outcomes",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["project"].queryset = Project.objects.visible_to(
                request.user, Role.OWNER
            )
            form.base_fields["source"].queryset = Source.objects.visible_to(
                request.user, Role.OWNER
            )
            form.base_fields["project"].initial = request.GET.get("project")
        return form

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": ["project", "files", "kind", "source", "language"]}),
                ("Annotation imports", {"fields": ["mapping"], "classes": ["collapse"]}),
            ]
        return [(None, {"fields": self.readonly_fields})]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        context = {**(extra_context or {}), "title": "Import documents"}
        return super().add_view(request, form_url, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        project_id = (
            self.get_queryset(request).filter(pk=object_id).values_list("project_id", flat=True)
        ).first()
        role = project_id and request_role(request, project_id)
        can_retry = bool(role and role.allows(Role.OWNER))
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "can_retry": can_retry}
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        with service_errors():
            job = import_create(
                actor=request.user,
                project=data["project"],
                uploads=[Upload(name=f.name, data=f.read()) for f in data["files"]],
                kind=data.get("kind") or ImportKind.DOCUMENTS,
                source=data.get("source"),
                language=data.get("language") or "",
                mapping=data.get("mapping"),
            )
        obj.pk = job.pk

    def save_related(self, request, form, formsets, change):
        pass

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request, f"Import {obj.pk} is queued: a worker runs it.", messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:curation_importjob_change", args=[obj.pk]))

    @admin.display(description="state", ordering="status")
    def status_now(self, obj):
        return job_state_short(obj)

    @admin.display(description="state")
    def state(self, obj):
        if obj.status == ImportStatus.FAILED and obj.error:
            return format_html("{} — {}", obj.get_status_display(), obj.error)
        return obj.get_status_display()

    @admin.display(description="progress")
    def progress(self, obj):
        return job_progress(obj, unit="files or lines")

    @admin.display(description="counts")
    def counted(self, obj):
        counts = obj.counts or {}  # jsonb keeps no key order: the command's order first
        keys = [k for k in ("imported", "skipped", "failed") if k in counts]
        keys += sorted(set(counts) - set(keys))
        return ", ".join(f"{key} {counts[key]}" for key in keys) or "—"

    @admin.display(description="each file or line")
    def outcomes(self, obj):
        if not obj.items:
            return "—"
        return format_html(
            '<ul class="import-outcomes">{}</ul>',
            format_html_join(
                "",
                '<li class="import-{}">{}</li>',
                ((item.get("status", ""), item.get("message") or item) for item in obj.items),
            ),
        )

    def get_urls(self):
        retry = self.admin_site.admin_view(require_POST(self.retry_view))
        return [
            path("<int:pk>/retry/", retry, name="curation_importjob_retry"),
            *super().get_urls(),
        ]

    def retry_view(self, request, pk):
        job = self.get_queryset(request).filter(pk=pk).first()
        if job is None:
            raise Http404("No such import.")
        try:
            with service_errors():
                import_retry(actor=request.user, job=job)
        except AdminServiceError as failure:
            for message in failure.error.messages:
                self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, f"Import {job.pk} is queued again.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:curation_importjob_change", args=[job.pk]))
