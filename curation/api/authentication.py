"""How every API request proves who it is (the settings name this class).

Kept apart from the token endpoints (auth.py): DRF imports authentication
classes while it loads its views, so this module must not import them.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, same rules and answers, with the token's user
    read by one statement written once. Building the ORM query for it cost more
    than running it, and every API request pays for it. `request.auth` is the
    token (its key and user; its creation time is not read)."""

    def authenticate_credentials(self, key):
        user_model = get_user_model()
        with connection.cursor() as cursor:
            cursor.execute(_token_user_sql(), [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        # Every concrete field, in order: from_db builds the instance as a
        # queryset would (loaded from this database, not "adding").
        user = user_model.from_db(connection.alias, None, row)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, Token(key=key, user=user)


@cache
def _token_user_sql() -> str:
    """The user of the token with a given key: every column, a whole model instance."""
    user_model, qn = get_user_model(), connection.ops.quote_name
    columns = ", ".join(f"u.{qn(field.column)}" for field in user_model._meta.concrete_fields)
    token = {name: qn(Token._meta.get_field(name).column) for name in ("key", "user")}
    return (
        f"SELECT {columns}"  # noqa: S608 (names only; the key is bound)
        f" FROM {qn(Token._meta.db_table)} t"
        f" JOIN {qn(user_model._meta.db_table)} u"
        f" ON u.{qn(user_model._meta.pk.column)} = t.{token['user']}"
        f" WHERE t.{token['key']} = %s"
    )
