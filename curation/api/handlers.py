"""Django's own error pages (config/urls.py handler400…500): JSON under /api/,
Django's HTML pages elsewhere (the admin). DRF answers most API errors itself;
these are the ones raised before or around a DRF view (a bad Host header, a body
Django refuses to parse, a URL that matches nothing, a crash)."""

from django.http import JsonResponse
from django.views import defaults


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def _json(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


def bad_request(request, exception):
    if is_api(request):
        return _json(400, "Bad request.", "bad_request")
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if is_api(request):
        return _json(403, "You do not have permission to perform this action.", "forbidden")
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api(request):
        return _json(404, "Not found.", "not_found")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return _json(500, "Internal server error; it has been logged.", "server_error")
    return defaults.server_error(request)
