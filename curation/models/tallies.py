"""Counts the project dashboard reads (issue 14), kept by the database itself.

Database triggers (migration 0014) keep these rows right on every write to claims,
evidence links, claim topics, documents and sources: the services, bulk statements,
fixtures and imports alike. Nothing in Python writes them except
`services.tallies.tallies_recount`, which rebuilds them from the rows (after a
restore, and as the tests' oracle).

Days are UTC days: the triggers cannot know the reader's time zone. The project
runs with TIME_ZONE=UTC by default; read in another zone, a claim made near
midnight counts on the UTC day, so a day's (or week's) edge may be off by the
zone's offset. Author and topic are plain integers (0: none) rather than foreign
keys because the unique keys the triggers upsert on must not hold NULL (NULLs
never conflict), and a deleted user or topic must not take the counts with it.

The models are unmanaged (migration 0014 creates their tables itself): derived rows
are no data of their own, so dumpdata and the fixture releases leave them out, and a
fixture loaded elsewhere is counted there by that database's triggers.
"""

from django.db import models

from .projects import Project


def _project():
    # No database constraint: the triggers own these rows, and the project's
    # tallies are emptied by trigger when the project row goes.
    return models.ForeignKey(
        Project, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )


class _Tally(models.Model):
    """What every tally has: its project and its count."""

    project = _project()
    n = models.IntegerField()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self._meta.verbose_name} {self.n}"


class ClaimsMade(_Tally):
    """Claims by author, current status and the UTC day they were made."""

    author_key = models.IntegerField(help_text="The author's user id; 0 without author.")
    status = models.CharField(max_length=16)
    day = models.DateField()

    class Meta:
        managed = False  # see the module's docstring
        constraints = [
            models.UniqueConstraint(
                fields=["project", "author_key", "status", "day"], name="claims_made_key"
            )
        ]


class ClaimsDecided(_Tally):
    """Accepted and rejected claims by the UTC day of their decision."""

    status = models.CharField(max_length=16)
    day = models.DateField()

    class Meta:
        managed = False  # see the module's docstring
        constraints = [
            models.UniqueConstraint(fields=["project", "status", "day"], name="claims_decided_key")
        ]


class GradeTally(_Tally):
    """Claims by their source's reliability (no source: F) and their credibility."""

    reliability = models.CharField(max_length=1)
    credibility = models.PositiveSmallIntegerField()

    class Meta:
        managed = False  # see the module's docstring
        constraints = [
            models.UniqueConstraint(
                fields=["project", "reliability", "credibility"], name="grade_tally_key"
            )
        ]


class StanceTally(_Tally):
    """Evidence links by stance for each topic of their claim (0: a claim without
    topic; a claim with two topics counts under both)."""

    topic_key = models.IntegerField(help_text="The topic's id; 0 for claims without topic.")
    stance = models.CharField(max_length=16)

    class Meta:
        managed = False  # see the module's docstring
        constraints = [
            models.UniqueConstraint(
                fields=["project", "topic_key", "stance"], name="stance_tally_key"
            )
        ]
