"""Compress an import's uploaded files with lz4 on PostgreSQL (default pglz), as
0003 does for document texts.

A 25 MB JSONL upload (the peer benchmark's 2,000 documents) was stored in 0.86–0.93 s
with pglz and in 0.13–0.17 s with lz4 (read back in 0.26–0.31 s against 0.22 s), so
`POST /api/v1/imports/` answers about 0.7 s sooner; measured on the shared machine,
psycopg inserting into a scratch table, twice each (docs/benchmarks.md, phase b).
Elsewhere, and on SQLite, nothing changes.
"""

from django.db import migrations


def use_lz4(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
            "AND 'lz4' = ANY(enumvals)"
        )
        if cursor.fetchone():
            schema_editor.execute(
                "ALTER TABLE curation_importupload ALTER COLUMN data SET COMPRESSION lz4"
            )


class Migration(migrations.Migration):
    dependencies = [("curation", "0012_gaps1517_region_within_document")]

    operations = [migrations.RunPython(use_lz4, migrations.RunPython.noop)]
