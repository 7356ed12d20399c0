"""Metadata that a kind of document states by where it puts it, not by a label.

Four layouts analysts meet again and again, each recognised only by its own shape so
that prose never matches by accident:

- a journal page's reference block ("Reference:" then authors, title, "// Journal.",
  "2024. No 10.");
- an open-access article's citation line ("Doe, Jane, and Roe, Rick. (2019), Title.
  In: *Journal*, Vol.2, ...");
- a blog's header ("Jane Doe's Blog", the post's title, its date);
- a think-tank brief's header (author names each followed by a short bio; a series
  title such as "Policy Brief #51 / 2024").
"""

from __future__ import annotations

import re

from .common import _dedupe, _nonblank_lines
from .dates import _standalone_date
from .names import _looks_like_name, _split_authors

# How far into the header these layouts are looked for (non-empty lines).
LAYOUT_LINES = 30
# How much of a line they read: the longest line a layout takes is a citation line
# (authors up to 300 characters, the year, a title and a container). Whole paragraphs
# collapsed cost a third of the metadata rules for every imported document.
LAYOUT_LINE_CHARS = 800

_REFERENCE_LABEL_RE = re.compile(
    r"(?:reference|for\s+citation|cite\s+as|how\s+to\s+cite(?:\s+this\s+article)?|citation)"
    r"[ \t]*:",
    re.I,
)
_YEAR_LINE_RE = re.compile(r"(?P<year>(?:1[89]|20)\d\d)\s*[.,]")
_CITATION_RE = re.compile(
    r"^[ \t>*_]*(?P<authors>[^()\n]{3,300}?)\.?[ \t]*\((?P<year>(?:1[89]|20)\d\d)[a-z]?\)"
    r"[.,:]?[ \t]+(?P<title>[^\n]+?[.?!])[ \t]+(?:In:?[ \t]+)?[*_]*"
    r"(?P<container>[^*_,\n]{3,200}?)[*_]*,"
)
_YEAR_IN_BRACKETS_RE = re.compile(r"\((?:1[89]|20)\d\d[a-z]?\)")
_BLOG_RE = re.compile(r"(?P<owner>.{3,80}?)['\u2019]s\s+blog", re.I)
_SERIES_TITLE_RE = re.compile(
    r"(?:policy\s+brief|working\s+paper|analytical\s+note|occasional\s+paper|issue\s+brief"
    r"|briefing\s+paper|discussion\s+paper|report)[ \t]*(?:no\.?|#|\u2116)?[ \t]*\d+"
    r"(?:[ \t]*/[ \t]*\d{4})?",
    re.I,
)
_BIO_RE = re.compile(
    r"\b(?:ph\.?\s?d|doctor|dr\.|professor|fellow|director|manager|researcher|analyst|head"
    r"|editor|expert|lecturer|scholar|journalist|student|chair|president|associate"
    r"|consultant|member|advisor|adviser|candidate|economist|scientist)\b",
    re.I,
)


def collapsed_lines(front: str, limit: int, width: int | None = None) -> list[str]:
    """The first `limit` non-empty lines, each with its whitespace collapsed (only its
    first `width` characters when given)."""
    # str.split, not a regex: this runs on every imported document (bench/import.py).
    return [" ".join(line[:width].split()) for line in _nonblank_lines(front, limit)]


def layout_metadata(front: str) -> dict:
    """Title, authors, published_on (maybe a year) and container that a layout states."""
    lines = collapsed_lines(front, LAYOUT_LINES, LAYOUT_LINE_CHARS)
    for reader in (_reference_block, _citation_line, _blog_header, _brief_header):
        found = reader(lines)
        if found:
            return found
    return {}


def _names(value: str) -> list[str]:
    authors = _split_authors(value)
    return authors if authors and all(_looks_like_name(a.replace(",", "")) for a in authors) else []


def _reference_block(lines: list[str]) -> dict:
    for index, line in enumerate(lines):
        if len(line) > 40 or ":" not in line or _REFERENCE_LABEL_RE.fullmatch(line) is None:
            continue
        block = lines[index + 1 : index + 7]
        meta: dict = {}
        rest = block
        if block:
            authors = _names(block[0])
            if authors:
                meta["authors"] = authors
                rest = block[1:]
        for item in rest:
            if item.startswith("//"):
                meta["container"] = item.lstrip("/ ").rstrip(". ")
            elif "title" not in meta and "container" not in meta:
                meta["title"] = item.rstrip(" .")
            elif "container" in meta and (year := _YEAR_LINE_RE.match(item)):
                meta["published_on"] = year.group("year")
                break
        # A block is only trusted whole: a title and where it appeared.
        return meta if "title" in meta and "container" in meta else {}
    return {}


def _inverted_names(value: str) -> list[str]:
    """ "Doe, Jane, and Roe, Rick" -> ["Jane Doe", "Rick Roe"]; [] when not that shape."""
    value = re.sub(r",?\s+(?:and|&)\s+", ", ", value.strip(" .,"))
    pieces = [piece.strip() for piece in value.split(",")]
    if len(pieces) < 2 or len(pieces) % 2:
        return []
    names = [f"{given} {surname}" for surname, given in zip(pieces[::2], pieces[1::2], strict=True)]
    return _dedupe(names) if all(_looks_like_name(name) for name in names) else []


def _citation_line(lines: list[str]) -> dict:
    for line in lines:
        # The year in brackets first (a cheap search) before the full pattern.
        if _YEAR_IN_BRACKETS_RE.search(line, 0, 330) is None:
            continue
        match = _CITATION_RE.match(line)
        if match is None:
            continue
        authors = _inverted_names(match.group("authors")) or _names(match.group("authors"))
        if not authors:
            continue
        return {
            "title": match.group("title").rstrip(" ."),
            "authors": authors,
            "published_on": match.group("year"),
            "container": match.group("container").strip(),
        }
    return {}


def _blog_header(lines: list[str]) -> dict:
    if len(lines) < 3:
        return {}
    blog = _BLOG_RE.fullmatch(lines[0]) if len(lines[0]) <= 100 else None
    if blog is None:
        return {}
    meta: dict = {"container": lines[0]}
    owner = blog.group("owner").strip()
    if _looks_like_name(owner):
        meta["authors"] = [owner]
    # The post's title sits between the blog's name and the post's date.
    for index in (2, 3):
        if index < len(lines) and _standalone_date(lines[index]):
            title = lines[index - 1]
            if len(title) <= 250:
                meta["title"] = title
            break
    return meta


def _brief_header(lines: list[str]) -> dict:
    meta: dict = {}
    authors = []
    for index, line in enumerate(lines):
        if len(line) > 80:
            continue  # neither a name nor a series title
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if (
            _looks_like_name(line)
            and len(line.split()) <= 4
            and len(following) <= 300
            and _BIO_RE.search(following)
            and not _looks_like_name(following)
        ):
            authors.append(line)
        if "title" not in meta and _SERIES_TITLE_RE.fullmatch(line):
            meta["title"] = line
    if authors:
        meta["authors"] = _dedupe(authors)
    return meta
