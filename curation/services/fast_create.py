"""The most frequent write, one claim on a span given by offsets, in two statements.

`claims_create` is the general path. It takes any number of claims, spans by
offsets or by quote, existing passages and topics, and costs about ten
statements and a few milliseconds of ORM work per request. Most writes are a
single claim marked by offsets (the workspace, scripts). On PostgreSQL they
can be done in two statements: one read of the document and the caller's
role, then one `WITH … INSERT` that writes the passage (or finds it), the
claim and its history entry, atomic by itself.

The rules are the same ones, applied by the same functions: `role_among`,
`span_resolve`, `Claim.full_clean` and `history_entry`. The rows are built
as model instances and written with the columns and values Django's own
INSERT would use. Anything outside that simple case returns None with nothing
written, and the caller takes `claims_create`, which explains what is wrong
in its usual words.
"""

from functools import cache

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections

from ..choices import ClaimKind, Credibility, HistoryAction, Role
from ..models import Claim, Document, HistoryEntry, Membership, Passage, Source
from .access import role_among
from .annotations import _claim_snapshot, span_resolve
from .history import diff, history_entry


def claim_create_at_offsets(
    *,
    actor,
    document_id: int,
    start: int,
    end: int,
    statement: str = "",
    kind: str = ClaimKind.FACT,
    attributed_to: str = "",
    credibility: int = Credibility.CANNOT_BE_JUDGED,
) -> tuple[Claim, Role] | None:
    """A draft claim on document_id[start:end] and the actor's role in its project,
    as `claims_create` would write it; or None, with nothing written, when this is
    not that simple case (see the module)."""
    if connection.vendor != "postgresql" or not getattr(actor, "is_authenticated", False):
        return None
    # No BEGIN … COMMIT of our own: the one statement that writes is atomic by itself
    # (in autocommit mode, its own transaction), and the read before it needs no
    # lock (a document's text never changes; a role is checked as claims_create
    # checks it, without locking the membership).
    found = _document_and_role(actor, document_id)
    if found is None:
        return None
    document, role = found
    if role is None or not role.allows(Role.ANNOTATOR):
        return None
    try:
        span = span_resolve(document=document, start=start, end=end)
        claim = Claim(
            project_id=document.project_id,
            statement=statement.strip() or span.exact,
            kind=kind,
            attributed_to=attributed_to,
            credibility=credibility,
            author=actor,
        )
        claim.full_clean(
            exclude=["project", "passage", "author"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError:
        return None
    passage = span.passage(actor)
    entry = history_entry(
        actor=actor,
        obj=claim,
        action=HistoryAction.CREATED,
        changes=diff({}, _claim_snapshot(claim, [])),
    )
    if not _insert(passage, claim, entry):
        return None  # the span was stored meanwhile, unseen by this statement
    return claim, role


def _document_and_role(actor, document_id: int) -> tuple[Document, Role | None] | None:
    """The document (text, title, source) and the actor's membership role, or None."""
    with connection.cursor() as cursor:
        cursor.execute(_document_and_role_sql(), [actor.pk, document_id])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, project_id, title, text, source_id, source_name, reliability, role = row
    source = None
    if source_id is not None:
        source = Source(
            pk=source_id, project_id=project_id, name=source_name, reliability=reliability
        )
    document = Document(pk=pk, project_id=project_id, title=title, text=text, source=source)
    roles = {project_id: Role(role)} if role else {}
    return document, role_among(actor, roles, project_id)


@cache
def _document_and_role_sql() -> str:
    """The statement `_document_and_role` runs, built once."""
    qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
    return f"""
        SELECT d.id, d.project_id, d.title, d.text, s.id, s.name, s.reliability,
               (SELECT m.role FROM {qn(Membership._meta.db_table)} m
                 WHERE m.project_id = d.project_id AND m.user_id = %s)
          FROM {qn(Document._meta.db_table)} d
          LEFT JOIN {qn(Source._meta.db_table)} s ON s.id = d.source_id
         WHERE d.id = %s
    """  # noqa: S608 (table names from the models; values bound)


def _insert(passage: Passage, claim: Claim, entry: HistoryEntry) -> bool:
    """Write the three rows in one statement; False if the passage was neither
    inserted nor visible (a concurrent insert of the same span)."""
    db = connections[DEFAULT_DB_ALIAS]
    span = [passage.document_id, passage.start, passage.end]
    values = [
        *_values(passage, _fields(Passage), db),
        *span,
        *_values(claim, _fields(Claim, skip="passage"), db),
        *_values(entry, _fields(HistoryEntry, skip="claim"), db),
    ]
    with db.cursor() as cursor:
        cursor.execute(_insert_sql(), values)
        row = cursor.fetchone()
    if row is None:
        return False
    claim.pk, passage.pk, passage.created_at, entry.pk = row
    claim.passage = passage
    entry.claim = claim
    return True


@cache
def _insert_sql() -> str:
    """The statement `_insert` runs, built once: its text depends on the models only."""
    qn = connections[DEFAULT_DB_ALIAS].ops.quote_name

    def columns(fields) -> str:
        return ", ".join(qn(f.column) for f in fields)

    def marks(fields) -> str:
        return ", ".join(["%s"] * len(fields))

    passage, claim = _fields(Passage), _fields(Claim, skip="passage")
    entry = _fields(HistoryEntry, skip="claim")
    passages = qn(Passage._meta.db_table)
    # Data-modifying WITH clauses see one snapshot: the row the first inserts is
    # read from its RETURNING, an existing one (ON CONFLICT) from the table.
    return f"""
        WITH new_passage AS (
            INSERT INTO {passages} ({columns(passage)}) VALUES ({marks(passage)})
            ON CONFLICT DO NOTHING
            RETURNING id, created_at
        ), passage AS (
            SELECT id, created_at FROM new_passage
            UNION ALL
            SELECT id, created_at FROM {passages}
             WHERE document_id = %s AND start = %s AND "end" = %s
            LIMIT 1
        ), claim AS (
            INSERT INTO {qn(Claim._meta.db_table)} ({columns(claim)}, passage_id)
            SELECT {marks(claim)}, passage.id FROM passage
            RETURNING id
        ), entry AS (
            INSERT INTO {qn(HistoryEntry._meta.db_table)} ({columns(entry)}, claim_id)
            SELECT {marks(entry)}, claim.id FROM claim
            RETURNING id
        )
        SELECT claim.id, passage.id, passage.created_at, entry.id FROM claim, passage, entry
    """  # noqa: S608 (names from the models; values bound)


@cache
def _fields(model, skip: str = "") -> tuple:
    """The columns Django's INSERT writes for a new row (all but the primary key),
    less the foreign key `skip` that the statement fills in itself."""
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key and f.name != skip)


def _values(obj, fields, db) -> list:
    """The database values of a new row, as Django's INSERT writes them (defaults,
    auto_now_add timestamps and adapters included)."""
    return [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
