"""A document region lies within its document: end <= the document's length.

services.regions checks it with a precise message; this trigger (as migration 0002
does for passages) keeps a bypassed service from storing a region past the text.
Both databases raise an integrity error (SQLSTATE 23514 / SQLITE_CONSTRAINT).
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """
    CREATE FUNCTION curation_region_within_document() RETURNS trigger AS $$
    BEGIN
        IF NEW."end" > (SELECT length FROM curation_document WHERE id = NEW.document_id) THEN
            RAISE EXCEPTION 'region end % lies beyond the document', NEW."end"
                USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER curation_region_within_document
    BEFORE INSERT OR UPDATE OF document_id, "end" ON curation_documentregion
    FOR EACH ROW EXECUTE FUNCTION curation_region_within_document();
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS curation_region_within_document ON curation_documentregion",
    "DROP FUNCTION IF EXISTS curation_region_within_document()",
]

_SQLITE_CHECK = """
    WHEN NEW."end" > (SELECT length FROM curation_document WHERE id = NEW.document_id)
    BEGIN SELECT RAISE(ABORT, 'a region must lie within its document'); END
"""
SQLITE_FORWARD = [
    "CREATE TRIGGER curation_region_within_document_insert "
    "BEFORE INSERT ON curation_documentregion FOR EACH ROW " + _SQLITE_CHECK,
    'CREATE TRIGGER curation_region_within_document_update BEFORE UPDATE OF document_id, "end" '
    "ON curation_documentregion FOR EACH ROW " + _SQLITE_CHECK,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS curation_region_within_document_insert",
    "DROP TRIGGER IF EXISTS curation_region_within_document_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("curation", "0011_team_assignments_comments_notifications")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
