"""Role-scoped ModelAdmin: what a staff user sees and may do comes from their
project roles, not from Django's model permissions."""

import re
from contextlib import contextmanager

from django.contrib import admin, messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse

from ..choices import Role
from ..selectors.access import roles_by_project
from ..selectors.history import history_of
from ..services.access import role_among

# Digits only, and few enough for any database's integer column.
PROJECT_ID = re.compile(r"[0-9]{1,9}")


def request_roles(request) -> dict[int, Role]:
    """The user's role per project id, looked up once per request."""
    if not hasattr(request, "_claimdesk_roles"):
        request._claimdesk_roles = roles_by_project(request.user)
    return request._claimdesk_roles


def request_role(request, project_id: int) -> Role | None:
    return role_among(request.user, request_roles(request), project_id)


def has_role_somewhere(request, minimum: Role) -> bool:
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return any(role.allows(minimum) for role in request_roles(request).values())


class ScopedAdmin(admin.ModelAdmin):
    """Base for every Claimdesk admin: scoped querysets and role-based rights."""

    add_role = Role.OWNER
    change_role = Role.OWNER
    delete_role = Role.OWNER
    list_per_page = 50
    view_on_site = False  # get_absolute_url points back into the admin itself

    # -- scoping ---------------------------------------------------------
    def get_queryset(self, request):
        return self.model.objects.visible_to(request.user).with_related()

    def project_id_of(self, obj) -> int:
        return obj.project_id

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if hasattr(related.objects, "visible_to"):
            kwargs["queryset"] = related.objects.visible_to(request.user, self.add_role)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.related_model
        if hasattr(related.objects, "visible_to"):
            kwargs["queryset"] = related.objects.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def response_action(self, request, queryset, **kwargs):
        # Selected ids that are not ids would fail inside the pk__in filter (a 500).
        field = self.opts.pk
        for value in request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME):
            try:
                field.to_python(value)
            except ValidationError as error:
                raise BadRequest(f"Selected {value!r} is not an id.") from error
        return super().response_action(request, queryset, **kwargs)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Another project's object must be indistinguishable from a missing one.
        raise Http404(f"No {opts.verbose_name} with id {object_id!r}.")

    # -- rights ------------------------------------------------------------
    def has_module_permission(self, request):
        return has_role_somewhere(request, Role.VIEWER)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return has_role_somewhere(request, Role.VIEWER)
        return request_role(request, self.project_id_of(obj)) is not None

    def has_add_permission(self, request):
        return has_role_somewhere(request, self.add_role)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return has_role_somewhere(request, self.change_role)
        role = request_role(request, self.project_id_of(obj))
        return role is not None and role.allows(self.change_role)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return has_role_somewhere(request, self.delete_role)
        role = request_role(request, self.project_id_of(obj))
        return role is not None and role.allows(self.delete_role)

    # -- writes go through services ---------------------------------------------
    def save_model(self, request, obj, form, change):
        raise NotImplementedError(f"{type(self).__name__} must save through a service.")

    def call_service(self, request, form, service, **kwargs):
        """Run a service; turn its errors into form errors (so nothing half-saves)."""
        with service_errors():
            return service(actor=request.user, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except AdminServiceError as failure:
            return self.service_failed(request, failure)

    def service_failed(self, request, failure: "AdminServiceError"):
        """The transaction was rolled back, nothing is half-saved: say why, show the form."""
        for message in failure.error.messages:
            self.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())


def narrowed_to_chosen_project(request, queryset):
    """An autocomplete's answers narrowed to the project its form has chosen.

    The Add release page sends `?project=` with its lookups (release_cut.js). The
    queryset is already visible_to(user): an invisible project's id narrows to nothing.
    """
    chosen = request.GET.get("project")
    if not chosen or getattr(request.resolver_match, "url_name", "") != "autocomplete":
        return queryset
    if not PROJECT_ID.fullmatch(chosen):
        raise BadRequest(f"project must be a project id, not {chosen[:40]!r}.")
    return queryset.filter(project_id=int(chosen))


@contextmanager
def service_errors():
    """Turn a service's refusal into AdminServiceError (shown, and rolled back)."""
    try:
        yield
    except ValidationError as error:
        raise AdminServiceError(error) from error
    except PermissionDenied as error:
        raise AdminServiceError(ValidationError(str(error))) from error


class AdminServiceError(Exception):
    def __init__(self, error: ValidationError):
        super().__init__(str(error))
        self.error = error


class HistoryMixin:
    """Replace the admin's History page with the Claimdesk change history."""

    history_field: str = ""

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404(f"No {self.opts.verbose_name} with id {object_id!r}.")
        entries = history_of(obj)
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "object": obj,
            "entries": entries,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/curation/history.html", context)


def review_note_page(modeladmin, request, queryset, move: str):
    return TemplateResponse(
        request,
        "admin/curation/review_action.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": f"{move.capitalize()} {queryset.count()} claim(s)",
            "opts": modeladmin.opts,
            "claims": queryset,
            "move": move,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )
