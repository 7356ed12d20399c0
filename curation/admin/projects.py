import functools

from django.contrib import admin
from django.urls import path

from ..choices import Role
from ..models import Membership, Project, Source, Topic
from ..services import (
    may_create_projects,
    membership_remove,
    membership_set,
    project_create,
    project_update,
    source_create,
    source_update,
    topic_create,
    topic_delete,
    topic_update,
)
from .base import (
    HistoryMixin,
    ScopedAdmin,
    narrowed_to_chosen_project,
    request_role,
    service_errors,
)
from .dashboard import project_dashboard
from .releases import cut_release


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def _is_owner(self, request, obj):
        return obj is not None and request_role(request, obj.pk) == Role.OWNER

    def has_view_permission(self, request, obj=None):
        return True  # The parent project is already scoped to the user.

    def has_add_permission(self, request, obj=None):
        return self._is_owner(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._is_owner(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._is_owner(request, obj)


@admin.register(Project)
class ProjectAdmin(ScopedAdmin):
    list_display = ["name", "slug", "member_count", "document_count", "created_at"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    fields = ["name", "slug", "description", "guidelines"]
    fields += ["four_eyes", "annotate_unassigned", "viewers_may_comment"]  # issue 14
    actions = [cut_release]

    def project_id_of(self, obj):
        return obj.pk

    def get_urls(self):
        dashboard = self.admin_site.admin_view(functools.partial(project_dashboard, self))
        return [
            path("<int:object_id>/dashboard/", dashboard, name="curation_project_dashboard"),
            *super().get_urls(),
        ]

    def has_add_permission(self, request):
        # The service's rule; its creator becomes its owner.
        return may_create_projects(request.user)

    @admin.display(ordering="member_count", description="members")
    def member_count(self, obj):
        return obj.member_count

    @admin.display(ordering="document_count", description="documents")
    def document_count(self, obj):
        return obj.document_count

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in self.fields}
        if change:
            self.call_service(request, form, project_update, project=obj, **values)
        else:
            project = self.call_service(request, form, project_create, **values)
            obj.pk = project.pk

    def save_formset(self, request, form, formset, change):
        project = form.instance
        # formset.save() is bypassed (the services write), but the admin's change
        # message reads the lists it would have filled.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        with service_errors():
            for inline_form in formset.forms:
                data = getattr(inline_form, "cleaned_data", None)
                if not data:
                    continue
                membership = inline_form.instance
                if data.get("DELETE"):
                    if membership.pk:
                        membership_remove(actor=request.user, membership=membership)
                        formset.deleted_objects.append(membership)
                elif inline_form.has_changed():
                    saved = membership_set(
                        actor=request.user, project=project, user=data["user"], role=data["role"]
                    )
                    if membership.pk:
                        formset.changed_objects.append((saved, inline_form.changed_data))
                    else:
                        formset.new_objects.append(saved)


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ["user", "project", "role", "created_at"]
    list_filter = [("project", admin.RelatedOnlyFieldListFilter), "role"]
    search_fields = ["user__username", "project__name"]
    autocomplete_fields = ["user", "project"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = self.call_service(
            request,
            form,
            membership_set,
            project=data["project"],
            user=data["user"],
            role=data["role"],
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        membership_remove(actor=request.user, membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            membership_remove(actor=request.user, membership=membership)


@admin.register(Source)
class SourceAdmin(HistoryMixin, ScopedAdmin):
    list_display = ["name", "project", "kind", "reliability", "document_count", "updated_at"]
    list_filter = [("project", admin.RelatedOnlyFieldListFilter), "kind", "reliability"]
    search_fields = ["name", "url"]
    fields = ["project", "name", "kind", "url", "reliability", "reliability_rationale"]

    def get_readonly_fields(self, request, obj=None):
        return ["project"] if obj else []

    @admin.display(ordering="document_count", description="documents")
    def document_count(self, obj):
        return obj.document_count

    def save_model(self, request, obj, form, change):
        names = [name for name in self.fields if name != "project"]
        values = {name: form.cleaned_data[name] for name in names}
        if change:
            self.call_service(request, form, source_update, source=obj, **values)
        else:
            source = self.call_service(
                request, form, source_create, project=form.cleaned_data["project"], **values
            )
            obj.pk = source.pk


@admin.register(Topic)
class TopicAdmin(ScopedAdmin):
    add_role = Role.ANNOTATOR
    change_role = delete_role = Role.REVIEWER
    list_display = ["name", "project", "claim_count"]
    list_filter = [("project", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "description"]
    fields = ["project", "name", "description"]

    def get_readonly_fields(self, request, obj=None):
        return ["project"] if obj else []

    def get_search_results(self, request, queryset, search_term):
        queryset = narrowed_to_chosen_project(request, queryset)
        return super().get_search_results(request, queryset, search_term)

    @admin.display(ordering="claim_count", description="claims")
    def claim_count(self, obj):
        return obj.claim_count

    # Django's delete confirmation page lists the claim-topic links it removes:
    # confirming there is the confirmation the service asks for.
    def delete_model(self, request, obj):
        topic_delete(actor=request.user, topic=obj, confirm=True)

    def delete_queryset(self, request, queryset):
        for topic in queryset:
            topic_delete(actor=request.user, topic=topic, confirm=True)

    def save_model(self, request, obj, form, change):
        if change:
            self.call_service(
                request,
                form,
                topic_update,
                topic=obj,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
            return
        topic = self.call_service(
            request,
            form,
            topic_create,
            project=form.cleaned_data["project"],
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
        )
        obj.pk = topic.pk
