from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from ..choices import Role
from .base import has_role_somewhere

User = get_user_model()


class ClaimdeskUserAdmin(UserAdmin):
    """Project owners may look users up to add them as members, nothing more."""

    def has_view_permission(self, request, obj=None):
        # Only the autocomplete lookup of the membership form: no user list or pages.
        autocomplete = getattr(request.resolver_match, "url_name", "") == "autocomplete"
        return super().has_view_permission(request, obj) or (
            obj is None and autocomplete and has_role_somewhere(request, Role.OWNER)
        )


admin.site.unregister(User)
admin.site.register(User, ClaimdeskUserAdmin)
