"""A Claimdesk `jsonl` release: the zip (claims.jsonl, documents.jsonl) or its
claims.jsonl alone. Claims keep their kind, grading, topics and review; the
documents the zip carries are created in a project that lacks them."""

from .items import (
    ClaimItem,
    DocumentRef,
    EvidenceItem,
    IncludedDocument,
    ParsedFile,
    SpanRef,
    bad_file,
)
from .reading import is_zip, json_lines, pick_member, zip_members


def parse(data: bytes, name: str) -> ParsedFile:
    parsed = ParsedFile()
    if is_zip(data):
        members = zip_members(data)
        name, data = pick_member(members, ("claims.jsonl",), ())
        documents = [
            (n, d) for n, d in members.items() if n.rsplit("/", 1)[-1] == "documents.jsonl"
        ]
        for member, content in documents:
            for number, line in json_lines(content, member):
                _document(line, f"{member}, line {number}", parsed)
    for number, line in json_lines(data, name):
        _claim(line, f"{name}, line {number}", parsed)
    if not parsed.claims:
        raise bad_file("No claims found (expected a Claimdesk jsonl release).", where=name)
    return parsed


def _str(record: dict, name: str) -> str:
    value = record.get(name)
    return value if isinstance(value, str) else ""


def _document(line, where: str, parsed: ParsedFile) -> None:
    if not isinstance(line, dict) or not isinstance(line.get("text"), str) or "id" not in line:
        raise bad_file("a document needs `id` and `text`", where=where)
    source = line.get("source")
    parsed.documents[str(line["id"])] = IncludedDocument(
        key=str(line["id"]),
        text=line["text"],
        title=_str(line, "title") or f"Document {line['id']}",
        url=_str(line, "url"),
        doi=_str(line, "doi"),
        language=_str(line, "language"),
        authors=line.get("authors") if isinstance(line.get("authors"), list) else [],
        published_on=line.get("published_on")
        if isinstance(line.get("published_on"), str)
        else None,
        metadata=line.get("metadata") if isinstance(line.get("metadata"), dict) else {},
        source=source if isinstance(source, dict) and isinstance(source.get("name"), str) else None,
    )


def _span(passage, where: str, parsed: ParsedFile) -> SpanRef:
    if not isinstance(passage, dict) or not isinstance(passage.get("document"), dict):
        raise bad_file("a passage needs its `document`", where=where)
    document = passage["document"]
    key = str(document.get("id", ""))
    return SpanRef(
        document=DocumentRef(
            url=_str(document, "url"),
            doi=_str(document, "doi"),
            sha256=_str(document, "sha256"),
            title=_str(document, "title"),
            key=key if key in parsed.documents else "",
        ),
        start=passage.get("start") if isinstance(passage.get("start"), int) else None,
        end=passage.get("end") if isinstance(passage.get("end"), int) else None,
        exact=passage.get("exact") if isinstance(passage.get("exact"), str) else None,
        prefix=_str(passage, "prefix"),
        suffix=_str(passage, "suffix"),
    )


def _claim(line, where: str, parsed: ParsedFile) -> None:
    if not isinstance(line, dict) or not isinstance(line.get("id"), str):
        raise bad_file("a claim needs its `id`", where=where)
    review = line.get("review") if isinstance(line.get("review"), dict) else {}
    credibility = line.get("credibility")
    if credibility is not None and (not isinstance(credibility, int) or not 1 <= credibility <= 6):
        raise bad_file(f"credibility {credibility!r} is not 1–6", where=where)
    topics = line.get("topics") or []
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise bad_file("`topics` must be a list of names", where=where)
    parsed.claims.append(
        ClaimItem(
            ref=f"claim {line['id']}",
            key=line["id"],
            span=_span(line.get("passage"), where, parsed),
            label=_str(line, "kind") or "fact",
            statement=_str(line, "statement"),
            attributed_to=_str(line, "attributed_to"),
            credibility=credibility,
            topics=topics,
            status=_str(line, "status"),
            review_note=_str(review, "note"),
            reviewed_at=review.get("reviewed_at")
            if isinstance(review.get("reviewed_at"), str)
            else None,
            reviewer=_str(review, "reviewer"),
            author=_str(line, "author"),
        )
    )
    evidence = line.get("evidence") or []
    if not isinstance(evidence, list):
        raise bad_file("`evidence` must be a list", where=where)
    for link in evidence:
        if not isinstance(link, dict):
            raise bad_file("an evidence link is not an object", where=where)
        parsed.evidence.append(
            EvidenceItem(
                ref=f"evidence {_str(link, 'id') or '?'}",
                relation=_str(link, "stance") or "supports",
                claim_key=line["id"],
                span=_span(link.get("passage"), where, parsed),
                note=_str(link, "note"),
                author=_str(link, "author"),
            )
        )
