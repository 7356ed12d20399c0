"""Dashboard tallies (issue 14): four count tables, kept by triggers on both databases.

The dashboard read every claim of a project per figure (70 first pages of the claim
list at 1,000,000 claims). These tables hold the same figures as grouped counts, and
the triggers below keep them right on every write the database sees: services, bulk
statements, loaddata, imports, cascading deletes. PostgreSQL runs one statement-level
trigger per statement with transition tables (a bulk insert or status change is one
grouped upsert, not one per row); SQLite has row-level triggers only.

The grade rule (a document without a source counts as F) is curation/grading.py's;
the SQL below repeats it as COALESCE(..., 'F'), and tests/test_tallies.py checks the
tally against the live aggregate that uses grading.py, on the same data.

Days are UTC days (see models/tallies.py). Upserts add in key order, so two bulk
statements never take the same tally rows in opposite orders. Counts that fall to 0
stay as rows (reads sum them); a project's rows go with the project.

Not tracked: a raw UPDATE of curation_claim_topics rows (Django only inserts and
deletes them) and a passage moved to another document (passages never move);
`manage.py recount_tallies` rebuilds everything after such a write or a restore.
"""

import django.db.models.deletion
from django.db import migrations, models

DECIDED = "('accepted', 'rejected')"

# --- PostgreSQL ------------------------------------------------------------------

_PG_CLAIM_DELTA = {
    "INSERT": "SELECT *, 1 AS k FROM new_rows",
    "DELETE": "SELECT *, -1 AS k FROM old_rows",
    "UPDATE": "SELECT *, 1 AS k FROM new_rows UNION ALL SELECT *, -1 AS k FROM old_rows",
}


def _pg_claims(op: str) -> str:
    delta = _PG_CLAIM_DELTA[op]
    return f"""
    CREATE FUNCTION curation_tally_claims_{op.lower()}() RETURNS trigger AS $$
    BEGIN
        INSERT INTO curation_claimsmade AS t (project_id, author_key, status, day, n)
        SELECT project_id, COALESCE(author_id, 0), status,
               (created_at AT TIME ZONE 'UTC')::date, SUM(k)
        FROM ({delta}) d GROUP BY 1, 2, 3, 4 HAVING SUM(k) <> 0 ORDER BY 1, 2, 3, 4
        ON CONFLICT (project_id, author_key, status, day) DO UPDATE SET n = t.n + EXCLUDED.n;

        INSERT INTO curation_claimsdecided AS t (project_id, status, day, n)
        SELECT project_id, status, (reviewed_at AT TIME ZONE 'UTC')::date, SUM(k)
        FROM ({delta}) d
        WHERE status IN {DECIDED} AND reviewed_at IS NOT NULL
        GROUP BY 1, 2, 3 HAVING SUM(k) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (project_id, status, day) DO UPDATE SET n = t.n + EXCLUDED.n;

        INSERT INTO curation_gradetally AS t (project_id, reliability, credibility, n)
        SELECT d.project_id, COALESCE(s.reliability, 'F'), d.credibility, SUM(d.k)
        FROM ({delta}) d
        JOIN curation_passage p ON p.id = d.passage_id
        JOIN curation_document doc ON doc.id = p.document_id
        LEFT JOIN curation_source s ON s.id = doc.source_id
        GROUP BY 1, 2, 3 HAVING SUM(d.k) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (project_id, reliability, credibility) DO UPDATE SET n = t.n + EXCLUDED.n;
        RETURN NULL;
    END $$ LANGUAGE plpgsql;
    """


_PG_LINK_DELTA = {
    "INSERT": "SELECT claim_id, stance, 1 AS k FROM new_rows",
    "DELETE": "SELECT claim_id, stance, -1 AS k FROM old_rows",
    "UPDATE": "SELECT claim_id, stance, 1 AS k FROM new_rows"
    " UNION ALL SELECT claim_id, stance, -1 AS k FROM old_rows",
}

_PG_STANCE_UPSERT = """
        INSERT INTO curation_stancetally AS t (project_id, topic_key, stance, n)
        SELECT project_id, topic_key, stance, SUM(k) FROM ({rows}) d
        GROUP BY 1, 2, 3 HAVING SUM(k) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (project_id, topic_key, stance) DO UPDATE SET n = t.n + EXCLUDED.n;
"""


def _pg_links(op: str) -> str:
    rows = f"""
        SELECT c.project_id, COALESCE(ct.topic_id, 0) AS topic_key, d.stance, d.k
        FROM ({_PG_LINK_DELTA[op]}) d
        JOIN curation_claim c ON c.id = d.claim_id
        LEFT JOIN curation_claim_topics ct ON ct.claim_id = d.claim_id"""
    return f"""
    CREATE FUNCTION curation_tally_links_{op.lower()}() RETURNS trigger AS $$
    BEGIN
        {_PG_STANCE_UPSERT.format(rows=rows)}
        RETURN NULL;
    END $$ LANGUAGE plpgsql;
    """


# A claim's links count under each of its topics, or under 0 while it has none:
# adding its first topic moves them from 0; removing its last moves them back.
_PG_TOPICS_INSERT_ROWS = """
        SELECT c.project_id, n.topic_id AS topic_key, l.stance, 1 AS k
        FROM new_rows n
        JOIN curation_claim c ON c.id = n.claim_id
        JOIN curation_evidencelink l ON l.claim_id = n.claim_id
        UNION ALL
        SELECT c.project_id, 0, l.stance, -1
        FROM (SELECT DISTINCT claim_id FROM new_rows) x
        JOIN curation_claim c ON c.id = x.claim_id
        JOIN curation_evidencelink l ON l.claim_id = x.claim_id
        WHERE NOT EXISTS (
            SELECT 1 FROM curation_claim_topics ct
            WHERE ct.claim_id = x.claim_id AND ct.id NOT IN (SELECT id FROM new_rows))"""
_PG_TOPICS_DELETE_ROWS = """
        SELECT c.project_id, o.topic_id AS topic_key, l.stance, -1 AS k
        FROM old_rows o
        JOIN curation_claim c ON c.id = o.claim_id
        JOIN curation_evidencelink l ON l.claim_id = o.claim_id
        UNION ALL
        SELECT c.project_id, 0, l.stance, 1
        FROM (SELECT DISTINCT claim_id FROM old_rows) x
        JOIN curation_claim c ON c.id = x.claim_id
        JOIN curation_evidencelink l ON l.claim_id = x.claim_id
        WHERE NOT EXISTS (SELECT 1 FROM curation_claim_topics ct WHERE ct.claim_id = x.claim_id)"""


def _pg_topics(op: str, rows: str) -> str:
    return f"""
    CREATE FUNCTION curation_tally_topics_{op.lower()}() RETURNS trigger AS $$
    BEGIN
        {_PG_STANCE_UPSERT.format(rows=rows)}
        RETURN NULL;
    END $$ LANGUAGE plpgsql;
    """


# A regraded source or a document given another source moves many claims at once: a
# rare write, so the affected projects' grade tally is counted again.
_GRADE_RECOUNT = """
        DELETE FROM curation_gradetally WHERE project_id = {project};
        INSERT INTO curation_gradetally (project_id, reliability, credibility, n)
        SELECT c.project_id, COALESCE(s.reliability, 'F'), c.credibility, COUNT(*)
        FROM curation_claim c
        JOIN curation_passage p ON p.id = c.passage_id
        JOIN curation_document doc ON doc.id = p.document_id
        LEFT JOIN curation_source s ON s.id = doc.source_id
        WHERE c.project_id = {project} AND {where}
        GROUP BY 1, 2, 3;
"""

PG_REGRADE = f"""
    CREATE FUNCTION curation_tally_grades_recount(project bigint) RETURNS void AS $$
    BEGIN
        {_GRADE_RECOUNT.format(project="project", where="true")}
    END $$ LANGUAGE plpgsql;
    """


def _pg_regrade(table: str, column: str) -> str:
    return f"""
    CREATE FUNCTION curation_tally_{table}_regrade() RETURNS trigger AS $$
    DECLARE project bigint;
    BEGIN
        FOR project IN
            SELECT DISTINCT p FROM new_rows n JOIN old_rows o ON o.id = n.id,
                LATERAL (VALUES (n.project_id), (o.project_id)) v(p)
            WHERE n.{column} IS DISTINCT FROM o.{column} ORDER BY 1
        LOOP
            PERFORM curation_tally_grades_recount(project);
        END LOOP;
        RETURN NULL;
    END $$ LANGUAGE plpgsql;
    """


TALLIES = ["claimsmade", "claimsdecided", "gradetally", "stancetally"]
PG_PROJECT_GONE = (
    "CREATE FUNCTION curation_tally_project_gone() RETURNS trigger AS $$ BEGIN "
    + " ".join(f"DELETE FROM curation_{t} WHERE project_id = OLD.id;" for t in TALLIES)
    + " RETURN NULL; END $$ LANGUAGE plpgsql;"
)


# Django's flush (and a restore script) TRUNCATEs tables: no row trigger fires, so
# the tallies follow here. Claims emptied: their counts go; links emptied: the
# stances go; claim topics emptied: every link now counts under "no topic".
PG_TRUNCATED = """
    CREATE FUNCTION curation_tally_truncated() RETURNS trigger AS $$
    BEGIN
        IF TG_TABLE_NAME = 'curation_claim' THEN
            DELETE FROM curation_claimsmade;
            DELETE FROM curation_claimsdecided;
            DELETE FROM curation_gradetally;
        END IF;
        DELETE FROM curation_stancetally;
        INSERT INTO curation_stancetally (project_id, topic_key, stance, n)
        SELECT c.project_id, COALESCE(ct.topic_id, 0), l.stance, COUNT(*)
        FROM curation_evidencelink l
        JOIN curation_claim c ON c.id = l.claim_id
        LEFT JOIN curation_claim_topics ct ON ct.claim_id = l.claim_id
        GROUP BY 1, 2, 3;
        RETURN NULL;
    END $$ LANGUAGE plpgsql;
    """


def _pg_trigger(name: str, table: str, op: str, function: str) -> str:
    referencing = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows"}.get(
        op, "NEW TABLE AS new_rows OLD TABLE AS old_rows"
    )
    return (
        f"CREATE TRIGGER {name} AFTER {op} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
    )


OPS = ["INSERT", "UPDATE", "DELETE"]
TRUNCATED = ["curation_claim", "curation_evidencelink", "curation_claim_topics"]
POSTGRES_FORWARD = [
    *[_pg_claims(op) for op in OPS],
    *[_pg_links(op) for op in OPS],
    _pg_topics("INSERT", _PG_TOPICS_INSERT_ROWS),
    _pg_topics("DELETE", _PG_TOPICS_DELETE_ROWS),
    PG_REGRADE,
    _pg_regrade("document", "source_id"),
    _pg_regrade("source", "reliability"),
    PG_PROJECT_GONE,
    PG_TRUNCATED,
    *[
        _pg_trigger(
            f"curation_tally_claims_{op.lower()}",
            "curation_claim",
            op,
            f"curation_tally_claims_{op.lower()}",
        )
        for op in OPS
    ],
    *[
        _pg_trigger(
            f"curation_tally_links_{op.lower()}",
            "curation_evidencelink",
            op,
            f"curation_tally_links_{op.lower()}",
        )
        for op in OPS
    ],
    *[
        _pg_trigger(
            f"curation_tally_topics_{op.lower()}",
            "curation_claim_topics",
            op,
            f"curation_tally_topics_{op.lower()}",
        )
        for op in ["INSERT", "DELETE"]
    ],
    _pg_trigger(
        "curation_tally_document_regrade",
        "curation_document",
        "UPDATE",
        "curation_tally_document_regrade",
    ),
    _pg_trigger(
        "curation_tally_source_regrade",
        "curation_source",
        "UPDATE",
        "curation_tally_source_regrade",
    ),
    "CREATE TRIGGER curation_tally_project_gone AFTER DELETE ON curation_project "
    "FOR EACH ROW EXECUTE FUNCTION curation_tally_project_gone()",
    *[
        f"CREATE TRIGGER curation_tally_truncated AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION curation_tally_truncated()"
        for table in TRUNCATED
    ],
]
_PG_TRIGGERS = [
    *[(f"curation_tally_claims_{op.lower()}", "curation_claim") for op in OPS],
    *[(f"curation_tally_links_{op.lower()}", "curation_evidencelink") for op in OPS],
    ("curation_tally_topics_insert", "curation_claim_topics"),
    ("curation_tally_topics_delete", "curation_claim_topics"),
    ("curation_tally_document_regrade", "curation_document"),
    ("curation_tally_source_regrade", "curation_source"),
    ("curation_tally_project_gone", "curation_project"),
]
POSTGRES_BACKWARD = [
    *[f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in _PG_TRIGGERS],
    *[f"DROP TRIGGER IF EXISTS curation_tally_truncated ON {table}" for table in TRUNCATED],
    "DROP FUNCTION IF EXISTS curation_tally_truncated()",
    *[f"DROP FUNCTION IF EXISTS {name}()" for name, _ in _PG_TRIGGERS],
    "DROP FUNCTION IF EXISTS curation_tally_grades_recount(bigint)",
]

# --- SQLite (row-level) ------------------------------------------------------------


# Only a live project's tallies move. A project's own deletion drops its tallies
# (curation_tally_project_gone); rows of it deleted afterwards, as Django's flush on
# SQLite deletes table by table in no set order, must not leave negative counts.
_LIVE = "EXISTS (SELECT 1 FROM curation_project WHERE id = {project})"


def _sqlite_claim(row: str, k: int) -> str:
    return f"""
    INSERT INTO curation_claimsmade (project_id, author_key, status, day, n)
    SELECT {row}.project_id, COALESCE({row}.author_id, 0), {row}.status,
           date({row}.created_at), {k}
    WHERE {_LIVE.format(project=row + ".project_id")}
    ON CONFLICT (project_id, author_key, status, day) DO UPDATE SET n = n + excluded.n;
    INSERT INTO curation_claimsdecided (project_id, status, day, n)
    SELECT {row}.project_id, {row}.status, date({row}.reviewed_at), {k}
    WHERE {row}.status IN {DECIDED} AND {row}.reviewed_at IS NOT NULL
      AND {_LIVE.format(project=row + ".project_id")}
    ON CONFLICT (project_id, status, day) DO UPDATE SET n = n + excluded.n;
    INSERT INTO curation_gradetally (project_id, reliability, credibility, n)
    SELECT {row}.project_id, COALESCE(s.reliability, 'F'), {row}.credibility, {k}
    FROM curation_passage p
    JOIN curation_document doc ON doc.id = p.document_id
    LEFT JOIN curation_source s ON s.id = doc.source_id
    WHERE p.id = {row}.passage_id AND {_LIVE.format(project=row + ".project_id")}
    ON CONFLICT (project_id, reliability, credibility) DO UPDATE SET n = n + excluded.n;
    """


def _sqlite_stance(row: str, k: int) -> str:
    return f"""
    INSERT INTO curation_stancetally (project_id, topic_key, stance, n)
    SELECT c.project_id, COALESCE(ct.topic_id, 0), {row}.stance, {k}
    FROM curation_claim c LEFT JOIN curation_claim_topics ct ON ct.claim_id = c.id
    WHERE c.id = {row}.claim_id AND {_LIVE.format(project="c.project_id")}
    ON CONFLICT (project_id, topic_key, stance) DO UPDATE SET n = n + excluded.n;
    """


def _sqlite_topic(row: str, k: int, alone: str) -> str:
    """`row`'s topic gains (k=1) or loses (k=-1) the claim's links; topic 0 the
    opposite when `alone` holds (the claim had, or has, no other topic)."""
    return f"""
    INSERT INTO curation_stancetally (project_id, topic_key, stance, n)
    SELECT c.project_id, {row}.topic_id, l.stance, {k} * COUNT(*)
    FROM curation_evidencelink l JOIN curation_claim c ON c.id = l.claim_id
    WHERE l.claim_id = {row}.claim_id AND {_LIVE.format(project="c.project_id")} GROUP BY c.project_id, l.stance
    ON CONFLICT (project_id, topic_key, stance) DO UPDATE SET n = n + excluded.n;
    INSERT INTO curation_stancetally (project_id, topic_key, stance, n)
    SELECT c.project_id, 0, l.stance, {-k} * COUNT(*)
    FROM curation_evidencelink l JOIN curation_claim c ON c.id = l.claim_id
    WHERE l.claim_id = {row}.claim_id AND {alone}
      AND {_LIVE.format(project="c.project_id")} GROUP BY c.project_id, l.stance
    ON CONFLICT (project_id, topic_key, stance) DO UPDATE SET n = n + excluded.n;
    """


_CLAIM_CHANGED = " OR ".join(
    f"OLD.{c} IS NOT NEW.{c}"
    for c in [
        "project_id",
        "author_id",
        "status",
        "created_at",
        "reviewed_at",
        "credibility",
        "passage_id",
    ]
)
_TOPICS_OF = "(SELECT COUNT(*) FROM curation_claim_topics WHERE claim_id = {row}.claim_id)"
SQLITE_FORWARD = [
    "CREATE TRIGGER curation_tally_claims_insert AFTER INSERT ON curation_claim "
    f"BEGIN {_sqlite_claim('NEW', 1)} END",
    "CREATE TRIGGER curation_tally_claims_delete AFTER DELETE ON curation_claim "
    f"BEGIN {_sqlite_claim('OLD', -1)} END",
    f"CREATE TRIGGER curation_tally_claims_update AFTER UPDATE ON curation_claim "
    f"WHEN {_CLAIM_CHANGED} BEGIN {_sqlite_claim('OLD', -1)} {_sqlite_claim('NEW', 1)} END",
    "CREATE TRIGGER curation_tally_links_insert AFTER INSERT ON curation_evidencelink "
    f"BEGIN {_sqlite_stance('NEW', 1)} END",
    "CREATE TRIGGER curation_tally_links_delete AFTER DELETE ON curation_evidencelink "
    f"BEGIN {_sqlite_stance('OLD', -1)} END",
    "CREATE TRIGGER curation_tally_links_update AFTER UPDATE OF claim_id, stance "
    "ON curation_evidencelink WHEN OLD.claim_id IS NOT NEW.claim_id OR OLD.stance IS NOT "
    f"NEW.stance BEGIN {_sqlite_stance('OLD', -1)} {_sqlite_stance('NEW', 1)} END",
    "CREATE TRIGGER curation_tally_topics_insert AFTER INSERT ON curation_claim_topics "
    f"BEGIN {_sqlite_topic('NEW', 1, _TOPICS_OF.format(row='NEW') + ' = 1')} END",
    "CREATE TRIGGER curation_tally_topics_delete AFTER DELETE ON curation_claim_topics "
    f"BEGIN {_sqlite_topic('OLD', -1, _TOPICS_OF.format(row='OLD') + ' = 0')} END",
    "CREATE TRIGGER curation_tally_document_regrade AFTER UPDATE OF source_id "
    "ON curation_document WHEN OLD.source_id IS NOT NEW.source_id BEGIN "
    + _GRADE_RECOUNT.format(project="OLD.project_id", where="true")
    + _GRADE_RECOUNT.format(project="NEW.project_id", where="true")
    + " END",
    "CREATE TRIGGER curation_tally_source_regrade AFTER UPDATE OF reliability "
    "ON curation_source WHEN OLD.reliability IS NOT NEW.reliability BEGIN "
    + _GRADE_RECOUNT.format(project="NEW.project_id", where="true")
    + " END",
    "CREATE TRIGGER curation_tally_project_gone AFTER DELETE ON curation_project BEGIN "
    + " ".join(f"DELETE FROM curation_{t} WHERE project_id = OLD.id;" for t in TALLIES)
    + " END",
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {name}" for name, _ in _PG_TRIGGERS]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


TALLY_MODELS = ["ClaimsMade", "ClaimsDecided", "GradeTally", "StanceTally"]


def _create_tables(apps, schema_editor):
    """The tally models are unmanaged (see models/tallies.py), so their tables, with
    the unique keys the triggers upsert on, are made here from the migration state."""
    for name in TALLY_MODELS:
        schema_editor.create_model(apps.get_model("curation", name))


def _drop_tables(apps, schema_editor):
    for name in TALLY_MODELS:
        schema_editor.delete_model(apps.get_model("curation", name))


def _recount(apps, schema_editor):
    """Counts for the claims already there (the triggers see only later writes)."""
    from curation.services.tallies import tallies_recount

    tallies_recount(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("curation", "0013_speed_upload_lz4"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClaimsDecided",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("status", models.CharField(max_length=16)),
                ("day", models.DateField()),
                ("n", models.IntegerField()),
            ],
            options={"managed": False},
        ),
        migrations.CreateModel(
            name="ClaimsMade",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "author_key",
                    models.IntegerField(help_text="The author's user id; 0 without author."),
                ),
                ("status", models.CharField(max_length=16)),
                ("day", models.DateField()),
                ("n", models.IntegerField()),
            ],
            options={"managed": False},
        ),
        migrations.CreateModel(
            name="GradeTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reliability", models.CharField(max_length=1)),
                ("credibility", models.PositiveSmallIntegerField()),
                ("n", models.IntegerField()),
            ],
            options={"managed": False},
        ),
        migrations.CreateModel(
            name="StanceTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "topic_key",
                    models.IntegerField(help_text="The topic's id; 0 for claims without topic."),
                ),
                ("stance", models.CharField(max_length=16)),
                ("n", models.IntegerField()),
            ],
            options={"managed": False},
        ),
        migrations.RemoveIndex(
            model_name="claim",
            name="claim_project_status_idx",
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                fields=["project", "status", "updated_at"], name="claim_project_status_idx"
            ),
        ),
        migrations.AddField(
            model_name="claimsdecided",
            name="project",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="curation.project",
            ),
        ),
        migrations.AddField(
            model_name="claimsmade",
            name="project",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="curation.project",
            ),
        ),
        migrations.AddField(
            model_name="gradetally",
            name="project",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="curation.project",
            ),
        ),
        migrations.AddField(
            model_name="stancetally",
            name="project",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="curation.project",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimsdecided",
            constraint=models.UniqueConstraint(
                fields=("project", "status", "day"), name="claims_decided_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="claimsmade",
            constraint=models.UniqueConstraint(
                fields=("project", "author_key", "status", "day"), name="claims_made_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="gradetally",
            constraint=models.UniqueConstraint(
                fields=("project", "reliability", "credibility"), name="grade_tally_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="stancetally",
            constraint=models.UniqueConstraint(
                fields=("project", "topic_key", "stance"), name="stance_tally_key"
            ),
        ),
        migrations.RunPython(_create_tables, _drop_tables),
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
        migrations.RunPython(_recount, migrations.RunPython.noop),
    ]
