"""A document's annotations and its text in parts, as the workspace draws them."""

from django.db.models.functions import Substr

from ..models import Claim, Document, EvidenceLink, Passage


def document_annotations(document: Document) -> dict:
    """Every passage of the document with its claims and evidence, compactly, in
    three queries however many there are (no pagination)."""
    passages = Passage.objects.filter(document=document).order_by("start", "end")
    claims = (
        Claim.objects.filter(passage__document=document)
        .order_by("id")
        .values_list("id", "passage_id", "status", "kind", "statement", "credibility")
    )
    evidence = (
        EvidenceLink.objects.filter(passage__document=document)
        .order_by("id")
        .values_list("id", "passage_id", "stance", "claim_id", "claim__statement")
    )
    return {
        "document": document.pk,
        "passages": [
            {"id": pk, "start": start, "end": end}
            for pk, start, end in passages.values_list("id", "start", "end")
        ],
        "claims": [
            {
                "id": pk,
                "passage": passage,
                "status": status,
                "kind": kind,
                "statement": statement,
                "credibility": credibility,
            }
            for pk, passage, status, kind, statement, credibility in claims
        ],
        "evidence": [
            {
                "id": pk,
                "passage": passage,
                "stance": stance,
                "claim": claim,
                "claim_statement": statement,
            }
            for pk, passage, stance, claim, statement in evidence
        ],
    }


def document_text_part(document: Document, *, start: int, end: int | None) -> dict:
    """Code points [start, end) of the document's text (end clipped to its length), read
    by the database: a 20 MB text's opening travels without the rest (the workspace shows
    its first screen from it while the whole text loads)."""
    length = document.length
    end = length if end is None else min(end, length)
    start = min(start, end)
    text = ""
    if end > start:
        part = Substr("text", start + 1, end - start)
        rows = Document.objects.filter(pk=document.pk).annotate(part=part)
        text = rows.values_list("part", flat=True).get()
    return {"document": document.pk, "start": start, "end": end, "length": length, "text": text}
