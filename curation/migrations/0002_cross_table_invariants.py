"""Invariants that span tables, which CHECK constraints cannot express.

- a passage lies within its document and quotes it: end <= length and
  exact == substr(text, start + 1, end - start) (both databases count code points);
- a document's text is immutable (a corrected text is a new document);
- a claim's passage and an evidence link's passage belong to the claim's project.

Each raises an integrity error (SQLSTATE 23514 / SQLITE_CONSTRAINT), which
Django surfaces as IntegrityError, so a bypassed service still cannot write
an inconsistent row.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """
    CREATE FUNCTION curation_passage_quotes_document() RETURNS trigger AS $$
    DECLARE doc record;
    BEGIN
        IF NEW."end" <= NEW.start THEN
            RETURN NEW;  -- the passage_start_before_end CHECK refuses it, as an integrity error
        END IF;
        SELECT length, text INTO doc FROM curation_document WHERE id = NEW.document_id;
        IF NEW."end" > doc.length THEN
            RAISE EXCEPTION 'passage end % lies beyond the document (% characters)',
                NEW."end", doc.length USING ERRCODE = '23514';
        END IF;
        IF substr(doc.text, NEW.start + 1, NEW."end" - NEW.start) IS DISTINCT FROM NEW.exact THEN
            RAISE EXCEPTION 'passage quote does not match the document text at %-%',
                NEW.start, NEW."end" USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER curation_passage_quotes_document
    BEFORE INSERT OR UPDATE ON curation_passage
    FOR EACH ROW EXECUTE FUNCTION curation_passage_quotes_document();
    """,
    """
    CREATE FUNCTION curation_document_text_immutable() RETURNS trigger AS $$
    BEGIN
        IF NEW.text IS DISTINCT FROM OLD.text OR NEW.sha256 IS DISTINCT FROM OLD.sha256 THEN
            RAISE EXCEPTION 'a document text is immutable; import the corrected text as a new document'
                USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER curation_document_text_immutable
    BEFORE UPDATE ON curation_document
    FOR EACH ROW EXECUTE FUNCTION curation_document_text_immutable();
    """,
    """
    CREATE FUNCTION curation_claim_same_project() RETURNS trigger AS $$
    BEGIN
        IF NOT EXISTS (
            SELECT 1 FROM curation_passage p JOIN curation_document d ON d.id = p.document_id
            WHERE p.id = NEW.passage_id AND d.project_id = NEW.project_id
        ) THEN
            RAISE EXCEPTION 'a claim''s passage must belong to the claim''s project'
                USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER curation_claim_same_project
    BEFORE INSERT OR UPDATE OF project_id, passage_id ON curation_claim
    FOR EACH ROW EXECUTE FUNCTION curation_claim_same_project();
    """,
    """
    CREATE FUNCTION curation_evidence_same_project() RETURNS trigger AS $$
    BEGIN
        IF NOT EXISTS (
            SELECT 1 FROM curation_claim c, curation_passage p
            JOIN curation_document d ON d.id = p.document_id
            WHERE c.id = NEW.claim_id AND p.id = NEW.passage_id AND d.project_id = c.project_id
        ) THEN
            RAISE EXCEPTION 'evidence must come from the claim''s project' USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER curation_evidence_same_project
    BEFORE INSERT OR UPDATE OF claim_id, passage_id ON curation_evidencelink
    FOR EACH ROW EXECUTE FUNCTION curation_evidence_same_project();
    """,
]

POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS curation_evidence_same_project ON curation_evidencelink",
    "DROP FUNCTION IF EXISTS curation_evidence_same_project()",
    "DROP TRIGGER IF EXISTS curation_claim_same_project ON curation_claim",
    "DROP FUNCTION IF EXISTS curation_claim_same_project()",
    "DROP TRIGGER IF EXISTS curation_document_text_immutable ON curation_document",
    "DROP FUNCTION IF EXISTS curation_document_text_immutable()",
    "DROP TRIGGER IF EXISTS curation_passage_quotes_document ON curation_passage",
    "DROP FUNCTION IF EXISTS curation_passage_quotes_document()",
]

_PASSAGE_CHECK = """
    WHEN NEW."end" > (SELECT length FROM curation_document WHERE id = NEW.document_id)
      OR substr((SELECT text FROM curation_document WHERE id = NEW.document_id),
                NEW.start + 1, NEW."end" - NEW.start) IS NOT NEW.exact
    BEGIN SELECT RAISE(ABORT, 'passage must lie within its document and quote its text'); END
"""
_CLAIM_CHECK = """
    WHEN NOT EXISTS (
        SELECT 1 FROM curation_passage p JOIN curation_document d ON d.id = p.document_id
        WHERE p.id = NEW.passage_id AND d.project_id = NEW.project_id)
    BEGIN SELECT RAISE(ABORT, 'a claim''s passage must belong to the claim''s project'); END
"""
_EVIDENCE_CHECK = """
    WHEN NOT EXISTS (
        SELECT 1 FROM curation_claim c, curation_passage p
        JOIN curation_document d ON d.id = p.document_id
        WHERE c.id = NEW.claim_id AND p.id = NEW.passage_id AND d.project_id = c.project_id)
    BEGIN SELECT RAISE(ABORT, 'evidence must come from the claim''s project'); END
"""

SQLITE_FORWARD = [
    f"CREATE TRIGGER curation_passage_quotes_document_ins BEFORE INSERT ON curation_passage {_PASSAGE_CHECK}",
    f"CREATE TRIGGER curation_passage_quotes_document_upd BEFORE UPDATE ON curation_passage {_PASSAGE_CHECK}",
    """
    CREATE TRIGGER curation_document_text_immutable BEFORE UPDATE OF text, sha256 ON curation_document
    WHEN NEW.text IS NOT OLD.text OR NEW.sha256 IS NOT OLD.sha256
    BEGIN SELECT RAISE(ABORT, 'a document text is immutable; import the corrected text as a new document'); END
    """,
    f"CREATE TRIGGER curation_claim_same_project_ins BEFORE INSERT ON curation_claim {_CLAIM_CHECK}",
    f"CREATE TRIGGER curation_claim_same_project_upd BEFORE UPDATE OF project_id, passage_id ON curation_claim {_CLAIM_CHECK}",
    f"CREATE TRIGGER curation_evidence_same_project_ins BEFORE INSERT ON curation_evidencelink {_EVIDENCE_CHECK}",
    f"CREATE TRIGGER curation_evidence_same_project_upd BEFORE UPDATE OF claim_id, passage_id ON curation_evidencelink {_EVIDENCE_CHECK}",
]

SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "curation_passage_quotes_document_ins",
        "curation_passage_quotes_document_upd",
        "curation_document_text_immutable",
        "curation_claim_same_project_ins",
        "curation_claim_same_project_upd",
        "curation_evidence_same_project_ins",
        "curation_evidence_same_project_upd",
    )
]

STATEMENTS = {
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
}


def _run(direction: int):
    def run(apps, schema_editor):
        statements = STATEMENTS.get(schema_editor.connection.vendor)
        if statements is None:
            raise NotImplementedError(
                f"Claimdesk supports PostgreSQL and SQLite, not {schema_editor.connection.vendor}."
            )
        for sql in statements[direction]:
            # params=None: the SQL holds literal % signs (RAISE formats), not placeholders.
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("curation", "0001_initial")]

    operations = [migrations.RunPython(_run(0), _run(1))]
