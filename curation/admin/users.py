from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Q

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

    def get_search_results(self, request, queryset, search_term):
        if super().has_view_permission(request):  # may browse users anyway
            return super().get_search_results(request, queryset, search_term)
        # An owner adding a member names them: the exact username or email finds
        # them, a fragment finds no one (no browsing other projects' people).
        term = search_term.strip()
        if not term:
            return queryset.none(), False
        return queryset.filter(Q(username=term) | Q(email__iexact=term)), False


admin.site.unregister(User)
admin.site.register(User, ClaimdeskUserAdmin)
