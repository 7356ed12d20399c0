"""`field__any_of=[…]`: membership in a list of values, bound as one parameter.

`field__in=ids` binds one parameter per id, and for a page of 1,000 claims
Django prepares each id and psycopg splits a query with a thousand
placeholders: milliseconds of Python per query. On PostgreSQL this lookup
sends the list as one array (`field = ANY(%s)`); elsewhere it is a plain IN.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup


class AnyOf(Lookup):
    """Registered on every field by CurationConfig.ready()."""

    lookup_name = "any_of"
    prepare_rhs = False  # the list is bound as it is

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        if not values:
            raise EmptyResultSet
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)
