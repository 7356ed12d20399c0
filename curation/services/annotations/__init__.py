"""The analyst's annotations: passages (spans of a text), the claims they
assert and the evidence links that support or refute them; one module each."""

from .claims import (
    CLAIM_EDITABLE_FIELDS,
    CLAIM_TRACKED_FIELDS,
    ClaimDraft,
    bump_version,
    claim_create,
    claim_delete,
    claim_update,
    claims_create,
    lock_claim,
)
from .evidence import (
    EVIDENCE_EDITABLE_FIELDS,
    evidence_link,
    evidence_unlink,
    evidence_update,
    lock_evidence,
)
from .passages import Span, passage_create, passage_delete, passages_for, span_resolve

__all__ = [
    "CLAIM_EDITABLE_FIELDS",
    "CLAIM_TRACKED_FIELDS",
    "EVIDENCE_EDITABLE_FIELDS",
    "ClaimDraft",
    "Span",
    "bump_version",
    "claim_create",
    "claim_delete",
    "claim_update",
    "claims_create",
    "evidence_link",
    "evidence_unlink",
    "evidence_update",
    "lock_claim",
    "lock_evidence",
    "passage_create",
    "passage_delete",
    "passages_for",
    "span_resolve",
]
