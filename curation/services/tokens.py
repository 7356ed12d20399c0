"""API tokens (django-rest-knox): issued one per login, stored hashed, revoked by
their owner, by logging out, or all at once when the password changes."""

from django.db import transaction
from knox.models import AuthToken


@transaction.atomic
def token_issue(*, user) -> tuple[AuthToken, str]:
    """A new token for `user`; the clear key exists only in this answer."""
    return AuthToken.objects.create(user=user)


@transaction.atomic
def token_revoke(*, user, key_prefix: str | None = None) -> int:
    """Revoke the user's token(s) whose public prefix is `key_prefix` (all when None).

    Only the user's own tokens are ever touched; the answer is how many were.
    """
    tokens = AuthToken.objects.filter(user=user)
    if key_prefix is not None:
        tokens = tokens.filter(token_key=key_prefix)
    deleted, _ = tokens.delete()
    return deleted
