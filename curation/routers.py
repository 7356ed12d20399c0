"""Keeps the dashboard tallies (models/tallies.py) out of dumpdata and loaddata.

They are derived rows the database's triggers keep: dumped, a fixture would carry
counts that the target's triggers make again on loading its claims (twice counted,
or a unique-key clash). Their tables are made by migration 0014 itself, not by a
migration operation, so refusing them here changes no schema.
"""

TALLY_MODELS = {"claimsmade", "claimsdecided", "gradetally", "stancetally"}


class TalliesRouter:
    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == "curation" and model_name in TALLY_MODELS:
            return False
        return None
