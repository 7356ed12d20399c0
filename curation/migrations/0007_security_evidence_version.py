# Evidence links are versioned like claims (issue 13: no lost updates).

import importlib

from django.db import migrations, models

# SQLite adds a NOT NULL column by rebuilding the table, which drops its triggers:
# the evidence link's cross-project triggers of 0002 are created again after it.
_invariants = importlib.import_module("curation.migrations.0002_cross_table_invariants")
_EVIDENCE_TRIGGERS = [sql for sql in _invariants.SQLITE_FORWARD if "ON curation_evidencelink" in sql]
_EVIDENCE_TRIGGER_NAMES = [
    "curation_evidence_same_project_ins",
    "curation_evidence_same_project_upd",
]


def recreate_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in _EVIDENCE_TRIGGER_NAMES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in _EVIDENCE_TRIGGERS:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("curation", "0006_claim_recency_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidencelink",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddConstraint(
            model_name="evidencelink",
            constraint=models.CheckConstraint(
                condition=models.Q(version__gte=1), name="evidence_version_positive"
            ),
        ),
        migrations.RunPython(recreate_sqlite_triggers, migrations.RunPython.noop),
    ]
