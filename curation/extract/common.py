"""Helpers shared by the extractors: whitespace, DOIs, de-duplicated name lists."""

from __future__ import annotations

import itertools
import re

_DOI_CORE = r"10\.\d{4,9}/[-._;()/:A-Za-z0-9]+"  # Crossref's recommended pattern
_DOI_RE = re.compile(_DOI_CORE)
# Scraped text glues the next label onto a value ("...71964EDN: TSXDST"). DOIs and URLs
# practically never contain a capitalised word followed by a colon right after a
# lowercase letter or digit, so that is where the value is cut.
_GLUED_LABEL_RE = re.compile(r"(?<=[a-z0-9.)])[A-Z][A-Za-z]*:")
_WS_RE = re.compile(r"\s+")


def _collapse(value: str) -> str:
    return _WS_RE.sub(" ", value).strip()


def _nonblank_lines(text: str, limit: int) -> list[str]:
    """The first `limit` lines of the text that are not empty or whitespace only."""
    lines = (line for line in text.splitlines() if line and not line.isspace())
    return list(itertools.islice(lines, limit))


def _strip_trailing_punct(value: str) -> str:
    """Drop sentence punctuation after a DOI or URL, keeping balanced closing brackets."""
    while value:
        last = value[-1]
        if last in ".,;:!?'\"*_>":
            value = value[:-1]
        elif last in ")]}":
            opener = {")": "(", "]": "[", "}": "{"}[last]
            if value.count(opener) >= value.count(last):
                break
            value = value[:-1]
        else:
            break
    return value


def _cut_glued_label(value: str) -> str:
    match = _GLUED_LABEL_RE.search(value)
    return value[: match.start()] if match else value


def _clean_doi(raw: str) -> str | None:
    doi = _strip_trailing_punct(_cut_glued_label(raw))
    return doi if _DOI_RE.fullmatch(doi) else None


def _doi_in(value: str) -> str | None:
    """Return the first DOI inside a value that is known to be an identifier."""
    match = _DOI_RE.search(value)
    return _clean_doi(match.group(0)) if match else None


def _dedupe(names: list[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for name in names:
        name = _collapse(name)
        key = name.casefold()
        if name and key not in seen:
            seen.add(key)
            result.append(name)
    return result
