"""Importing annotations made with other tools (or another Claimdesk) into a project.

One file is one transaction: it is read and checked whole before anything is
written, and any failure rolls everything back. Items that cannot be placed are
not failures of the file: the report says, for every item, whether it was
imported, skipped (already there, or left out by the mapping) or not anchored
(and why).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..choices import ClaimKind, ClaimStatus, HistoryAction, Role
from ..exceptions import ItemsInvalid
from ..interop import claimdesk, doccano, labelstudio, webannotation
from ..interop.anchoring import DocumentMatcher, error_text, span_anchor
from ..interop.items import ClaimItem, EvidenceItem, ParsedFile, SpanRef
from ..interop.mapping import EVIDENCE, IGNORE, Mapping, mapping_resolve
from ..interop.reading import check_size
from ..models import Claim, EvidenceLink, HistoryEntry, Membership, Project, Topic
from .access import require_role
from .annotations import ClaimDraft, Span, claims_create, passages_for
from .history import history_entry
from .projects import topic_create

PARSERS = {
    "webannotation": webannotation.parse,
    "doccano": doccano.parse,
    "labelstudio": labelstudio.parse,
    "claimdesk": claimdesk.parse,
}
IMPORTED, SKIPPED, NOT_ANCHORED = "imported", "skipped", "not_anchored"
_DECIDED = {ClaimStatus.ACCEPTED, ClaimStatus.REJECTED}
_MOVE = {
    ClaimStatus.SUBMITTED: HistoryAction.SUBMITTED,
    ClaimStatus.ACCEPTED: HistoryAction.ACCEPTED,
    ClaimStatus.REJECTED: HistoryAction.REJECTED,
}


@dataclass
class AnnotationImportReport:
    kind: str
    name: str
    mapping: dict
    counts: dict = field(
        default_factory=lambda: dict.fromkeys((IMPORTED, SKIPPED, NOT_ANCHORED), 0)
    )
    items: list[dict] = field(default_factory=list)
    documents_created: list[int] = field(default_factory=list)

    def add(self, item: str, outcome: str, reason: str = "", claim: int | None = None) -> None:
        self.counts[outcome] += 1
        self.items.append({"item": item, "outcome": outcome, "reason": reason, "claim": claim})


def annotations_parse(*, actor, project: Project, kind: str, name: str, data: bytes) -> ParsedFile:
    """Read and check a file (owners only); nothing is written."""
    require_role(actor, project, Role.OWNER)
    if kind not in PARSERS:
        raise ValidationError({"kind": f"Choose among {', '.join(PARSERS)}."})
    check_size(data)
    return PARSERS[kind](data, name)


def annotations_import(
    *, actor, project: Project, kind: str, name: str, data: bytes, mapping: dict | None = None
) -> AnnotationImportReport:
    """Import the annotations of one file into `project`, all or nothing.

    Labels become claim kinds and relations evidence stances by `mapping`
    (`{"labels": {...}, "relations": {...}}`, defaults for what it leaves out).
    """
    parsed = annotations_parse(actor=actor, project=project, kind=kind, name=name, data=data)
    resolved = mapping_resolve(parsed, mapping)
    with transaction.atomic():
        return _Import(actor, project, kind, name, parsed, resolved).run()


class _Import:
    def __init__(self, actor, project, kind, name, parsed: ParsedFile, mapping: Mapping):
        self.actor, self.project, self.kind, self.parsed = actor, project, kind, parsed
        self.mapping = mapping
        self.report = AnnotationImportReport(kind=kind, name=name, mapping=mapping.as_dict())
        self.matcher = DocumentMatcher(
            actor=actor, project=project, carried=parsed.documents, name=name
        )
        self.spans = {item.key: item for item in parsed.claims}
        self.claims: dict[str, Claim] = {}  # item key → claim imported or already there
        self.anchored: dict[int, tuple[Span | None, str]] = {}

    def run(self) -> AnnotationImportReport:
        for item in self.parsed.claims:
            if not item.skip_reason:
                self.matcher.want(item.span.document)
        for item in self.parsed.evidence:
            if item.span is not None:
                self.matcher.want(item.span.document)
        self.matcher.resolve()
        self.report.documents_created = [d.pk for d in self.matcher.created]
        self._claims()
        self._evidence()
        return self.report

    def _anchor(self, span: SpanRef) -> tuple[Span | None, str]:
        key = id(span)
        if key not in self.anchored:
            document, why = self.matcher.document(span.document)
            if document is None:
                self.anchored[key] = (None, why)
            else:
                try:
                    self.anchored[key] = (span_anchor(document, span), "")
                except ValidationError as error:
                    self.anchored[key] = (None, f"in “{document.title}”: {error_text(error)}")
        return self.anchored[key]

    # -- claims ------------------------------------------------------------------------

    def _claims(self) -> None:
        candidates: list[tuple[ClaimItem, Span, str]] = []
        for item in self.parsed.claims:
            target = self.mapping.kind(item.label)
            if item.skip_reason:
                self.report.add(item.ref, item.skip_outcome, item.skip_reason)
            elif target == IGNORE:
                self.report.add(
                    item.ref, SKIPPED, f"label “{item.label}” is ignored by the mapping"
                )
            elif target == EVIDENCE:
                continue  # reported with the relations that cite it (or as unused)
            else:
                span, why = self._anchor(item.span)
                if span is None:
                    self.report.add(item.ref, NOT_ANCHORED, why)
                else:
                    candidates.append((item, span, (item.statement or "").strip() or span.exact))
        existing = self._existing_claims(candidates)
        drafts, fresh, repeated = [], [], []
        first: dict[tuple, ClaimItem] = {}
        for item, span, statement in candidates:
            where = (span.document.pk, span.start, span.end, statement)
            if where in existing:
                self.claims[item.key] = existing[where]
                self.report.add(item.ref, SKIPPED, "already there", existing[where].pk)
            elif where in first:
                repeated.append((item, first[where]))
            else:
                first[where] = item
                drafts.append(self._draft(item, span, statement))
                fresh.append(item)
        created = self._create(drafts)
        for item, claim in zip(fresh, created, strict=True):
            self.claims[item.key] = claim
            self.report.add(item.ref, IMPORTED, "", claim.pk)
        for item, original in repeated:
            claim = self.claims[original.key]
            self.claims[item.key] = claim
            self.report.add(item.ref, SKIPPED, f"already there (as {original.ref})", claim.pk)
        if self.kind == "claimdesk":
            self._keep_review(fresh, created)

    def _existing_claims(self, candidates) -> dict:
        documents = {span.document.pk for _, span, _ in candidates}
        if not documents:
            return {}
        rows = Claim.objects.filter(
            project=self.project, passage__document_id__in=documents
        ).select_related("passage")
        return {
            (c.passage.document_id, c.passage.start, c.passage.end, c.statement): c for c in rows
        }

    def _draft(self, item: ClaimItem, span: Span, statement: str) -> ClaimDraft:
        kind = self.mapping.kind(item.label)
        return ClaimDraft(
            passage=span,
            statement=statement,
            kind=kind if kind in ClaimKind.values else ClaimKind.FACT,
            attributed_to=item.attributed_to.strip()[:300],
            credibility=item.credibility or 6,
            topics=self._topics(item.topics),
        )

    def _topics(self, names: list[str]) -> list[Topic]:
        if not hasattr(self, "_topic_cache"):
            self._topic_cache = {t.name: t for t in Topic.objects.filter(project=self.project)}
        topics = []
        for name in dict.fromkeys(n.strip()[:100] for n in names if n.strip()):
            if name not in self._topic_cache:
                self._topic_cache[name] = topic_create(
                    actor=self.actor, project=self.project, name=name
                )
            topics.append(self._topic_cache[name])
        return topics

    def _create(self, drafts: list[ClaimDraft]) -> list[Claim]:
        if not drafts:
            return []
        try:
            return claims_create(actor=self.actor, drafts=drafts)
        except ItemsInvalid as error:
            index, problem = next(iter(error.errors.items()))
            raise ValidationError(
                {"file": f"claim {index + 1} of the file is invalid: {error_text(problem)}"}
            ) from None

    def _members(self, names: set[str]) -> dict:
        names.discard("")
        if not names:
            return {}
        memberships = Membership.objects.filter(project=self.project, user__username__in=names)
        return {m.user.get_username(): m.user for m in memberships.select_related("user")}

    def _keep_review(self, items: list[ClaimItem], claims: list[Claim]) -> None:
        """A Claimdesk release keeps its statuses, reviews and authors (when they are
        members of this project), recorded as history of the import."""
        users = self._members({i.author for i in items} | {i.reviewer for i in items})
        changed, entries = [], []
        now = timezone.now()
        for item, claim in zip(items, claims, strict=True):
            if item.author in users:
                claim.author = users[item.author]
            status = item.status if item.status in _MOVE else ""
            if status:
                claim.status = status
                claim.review_note = item.review_note
                if status in _DECIDED:
                    claim.reviewer = users.get(item.reviewer)
                    claim.reviewed_at = parse_datetime(item.reviewed_at or "") or now
                entries.append(
                    history_entry(
                        actor=self.actor,
                        obj=claim,
                        action=_MOVE[status],
                        changes={"status": [ClaimStatus.DRAFT.value, status]},
                        note=f"Imported from {self.report.name}. {item.review_note}".strip(),
                    )
                )
            changed.append(claim)
        Claim.objects.bulk_update(
            changed, ["author", "status", "review_note", "reviewer", "reviewed_at"], batch_size=500
        )
        HistoryEntry.objects.bulk_create(entries, batch_size=500)

    # -- evidence ----------------------------------------------------------------------

    def _evidence(self) -> None:
        pending: list[tuple[EvidenceItem, Claim, Span, str]] = []
        used = set()
        for item in self.parsed.evidence:
            found = self._evidence_ends(item)
            if isinstance(found, tuple) and len(found) == 2:
                outcome, reason = found
                self.report.add(item.ref, outcome, reason)
                continue
            claim, span_item_key, span = found
            used.add(span_item_key)
            stance = self.mapping.stance(item.relation)
            if stance == IGNORE:
                self.report.add(
                    item.ref, SKIPPED, f"relation “{item.relation}” is ignored by the mapping"
                )
                continue
            anchored, why = self._anchor(span)
            if anchored is None:
                self.report.add(item.ref, NOT_ANCHORED, why)
                continue
            pending.append((item, claim, anchored, stance))
        for item in self.parsed.claims:
            if (
                item.is_span
                and not item.skip_reason
                and self.mapping.kind(item.label) == EVIDENCE
                and item.key not in used
            ):
                self.report.add(
                    item.ref, SKIPPED, "an evidence span that no relation links to a claim"
                )
        self._link(pending)

    def _evidence_ends(self, item: EvidenceItem):
        """(claim, key of the cited span, its SpanRef), or (outcome, reason)."""
        if item.skip_reason:
            return NOT_ANCHORED, item.skip_reason
        if item.claim_key:
            claim = self.claims.get(item.claim_key)
            if claim is None:
                known = item.claim_key in self.spans
                return NOT_ANCHORED, (
                    "its claim was not imported" if known else "it names a claim the file lacks"
                )
            return claim, "", item.span
        source, target = self.spans.get(item.from_key), self.spans.get(item.to_key)
        if source is None or target is None:
            return NOT_ANCHORED, "the relation names a span the file lacks"
        is_claim = {
            key: self.mapping.kind(span.label) in ClaimKind.values
            for key, span in ((item.from_key, source), (item.to_key, target))
        }
        # "A supports B": B is the claim, A its evidence, unless only A is a claim.
        if is_claim[item.to_key]:
            claim_item, evidence_item = target, source
        elif is_claim[item.from_key]:
            claim_item, evidence_item = source, target
        else:
            return SKIPPED, "neither end of the relation is a claim under the mapping"
        if self.mapping.kind(evidence_item.label) == IGNORE:
            return SKIPPED, f"label “{evidence_item.label}” is ignored by the mapping"
        claim = self.claims.get(claim_item.key)
        if claim is None:
            return NOT_ANCHORED, f"its claim ({claim_item.ref}) was not imported"
        return claim, evidence_item.key, evidence_item.span

    def _link(self, pending) -> None:
        if not pending:
            return
        claim_ids = {claim.pk for _, claim, _, _ in pending}
        existing = {
            (link.claim_id, link.passage.document_id, link.passage.start, link.passage.end): link
            for link in EvidenceLink.objects.filter(claim_id__in=claim_ids).select_related(
                "passage"
            )
        }
        fresh = []
        for item, claim, span, stance in pending:
            where = (claim.pk, span.document.pk, span.start, span.end)
            if where in existing:
                self.report.add(item.ref, SKIPPED, "already there", claim.pk)
                continue
            existing[where] = None
            fresh.append((item, claim, span, stance))
        passages = passages_for(self.actor, [span for _, _, span, _ in fresh])
        authors = (
            self._members({item.author for item, *_ in fresh}) if self.kind == "claimdesk" else {}
        )
        actor = self.actor if self.actor.is_authenticated else None
        links = [
            EvidenceLink(
                claim=claim,
                passage=passage,
                stance=stance,
                note=item.note,
                author=authors.get(item.author, actor),
            )
            for (item, claim, _, stance), passage in zip(fresh, passages, strict=True)
        ]
        EvidenceLink.objects.bulk_create(links)
        HistoryEntry.objects.bulk_create(
            history_entry(
                actor=self.actor,
                obj=link,
                action=HistoryAction.CREATED,
                changes={
                    "stance": [None, link.stance],
                    "passage": [None, link.passage_id],
                    "note": [None, link.note],
                },
                note=f"Imported from {self.report.name}.",
            )
            for link in links
        )
        for (item, claim, _, _), _link in zip(fresh, links, strict=True):
            self.report.add(item.ref, IMPORTED, "", claim.pk)
