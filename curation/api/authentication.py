"""How every API request proves who it is (the settings name this class).

Kept apart from the token endpoints (auth.py): DRF imports authentication
classes while it loads its views, so this module must not import them.
"""

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.signals import token_expired


class TokenAuthentication(KnoxTokenAuthentication):
    """django-rest-knox's token authentication (hashed keys, expiry, inactive users
    refused), with one query per request: knox also reads all of the user's other
    tokens on every request to delete expired ones. An expired token is refused
    and deleted when it is used; others wait for their own use (or revocation)."""

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=type(self), username=username, source="auth_token")
            return True
        return False


class TokenScheme(KnoxTokenScheme):
    """The schema's description of this class: knox's own ("Token <key>")."""

    target_class = "curation.api.authentication.TokenAuthentication"
    name = "tokenAuth"
