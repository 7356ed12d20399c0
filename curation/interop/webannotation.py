"""W3C Web Annotation JSON-LD, Hypothesis's exports included.

Accepts an Annotation, a list of them, an AnnotationPage, an
AnnotationCollection with embedded pages (Claimdesk's `webannotation`
release, zipped or not), and Hypothesis's JSON (`{"annotations": [...]}` from
its export, `{"rows": [...]}` from its search API). Targets are read through
their TextQuoteSelector and/or TextPositionSelector; `linking` annotations
whose body names another annotation of the file are that annotation's evidence.
"""

import re

from .items import ClaimItem, DocumentRef, EvidenceItem, ParsedFile, SpanRef, bad_file
from .reading import is_zip, load_json, pick_member, zip_members

MAX_PAGES = 10_000
_GRADE = re.compile(r"^[A-F]([1-6])$")
_DOI_URL = re.compile(r"^https?://(dx\.)?doi\.org/", re.IGNORECASE)


def parse(data: bytes, name: str) -> ParsedFile:
    if is_zip(data):
        name, data = pick_member(zip_members(data), ("annotations.jsonld",), (".jsonld", ".json"))
    annotations = _annotations(load_json(data, name), name)
    parsed = ParsedFile()
    for index, annotation in enumerate(annotations, start=1):
        if not isinstance(annotation, dict):
            raise bad_file("an annotation is not a JSON object", where=f"{name}, item {index}")
        _read(annotation, index, parsed)
    return parsed


def _types(node: dict) -> set[str]:
    value = node.get("type", node.get("@type", []))
    return {value} if isinstance(value, str) else {v for v in value if isinstance(v, str)}


def _annotations(document, name: str) -> list:
    if isinstance(document, list):
        items = []
        for node in document:
            items.extend(_annotations(node, name) if _is_container(node) else [node])
        return items
    if not isinstance(document, dict):
        raise bad_file("expected an annotation, a page, a collection or a list", where=name)
    for key in ("annotations", "rows"):  # Hypothesis export / search API
        if isinstance(document.get(key), list):
            return document[key]
    types = _types(document)
    if "AnnotationPage" in types:
        return _page_items(document, name)
    if "AnnotationCollection" in types:
        page, items, seen = document.get("first"), [], 0
        while page is not None:
            if not isinstance(page, dict):
                raise bad_file("the collection's pages are not embedded in the file", where=name)
            items.extend(_page_items(page, name))
            page, seen = page.get("next"), seen + 1
            if seen > MAX_PAGES:
                raise bad_file("too many pages", where=name)
        return items
    if "Annotation" in types or "target" in document:
        return [document]
    raise bad_file("no annotations found (expected W3C Web Annotation JSON-LD)", where=name)


def _is_container(node) -> bool:
    return isinstance(node, dict) and bool(
        _types(node) & {"AnnotationPage", "AnnotationCollection"}
    )


def _page_items(page: dict, name: str) -> list:
    items = page.get("items", [])
    if not isinstance(items, list):
        raise bad_file("a page's items are not a list", where=name)
    return items


def _list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def document_ref(source: str, title: str = "") -> DocumentRef:
    if source.startswith("urn:sha256:"):
        return DocumentRef(sha256=source.removeprefix("urn:sha256:").lower(), title=title)
    if source.lower().startswith("doi:"):
        return DocumentRef(doi=source[4:], title=title)
    if _DOI_URL.match(source):
        return DocumentRef(doi=_DOI_URL.sub("", source), url=source, title=title)
    return DocumentRef(url=source, title=title)


def _span(target, annotation: dict) -> tuple[SpanRef | None, str]:
    """The span a target selects, or why there is none."""
    targets = [t for t in _list(target) if isinstance(t, dict | str)]
    if not targets:
        return None, "no target"
    chosen = next((t for t in targets if isinstance(t, dict) and t.get("selector")), targets[0])
    if isinstance(chosen, str) or not chosen.get("selector"):
        return None, "no passage selected (a note on the whole document)"
    source = _text(chosen.get("source")) or _text(chosen.get("id")) or _text(annotation.get("uri"))
    document = annotation.get("document")
    titles = _list(document.get("title")) if isinstance(document, dict) else []
    ref = document_ref(source, _text(titles[0]) if titles else "")
    span = SpanRef(document=ref)
    found = False
    for selector in _list(chosen.get("selector")):
        if not isinstance(selector, dict):
            continue
        types = _types(selector)
        if "TextQuoteSelector" in types and isinstance(selector.get("exact"), str):
            span.exact = selector["exact"]
            span.prefix, span.suffix = _text(selector.get("prefix")), _text(selector.get("suffix"))
            found = True
        elif "TextPositionSelector" in types:
            start, end = selector.get("start"), selector.get("end")
            if all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (start, end)):
                span.start, span.end = start, end
                found = True
    if not found:
        return None, "no TextQuoteSelector or TextPositionSelector"
    return span, ""


def _bodies(annotation: dict) -> list[dict | str]:
    bodies = _list(annotation.get("body"))
    if isinstance(annotation.get("bodyValue"), str):
        bodies.append({"type": "TextualBody", "value": annotation["bodyValue"]})
    if isinstance(annotation.get("text"), str) and annotation["text"].strip():  # Hypothesis
        bodies.append({"type": "TextualBody", "value": annotation["text"], "purpose": "commenting"})
    bodies += [{"value": tag, "purpose": "tagging"} for tag in _list(annotation.get("tags"))]
    return bodies


def _author(annotation: dict) -> str:
    creator = annotation.get("creator")
    if isinstance(creator, dict):
        return _text(creator.get("nickname")) or _text(creator.get("name"))
    user = _text(annotation.get("user"))  # Hypothesis: acct:name@hypothes.is
    return user.removeprefix("acct:").split("@", 1)[0]


def _read(annotation: dict, index: int, parsed: ParsedFile) -> None:
    key = _text(annotation.get("id")) or _text(annotation.get("@id")) or f"item {index}"
    ref = f"annotation {key}" if key != f"item {index}" else key
    motivations = [m for m in _list(annotation.get("motivation")) if isinstance(m, str)]
    span, why = _span(annotation.get("target"), annotation)
    bodies = _bodies(annotation)
    references = [
        body if isinstance(body, str) else body.get("id")
        for body in bodies
        if isinstance(body, str) or (isinstance(body, dict) and "value" not in body)
    ]
    references = [r for r in references if isinstance(r, str) and r]
    values = {}
    for body in bodies:
        if isinstance(body, dict) and isinstance(body.get("value"), str):
            purpose = next(iter(_list(body.get("purpose"))), "")
            values.setdefault(purpose if isinstance(purpose, str) else "", []).append(body["value"])
    classified = {}
    for value in values.get("classifying", []):
        name, _, rest = value.partition(": ")
        classified[name.strip().lower()] = rest.strip() if rest else value.strip()
    comments = values.get("commenting", []) + values.get("", [])
    if "linking" in motivations and references:
        parsed.evidence.append(
            EvidenceItem(
                ref=ref,
                relation=next(iter(values.get("classifying", [])), "linking"),
                claim_key=references[0],
                span=span,
                note="\n\n".join(comments),
                author=_author(annotation),
                skip_reason=why,
            )
        )
        return
    grade = next((_GRADE.match(v) for v in values.get("assessing", []) if _GRADE.match(v)), None)
    skip, outcome = why, "not_anchored"
    if _list(annotation.get("references")):
        skip, outcome = "a reply to another annotation, not an annotation of the text", "skipped"
    parsed.claims.append(
        ClaimItem(
            ref=ref,
            key=key,
            span=span or SpanRef(DocumentRef()),
            label=classified.get("kind") or (motivations[0] if motivations else "annotation"),
            statement=next(iter(values.get("describing", [])), "") or "\n\n".join(comments),
            attributed_to=classified.get("attributed to", ""),
            credibility=int(grade.group(1)) if grade else None,
            topics=[t for t in values.get("tagging", []) if t.strip()],
            status=classified.get("status", ""),
            author=_author(annotation),
            skip_reason=skip,
            skip_outcome=outcome,
        )
    )
