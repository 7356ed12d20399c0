"""Recording changes: every service that changes a tracked object calls here."""

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import models

from ..choices import HistoryAction
from ..models import Claim, Document, EvidenceLink, HistoryEntry, Source

_TARGET_FIELD = {Claim: "claim", EvidenceLink: "evidence", Source: "source", Document: "document"}


def _plain(value):
    """A JSON-safe form of a field value for the `changes` record."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime.date | datetime.datetime | uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def history_entry(
    *, actor, obj: models.Model, action: str, changes: dict | None = None, note: str = ""
) -> HistoryEntry:
    """An unsaved history entry for `obj` (callers bulk-create many at once)."""
    entry = HistoryEntry(
        project_id=obj.project_id if hasattr(obj, "project_id") else obj.claim.project_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.model_name,
        object_repr=str(obj)[:300],
        changes=changes or {},
        note=note,
    )
    setattr(entry, _TARGET_FIELD[type(obj)], obj)
    return entry


def history_record(
    *, actor, obj: models.Model, action: str, changes: dict | None = None, note: str = ""
) -> HistoryEntry:
    """Record one change of a claim, evidence link, source or document."""
    entry = history_entry(actor=actor, obj=obj, action=action, changes=changes, note=note)
    entry.save()
    return entry


def tracked_update(
    *,
    actor,
    obj: models.Model,
    data: dict,
    fields: Iterable[str],
    clean: dict | None = None,
    save: Callable[[models.Model, dict], None] | None = None,
    before: dict | None = None,
    after: dict | None = None,
    action: str = HistoryAction.UPDATED,
    note: str = "",
    refusal: str = "This field cannot be set here.",
) -> dict:
    """Change the tracked `fields` of `obj` (a locked row) to `data`, and record it.

    snapshot → setattr → full_clean → diff → save(update_fields) → history
    (HackSoft's `model_update`). `before`/`after` add values that are not plain
    attributes (a claim's topics); `clean` holds full_clean's arguments; a field
    outside `fields` is refused with `refusal`. `save(obj, changes)` replaces the default
    `obj.save(update_fields=[*changes, "updated_at"])`. Nothing is written when
    nothing changed. Returns the changes ({field: [old, new]}).
    """
    fields = tuple(fields)
    unknown = set(data) - set(fields)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), refusal))
    old = {**snapshot(obj, fields), **(before or {})}
    for name, value in data.items():
        setattr(obj, name, value)
    obj.full_clean(**(clean or {}))
    changes = diff(old, {**snapshot(obj, fields), **(after or {})})
    if not changes:
        return changes
    if save is not None:
        save(obj, changes)
    else:
        obj.save(update_fields=[*(name for name in fields if name in changes), "updated_at"])
    history_record(
        actor=actor,
        obj=obj,
        action=action(changes) if callable(action) else action,
        changes=changes,
        note=note(obj, changes) if callable(note) else note,
    )
    return changes
