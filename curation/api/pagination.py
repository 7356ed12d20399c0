from rest_framework.pagination import CursorPagination


class ClaimdeskCursorPagination(CursorPagination):
    """Keyset pagination: the last page of a million rows costs what the first does."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "-id"


class HistoryPagination(ClaimdeskCursorPagination):
    """An object's history, newest first, as the admin's History page orders it."""

    ordering = ("-at", "-pk")
