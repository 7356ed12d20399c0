"""Login hardening hooks named by the settings: the client's address, the answer to a
locked-out login, and token revocation when a password changes (issue 13)."""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.utils.csp import CSP

# The API docs page (Swagger UI, served from the sidecar package): its scripts are
# files, but the page carries a <style> block the package gives no nonce.
DOCS_CSP = {
    **settings.SECURE_CSP,
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
}

LOCKED_OUT = "Too many failed logins for this account or address; try again later."


def client_address(request) -> str | None:
    """The address failed logins are counted against.

    REMOTE_ADDR, unless TRUSTED_PROXY_COUNT proxies stand in front: then the address
    the outermost of them saw, i.e. the Nth entry of X-Forwarded-For from the right
    (entries further left are whatever the client chose to send).
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """429 while locked out: JSON under /api/, a page elsewhere (the admin login)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    retry_after = str(minutes * 60)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": LOCKED_OUT, "code": "locked_out", "retry_after_minutes": minutes},
            status=429,
        )
    else:
        from django.contrib import admin

        context = {
            **admin.site.each_context(request),
            "title": "Too many failed logins",
            "minutes": minutes,
        }
        response = TemplateResponse(request, "curation/security/lockout.html", context, status=429)
        response.render()
    response["Retry-After"] = retry_after
    return response


class RevokeTokensOnPasswordChange:
    """Not a rule on passwords: Django calls every validator's password_changed()
    when a user's new password is saved, whichever form or command set it, and
    this one revokes that user's API tokens then (sessions are already ended by
    their password hash)."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None and user.pk is not None:
            from knox.models import AuthToken

            AuthToken.objects.filter(user=user).delete()

    def get_help_text(self):
        return "Changing your password revokes your API tokens."


def no_view_on_site(request, *args, **kwargs):
    """The admin's "view on site" shortcut (/admin/r/<type>/<id>/) answered 302 for any
    project's object and 404 for a missing one, to any staff user: an oracle. No
    Claimdesk admin links to it (ScopedAdmin.view_on_site is False), so it is gone."""
    raise Http404("No such page.")
