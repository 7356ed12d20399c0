"""Inputs refused before they reach a view: a 4xx, never a 500 (issue 13 item 4).

- A NUL character in an admin path or query parameter: PostgreSQL text cannot
  hold one, so the admin's filters, searches and lookups failed with a 500.
- A URL longer than CLAIMDESK_MAX_URL_CHARS: 414.
- Under /api/, Django's refusals of a body (too many fields or files, too large),
  raised while a DRF view reads it, answer 400 JSON instead of an HTML page.
"""

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpResponse, JsonResponse

from .api.handlers import is_api


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.CLAIMDESK_MAX_URL_CHARS
        if len(request.get_full_path()) > limit:
            detail = f"The URL is longer than {limit} characters."
            if is_api(request):
                return JsonResponse({"detail": detail, "code": "uri_too_long"}, status=414)
            return HttpResponse(detail, status=414, content_type="text/plain; charset=utf-8")
        # The API's filters refuse a NUL themselves, naming the parameter (400).
        if not is_api(request) and ("\x00" in request.path or _query_has_nul(request)):
            raise BadRequest("NUL characters are not allowed in the URL.")
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_api(request) and isinstance(exception, (SuspiciousOperation, BadRequest)):
            return JsonResponse({"detail": str(exception), "code": "bad_request"}, status=400)
        return None


def _query_has_nul(request) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )
