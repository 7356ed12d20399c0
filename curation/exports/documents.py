"""The documents a release cites, read after its rows: for the formats that ship
their text (jsonl's documents.jsonl, fever's pages.jsonl).

Writers collect document ids while the rows stream by; the documents are then
read in id order, a batch at a time, so a release of many documents never holds
more than one batch of texts in memory. The reads run in the cut's transaction:
they see the snapshot the rows came from.
"""

from collections.abc import Iterable, Iterator

from ..models import Document

BATCH = 200


def release_documents(ids: Iterable[int], *, batch: int = BATCH) -> Iterator[Document]:
    """The documents with these ids, in id order, with their source."""
    ordered = sorted(set(ids))
    for offset in range(0, len(ordered), batch):
        chunk = ordered[offset : offset + batch]
        yield from (Document.objects.filter(pk__in=chunk).select_related("source").order_by("pk"))


def document_json(document: Document) -> dict:
    """A document as documents.jsonl writes it: enough to check every offset
    offline, and to recreate the document elsewhere."""
    source = document.source
    return {
        "id": document.pk,
        "title": document.title,
        "url": document.url,
        "doi": document.doi,
        "language": document.language,
        "authors": document.authors,
        "published_on": document.published_on.isoformat() if document.published_on else None,
        "metadata": document.metadata,
        "source": None
        if source is None
        else {
            "name": source.name,
            "kind": source.kind,
            "url": source.url,
            "reliability": source.reliability,
        },
        "sha256": document.sha256,
        "length": document.length,
        "text": document.text,
    }
