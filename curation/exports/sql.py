"""SQL that returns values as the export formats write them.

Converting a UUID or a timestamp in Python costs a few microseconds per value,
several per claim; the database does it for a fraction of that, on its own core.
"""

from django.db import NotSupportedError
from django.db.models import CharField, Func


class _TextOf(Func):
    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"{type(self).__name__} is written for PostgreSQL and SQLite.")


class UuidText(_TextOf):
    """A UUID as str(uuid.UUID) writes it: lower-case hex with hyphens."""

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql})::text", params

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores a UUID on SQLite as its 32 lower-case hex digits.
        sql, params = compiler.compile(self.source_expressions[0])
        groups = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
        parts = [f"substr({sql}, {start}, {length})" for start, length in groups]
        return " || '-' || ".join(parts), list(params) * len(groups)


class IsoTimestamp(_TextOf):
    """A timestamp as datetime.isoformat() writes it in UTC, "+00:00" written "Z"
    (microseconds only when there are some); NULL stays NULL."""

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        text = f"""to_char(({sql}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
        return f"replace({text}, '.000000Z', 'Z')", params

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores an aware datetime on SQLite as str() of its naive UTC value,
        # which is isoformat() with a space for the "T".
        sql, params = compiler.compile(self.source_expressions[0])
        return f"replace({sql}, ' ', 'T') || 'Z'", params
