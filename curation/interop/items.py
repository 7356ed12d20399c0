"""What a parser makes of a file: documents it carries, claims and evidence,
each naming its document and its span the way the file does."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError


def bad_file(message: str, *, where: str = "") -> ValidationError:
    """The file cannot be imported: nothing of it will be."""
    return ValidationError({"file": f"{where}: {message}" if where else message}, code="invalid")


@dataclass(frozen=True)
class DocumentRef:
    """How an item names its document. `key` points at a document the file carries."""

    url: str = ""
    doi: str = ""
    sha256: str = ""
    title: str = ""
    key: str = ""

    def describe(self) -> str:
        for name in ("url", "doi", "sha256", "title", "key"):
            if value := getattr(self, name):
                return f"{name} {value}"
        return "no document named"


@dataclass
class IncludedDocument:
    """A document the file carries, with its text (created if the project lacks it)."""

    key: str
    text: str
    title: str
    url: str = ""
    doi: str = ""
    language: str = ""
    authors: list = field(default_factory=list)
    published_on: str | None = None
    metadata: dict = field(default_factory=dict)
    source: dict | None = None  # name, kind, url, reliability


@dataclass
class SpanRef:
    document: DocumentRef
    start: int | None = None
    end: int | None = None
    exact: str | None = None
    prefix: str = ""
    suffix: str = ""


@dataclass
class ClaimItem:
    ref: str  # how the report names the item: "line 3, span 2", an annotation id…
    key: str  # what relations in the file call it
    span: SpanRef
    label: str  # the tool's label, mapped to a claim kind
    statement: str = ""
    attributed_to: str = ""
    credibility: int | None = None
    topics: list[str] = field(default_factory=list)
    # Claimdesk releases only: the review as it was.
    status: str = ""
    review_note: str = ""
    reviewed_at: str | None = None
    reviewer: str = ""
    author: str = ""
    skip_reason: str = ""  # set by the parser for items it cannot use (a reply, a page note)
    skip_outcome: str = "not_anchored"
    # A labelled span (doccano, Label Studio): its label may make it a claim, or a
    # passage that relations cite as evidence, or nothing (see mapping.py).
    is_span: bool = False


@dataclass
class EvidenceItem:
    """A claim's evidence: either a span cited for the claim `claim_key`
    (Web Annotation, Claimdesk), or a relation between two labelled spans
    (doccano, Label Studio) whose ends the mapping tells apart."""

    ref: str
    relation: str  # the tool's relation label (or stance), mapped to a stance
    claim_key: str = ""
    span: SpanRef | None = None
    from_key: str = ""
    to_key: str = ""
    note: str = ""
    author: str = ""
    skip_reason: str = ""


@dataclass
class ParsedFile:
    claims: list[ClaimItem] = field(default_factory=list)
    evidence: list[EvidenceItem] = field(default_factory=list)
    documents: dict[str, IncludedDocument] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return sorted({item.label for item in self.claims if not item.skip_reason})

    @property
    def relations(self) -> list[str]:
        return sorted({item.relation for item in self.evidence if not item.skip_reason})
