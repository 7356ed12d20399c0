"""Site-wide views outside the admin and the API."""

from django.http import HttpResponseRedirect
from django.templatetags.static import static


def favicon(request):
    """Browsers ask for /favicon.ico on every page that names no icon (the admin's own
    pages, the API's browsable pages): send them to the static icon, not a 404."""
    return HttpResponseRedirect(static("curation/favicon.svg"))
