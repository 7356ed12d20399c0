"""Metadata that plain text and Markdown state: front matter, labels, header lines."""

from __future__ import annotations

import re

from .common import (
    _DOI_CORE,
    _clean_doi,
    _collapse,
    _cut_glued_label,
    _dedupe,
    _doi_in,
    _nonblank_lines,
    _strip_trailing_punct,
)
from .dates import _date_at, _partial_date, _standalone_date
from .layouts import layout_metadata
from .names import _byline_authors, _split_authors

# Metadata in plain text is only looked for in the opening of a document; deeper down
# labels and dates usually belong to quoted or cited material.
FRONT_MATTER_CHARS = 4_000
# A DOI is distinctive enough to be taken from a little further in (scraped pages often
# put several KB of navigation before the article header).
DOI_SEARCH_CHARS = 20_000
# Bare date lines and "By ..." bylines only count when they sit in the header, i.e. among
# the first non-empty lines; further down they are prose or belong to quoted material.
HEADER_LINES = 15


_DOI_LABELLED_RE = re.compile(
    r"(?:(?<![A-Za-z])doi(?:\.org/|[\s:*_=]*(?:(?:https?://)?(?:dx\.)?doi\.org/)?))"
    rf"(?P<doi>{_DOI_CORE})",
    re.IGNORECASE,
)
# Labels only count at the start of a line, optionally after markdown emphasis/quote marks.
_LINE_START = r"^[ \t>*_]*"
_LABEL_END = r"[*_]*[ \t]*:[*_]*[ \t]*"
_TITLE_LABEL_RE = re.compile(_LINE_START + r"title" + _LABEL_END + r"(?P<v>.+)$", re.I | re.M)
_AUTHOR_LABEL_RE = re.compile(
    _LINE_START + r"(?:authors?|written\s+by)" + _LABEL_END + r"(?P<v>.+)$", re.I | re.M
)
_BYLINE_RE = re.compile(_LINE_START + r"by[ \t]+(?P<v>.+)$", re.I | re.M)
# Publication-date labels may appear anywhere in the front matter because scrapers glue
# them together ("Received: 13-10-2024Published: 24-10-2024Abstract: ..."). The bare
# word "Date:" is only trusted at a line start or right after a non-letter, so that
# "Received date:" or "Access date:" do not count.
_PUBLISHED_LABEL_RE = re.compile(
    r"(?:"
    # "Published", "Published on", "Published online", "Date published": colon optional.
    r"(?<![A-Za-z])(?:published(?:[ \t]+(?:online|on)\b)?|date[ \t]+published)[*_]*[ \t]*:?"
    # "Publication date:" and "Date of publication:" need their colon.
    r"|(?<![A-Za-z])(?:publication[ \t]+date|date[ \t]+of[ \t]+publication)[*_]*[ \t]*:"
    # Bare "Date:" at a line start or glued after a non-letter.
    r"|(?:^|(?<=[^\sA-Za-z])|(?<=[^\sA-Za-z] ))[ \t>*_]*date[*_]*[ \t]*:"
    r")[*_]*[ \t]*",
    re.I | re.M,
)
# After a label's word: markup, blanks, then the colon.
_COLON_AFTER_RE = re.compile(r"[*_ \t]*:")
_URL_LABEL_RE = re.compile(
    r"(?<![A-Za-z])(?:(?P<prefix>[A-Za-z]+)[ \t]+)?url"
    + _LABEL_END
    + r"<?(?P<url>https?://[^\s<>\"'`]+)",
    re.I,
)
# "Image URL:" and the like label something other than the document itself.
_URL_LABEL_DENY = frozenset(
    {
        "image",
        "img",
        "photo",
        "picture",
        "video",
        "logo",
        "icon",
        "avatar",
        "thumbnail",
        "cover",
        "feed",
        "rss",
        "pdf",
        "download",
        "file",
    }
)
_FRONT_MATTER_RE = re.compile(
    r"\A\ufeff?[ \t]*---[ \t]*\n(?P<body>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S
)
_MD_HEADING_RE = re.compile(r"^[ ]{0,3}#[ \t]+(?P<v>.+?)(?:[ \t]+#+)?[ \t]*$")
_FENCE_RE = re.compile(r"^[ ]{0,3}(?:```|~~~)")


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value.strip()


def _parse_front_matter(body: str) -> dict[str, str | list[str]]:
    """Read the simple key: value / key: [a, b] / '- item' lists of YAML front matter."""
    data: dict[str, str | list[str]] = {}
    current: str | None = None
    for line in body.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = re.match(r"^\s+-\s+(.*)$", line) or re.match(r"^-\s+(.*)$", line)
        if item and current is not None:
            existing = data.get(current)
            items = existing if isinstance(existing, list) else []
            items.append(_unquote(item.group(1)))
            data[current] = items
            continue
        pair = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", line)
        if not pair:
            current = None
            continue
        key, value = pair.group(1).lower(), pair.group(2).strip()
        current = key
        if value.startswith("[") and value.endswith("]"):
            data[key] = [_unquote(v) for v in value[1:-1].split(",") if _unquote(v)]
        elif value and not re.fullmatch(r"[|>][-+]?", value):
            # Block scalars ("title: >") are not supported; better no value than ">".
            data[key] = _unquote(value)
    return data


def _front_matter_metadata(fields: dict[str, str | list[str]]) -> dict:
    meta: dict = {}

    def text_field(*keys: str) -> str | None:
        for key in keys:
            value = fields.get(key)
            if isinstance(value, list):
                value = value[0] if value else None
            if value:
                return _collapse(value)
        return None

    title = text_field("title")
    if title:
        meta["title"] = title
    for key in ("authors", "author"):
        value = fields.get(key)
        if isinstance(value, list):
            # One entry per author already; do not split "Doe, Jane".
            authors = _dedupe([v for v in value if v])
        elif value:
            authors = _split_authors(value)
        else:
            continue
        if authors:
            meta["authors"] = authors
            break
    for key in ("date", "published", "published_on", "publication_date", "pubdate"):
        value = text_field(key)
        published = _partial_date(value) if value else None
        if published:
            meta["published_on"] = published
            break
    container = text_field("container", "journal", "publication", "blog", "site_name", "publisher")
    if container:
        meta["container"] = container
    doi_value = text_field("doi")
    doi = _doi_in(doi_value) if doi_value else None
    if doi:
        meta["doi"] = doi
    url = text_field("url", "source_url", "canonical_url")
    if url and re.fullmatch(r"https?://\S+", url):
        meta["url"] = url
    return meta


def _first_markdown_heading(text: str) -> str | None:
    in_fence = False
    for line in text.splitlines():
        if _FENCE_RE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        match = _MD_HEADING_RE.match(line)
        if match:
            return _collapse(match.group("v")) or None
    return None


def _keyword_windows(
    lowered: str,
    keywords: tuple[str, ...],
    before: int = 24,
    after: int = 160,
    colon_after: tuple[str, ...] = (),
) -> list[list[int]]:
    """(start, end) windows around each keyword occurrence in the lower-cased front, in
    text order, merged; a keyword in `colon_after` counts only where a colon follows it
    (markup and blanks between allowed), as every label made of it has one.

    The label regexes start with look-behinds, so scanning a whole 4,000-character
    front costs ~0.2 ms per document; running them only near a keyword (found with
    str.find, which is fast) makes bulk imports several times quicker.
    """
    positions = []
    for keyword in keywords:
        needs_colon = keyword in colon_after
        at = lowered.find(keyword)
        while at != -1:
            if not needs_colon or _COLON_AFTER_RE.match(lowered, at + len(keyword)):
                positions.append(at)
            at = lowered.find(keyword, at + 1)
    windows: list[list[int]] = []
    for at in sorted(positions):
        start, end = max(0, at - before), min(len(lowered), at + after)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    return windows


def _labelled_published(front: str, lowered: str) -> str | None:
    # "published", "publication", "date": not "publi", which every "Republic" and
    # "public" in the opening would wake. Only "published" is a label without a colon
    # ("Publication date:", "Date of publication:", "Date:" all have one), so prose such
    # as "to date," or "date of access" wakes no pattern.
    windows = _keyword_windows(
        lowered, ("published", "publication", "date"), colon_after=("publication", "date")
    )
    for start, end in windows:
        for match in _PUBLISHED_LABEL_RE.finditer(front, start, end):
            published = _date_at(front, match.end()) or _partial_date(
                front[match.end() : match.end() + 20]
            )
            if published:
                return published
    return None


def _standalone_published(header: list[str]) -> str | None:
    for line in header:
        published = _standalone_date(line)
        if published:
            return published
    return None


def _header_byline(header: list[str]) -> list[str]:
    for line in header:
        match = _BYLINE_RE.match(line)
        authors = _byline_authors(match.group("v").strip("*_ ")) if match else []
        if authors:
            return authors
    return []


def _labelled_url(front: str, lowered: str) -> str | None:
    matches = (
        match
        for start, _ in _keyword_windows(lowered, ("url",), after=0)
        # The URL itself may be long: only the label start is bounded by the window.
        for match in [_URL_LABEL_RE.search(front, start)]
        if match is not None and match.start() < start + 48
    )
    for match in matches:
        prefix = (match.group("prefix") or "").lower()
        if prefix in _URL_LABEL_DENY:
            continue
        url = _strip_trailing_punct(_cut_glued_label(match.group("url")))
        if re.fullmatch(r"https?://[^/\s]+\S*", url):
            return url
    return None


def extract_metadata(text: str, fmt: str) -> dict:
    """Return metadata a plain-text ("text") or Markdown ("markdown") document states.

    Keys (only when found): title, authors, published_on (a day, or "YYYY-MM" / "YYYY" when
    the text states no more), container, doi, url. "html" is read as plain
    text (for text already converted by html_to_text); other formats raise ValueError.
    """
    if fmt not in ("text", "markdown", "html"):
        raise ValueError(f"unsupported format: {fmt!r}")
    meta: dict = {}
    body = text
    if fmt == "markdown":
        front_matter = _FRONT_MATTER_RE.match(text[:DOI_SEARCH_CHARS])
        if front_matter:
            meta = _front_matter_metadata(_parse_front_matter(front_matter.group("body")))
            body = text[front_matter.end() :]
    front = body[:FRONT_MATTER_CHARS]
    # Each label regex runs only where its word occurs (str.find is much cheaper).
    lowered = front.lower()
    header = _nonblank_lines(front, HEADER_LINES)

    layout = layout_metadata(front)
    if "title" not in meta:
        match = _TITLE_LABEL_RE.search(front) if "title" in lowered else None
        title = _collapse(match.group("v")).strip("*_ ") if match else ""
        title = title or layout.get("title", "")
        if not title and fmt == "markdown":
            title = _first_markdown_heading(front) or ""
        if title:
            meta["title"] = title

    if "authors" not in meta:
        has_label = "author" in lowered or "written" in lowered
        match = _AUTHOR_LABEL_RE.search(front) if has_label else None
        authors = _split_authors(match.group("v").strip("*_ ")) if match else []
        authors = authors or layout.get("authors") or _header_byline(header)
        if authors:
            meta["authors"] = authors

    if "published_on" not in meta:
        published = (
            _labelled_published(front, lowered)
            or _standalone_published(header)
            or layout.get("published_on")
        )
        if published:
            meta["published_on"] = published

    if "container" not in meta and layout.get("container"):
        meta["container"] = layout["container"]

    if "doi" not in meta:
        for match in _DOI_LABELLED_RE.finditer(body[:DOI_SEARCH_CHARS]):
            doi = _clean_doi(match.group("doi"))
            if doi:
                meta["doi"] = doi
                break

    if "url" not in meta:
        url = _labelled_url(front, lowered)
        if url:
            meta["url"] = url
    return meta
