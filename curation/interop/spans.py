"""Labelled spans in a text the file carries (doccano, Label Studio)."""

from ..text import CONTEXT_WIDTH, normalize_text, text_sha256
from .items import DocumentRef, IncludedDocument, SpanRef


def carried_document(key: str, text: str, meta: dict) -> tuple[DocumentRef, IncludedDocument]:
    """The document a record carries, named by its metadata and its text's checksum."""

    def field(name: str) -> str:
        value = meta.get(name)
        return value.strip() if isinstance(value, str) else ""

    normalised = normalize_text(text)
    title = field("title") or field("name") or field("filename") or key
    ref = DocumentRef(
        url=field("url") or field("source_url"),
        doi=field("doi"),
        sha256=text_sha256(normalised),
        title=field("title"),
        key=key,
    )
    included = IncludedDocument(
        key=key,
        text=text,
        title=title,
        url=ref.url,
        doi=ref.doi,
        language=field("language") or field("lang"),
        metadata={k: v for k, v in meta.items() if k not in ("title", "url", "doi")},
    )
    return ref, included


def span_in(document: DocumentRef, text: str, start, end, quote: str | None = None) -> SpanRef:
    """A span of `text` by offsets. With context taken from the text when the
    offsets fall where the quote is (or no quote is given): then the quote can
    still be found, by its context, if normalising the text moved the offsets."""
    valid = all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end))
    if not valid:
        return SpanRef(document=document, exact=quote)
    if not 0 <= start < end <= len(text):
        return SpanRef(document=document, start=start, end=end, exact=quote)
    held = text[start:end]
    if quote is not None and held != quote:
        return SpanRef(document=document, start=start, end=end, exact=quote)
    return SpanRef(
        document=document,
        start=start,
        end=end,
        exact=held,
        prefix=text[max(0, start - CONTEXT_WIDTH) : start],
        suffix=text[end : end + CONTEXT_WIDTH],
    )
