"""GIN indexes for `?q=` full-text search on PostgreSQL (SQLite searches by substring).

The expressions must equal what curation/api/filters.py generates
(SearchVector(..., config="simple")) for the planner to use them. The "simple"
configuration does not stem, so Cyrillic, English and other languages mix.
"""

from django.db import migrations

INDEXES = [
    ("curation_claim_statement_fts", "curation_claim", "statement"),
    ("curation_passage_exact_fts", "curation_passage", "exact"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin "
            f"(to_tsvector('simple'::regconfig, COALESCE({column}, '')))",
            params=None,
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("curation", "0003_document_text_lz4")]

    operations = [migrations.RunPython(create, drop)]
