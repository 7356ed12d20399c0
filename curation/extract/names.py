"""Author names: splitting lists, telling a name from prose, bylines."""

from __future__ import annotations

import re

from .common import _collapse, _dedupe

_AUTHOR_SPLIT_RE = re.compile(r"\s*(?:[,;&]|\band\b)\s*", re.I)
_AUTHOR_SPLIT_SEMICOLON_RE = re.compile(r"\s*(?:[;&]|\band\b)\s*", re.I)
_INITIALS_RE = re.compile(r"(?:[A-Z]\.?\s*){1,3}")
_SENTENCE_END_RE = re.compile(r"(?<=[^\W\d_]{2})\.$")
_NAME_PARTICLES = frozenset(
    {
        "van",
        "von",
        "de",
        "der",
        "den",
        "da",
        "di",
        "du",
        "del",
        "della",
        "la",
        "le",
        "bin",
        "ibn",
        "al",
        "el",
        "dos",
        "das",
        "y",
    }
)


def _split_authors(value: str) -> list[str]:
    """Split an author list on commas, semicolons, '&' and 'and'.

    With semicolons present, commas are taken to be inside "Doe, Jane" names. A part that
    is only initials ("Lin, M.") is glued back onto the surname before it.
    """
    value = _collapse(value).strip(" ,;")
    if ";" in value:
        parts = _AUTHOR_SPLIT_SEMICOLON_RE.split(value)
    else:
        parts = []
        for part in _AUTHOR_SPLIT_RE.split(value):
            if parts and _INITIALS_RE.fullmatch(part):
                parts[-1] = f"{parts[-1]}, {part}"
            else:
                parts.append(part)
    # A full stop after a word ("Jane Doe.") ends the line; after an initial it belongs.
    parts = [_SENTENCE_END_RE.sub("", p.strip(" ,;")) for p in parts]
    return _dedupe([p for p in parts if any(ch.isalpha() for ch in p)])


def _looks_like_name(name: str) -> bool:
    """True for "Jane Doe", "J. R. Smith", "Ludwig van Beethoven"; False for prose."""
    tokens = name.split()
    if not 2 <= len(tokens) <= 6:
        return False
    for index, token in enumerate(tokens):
        if index and token.lower() in _NAME_PARTICLES:
            continue
        if not token[0].isupper():
            return False
        if not all(ch.isalpha() or ch in ".-'\u2019" for ch in token):
            return False
    return True


def _byline_authors(value: str) -> list[str]:
    # Bylines often continue with a date or section after a separator: "By Jane Doe | May 2".
    value = re.split("\\s+[|\u2022\u00b7\u2014\u2013-]\\s+|\\s*\\|\\s*", value)[0]
    if len(value) > 150:
        return []
    authors = _split_authors(value)
    # A line starting with "By" is often prose ("By the end of 2020 ..."); accept it only
    # when every part looks like a personal name.
    if authors and all(_looks_like_name(a) for a in authors):
        return authors
    return []
