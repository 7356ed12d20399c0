"""Every write that is more than one row or carries a rule.

Admin, API and management commands call these functions, so each rule is
written once. Services take keyword-only arguments, run in a transaction and
raise ValidationError / PermissionDenied / InvalidTransition / StaleVersion.
Reads that are more than a scoped queryset live in curation.selectors; the
write services import from their modules (`curation.services.<concern>`).
"""

from .access import (
    SYSTEM,
    can_edit_claim,
    can_edit_evidence,
    can_submit_claim,
    may_create_projects,
    require_role,
    require_roles,
    role_among,
    role_for,
    roles_by_project,  # a read (selectors.access), kept here for existing callers
)
from .annotations import (
    ClaimDraft,
    Span,
    claim_create,
    claim_delete,
    claim_update,
    claims_create,
    evidence_link,
    evidence_unlink,
    evidence_update,
    passage_create,
    passage_delete,
    passages_for,
    span_resolve,
)
from .documents import (
    DocumentInput,
    ImportOutcome,
    document_delete,
    document_import,
    document_update,
    documents_import,
)
from .history import history_record
from .projects import (
    membership_remove,
    membership_set,
    project_create,
    project_delete,
    project_update,
    source_create,
    source_delete,
    source_get_or_create,
    source_update,
    topic_create,
    topic_delete,
    topic_update,
    user_by_username,
)
from .releases import release_cut, release_file_chunks, release_filter
from .review import (
    MOVES,
    allowed_moves,
    claim_accept,
    claim_move,
    claim_permissions,
    claim_reject,
    claim_reopen,
    claim_submit,
)

__all__ = [
    "MOVES",
    "SYSTEM",
    "ClaimDraft",
    "DocumentInput",
    "ImportOutcome",
    "Span",
    "allowed_moves",
    "can_edit_claim",
    "can_edit_evidence",
    "can_submit_claim",
    "claim_accept",
    "claim_create",
    "claim_delete",
    "claim_move",
    "claim_permissions",
    "claim_reject",
    "claim_reopen",
    "claim_submit",
    "claim_update",
    "claims_create",
    "document_delete",
    "document_import",
    "document_update",
    "documents_import",
    "evidence_link",
    "evidence_unlink",
    "evidence_update",
    "history_record",
    "may_create_projects",
    "membership_remove",
    "membership_set",
    "passage_create",
    "passage_delete",
    "passages_for",
    "project_create",
    "project_delete",
    "project_update",
    "release_cut",
    "release_file_chunks",
    "release_filter",
    "require_role",
    "require_roles",
    "role_among",
    "role_for",
    "roles_by_project",
    "source_create",
    "source_delete",
    "source_get_or_create",
    "source_update",
    "span_resolve",
    "topic_create",
    "topic_delete",
    "topic_update",
    "user_by_username",
]
