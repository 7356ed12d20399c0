from django.conf import settings
from django.http import JsonResponse
from django.utils.cache import patch_cache_control


class RequestSizeLimitMiddleware:
    """Answer 413 to API bodies over the limit before anything reads them.

    DRF reads JSON straight from the stream, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.CLAIMDESK_MAX_REQUEST_BYTES  # read per request: tests change it
        if request.path.startswith("/api/v1/imports/"):  # bulk uploads: their own limit
            limit = settings.CLAIMDESK_MAX_IMPORT_BYTES
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return JsonResponse(
                    {"detail": f"Request body is {length} bytes; the limit is {limit}."},
                    status=413,
                )
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                # A user's data must not stay in a shared cache or on a shared disk.
                patch_cache_control(response, no_store=True, private=True)
        return response
