"""Changelist columns that fit the user: no Project column (or filter) for someone
who sees a single project, where it would repeat one name on every row."""

from .base import request_roles


def sees_one_project(request) -> bool:
    if request.user.is_superuser:
        return False  # a superuser sees every project, present and future
    return len(request_roles(request)) <= 1


class OneProjectColumns:
    """Mixin for a ScopedAdmin whose list_display has "project" and whose first
    list_filter is the project."""

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if sees_one_project(request):
            return [column for column in columns if column != "project"]
        return columns

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if sees_one_project(request) and filters:
            return filters[1:]
        return filters
