"""Text and metadata extraction for imported documents.

Pure functions over strings, standard library only, so they can be used from views,
management commands and benchmarks alike without touching Django.

Guiding principle for metadata: nothing is invented. A key is returned only when the
document states the value recognisably; anything doubtful is left out and the caller
falls back (for example to the file name for the title).
"""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from pathlib import PurePosixPath

__all__ = ["FORMATS", "extract_metadata", "format_for_path", "html_to_text"]

FORMATS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}

# Metadata in plain text is only looked for in the opening of a document; deeper down
# labels and dates usually belong to quoted or cited material.
FRONT_MATTER_CHARS = 4_000
# A DOI is distinctive enough to be taken from a little further in (scraped pages often
# put several KB of navigation before the article header).
DOI_SEARCH_CHARS = 20_000
# Bare date lines and "By ..." bylines only count when they sit in the header, i.e. among
# the first non-empty lines; further down they are prose or belong to quoted material.
HEADER_LINES = 15


def format_for_path(name: str) -> str | None:
    """Return the import format ("text", "markdown" or "html") for a file name, or None.

    Only the suffix matters and it is compared case-insensitively.
    """
    # Accept both separators: names may come from browsers running on Windows.
    basename = re.split(r"[/\\]", name.strip())[-1]
    return FORMATS.get(PurePosixPath(basename).suffix.lower())


# --------------------------------------------------------------------------- shared helpers

_DOI_CORE = r"10\.\d{4,9}/[-._;()/:A-Za-z0-9]+"  # Crossref's recommended pattern
_DOI_RE = re.compile(_DOI_CORE)
# Scraped text glues the next label onto a value ("...71964EDN: TSXDST"). DOIs and URLs
# practically never contain a capitalised word followed by a colon right after a
# lowercase letter or digit, so that is where the value is cut.
_GLUED_LABEL_RE = re.compile(r"(?<=[a-z0-9.)])[A-Z][A-Za-z]*:")
_WS_RE = re.compile(r"\s+")


def _collapse(value: str) -> str:
    return _WS_RE.sub(" ", value).strip()


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


_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
# Numeric dates are read year-first (ISO) or day-first, never month-first: a US-style
# "10/24/2024" then fails validation and is dropped instead of being misread.
_DATE_RE = re.compile(
    r"(?<!\d)(?:"
    r"(?P<iy>\d{4})(?P<isep>[-/.])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2})"
    r"|(?P<dd>\d{1,2})(?P<dsep>[-/.])(?P<dm>\d{1,2})(?P=dsep)(?P<dy>\d{4})"
    rf"|(?P<mname>{_MONTH})\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>\d{{4}})"
    rf"|(?P<nd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<nname>{_MONTH}),?\s+(?P<ny>\d{{4}})"
    r")(?!\d)",
    re.IGNORECASE,
)
_WEEKDAY_PREFIX_RE = re.compile(r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)


def _date_from_match(match: re.Match[str]) -> str | None:
    """Turn a _DATE_RE match into an ISO date, or None when the date does not exist."""
    groups = match.groupdict()
    try:
        if groups["iy"]:
            year, month, day = int(groups["iy"]), int(groups["im"]), int(groups["id"])
        elif groups["dy"]:
            year, month, day = int(groups["dy"]), int(groups["dm"]), int(groups["dd"])
        elif groups["my"]:
            year, day = int(groups["my"]), int(groups["md"])
            month = _MONTHS[groups["mname"][:3].lower()]
        else:
            year, day = int(groups["ny"]), int(groups["nd"])
            month = _MONTHS[groups["nname"][:3].lower()]
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        # 31-02-2024 and friends: ignore rather than guess.
        return None


def _date_at(text: str, pos: int = 0) -> str | None:
    """Parse a date that starts exactly at ``pos``."""
    match = _DATE_RE.match(text, pos)
    return _date_from_match(match) if match else None


def _standalone_date(line: str) -> str | None:
    """Parse a line that consists of a date and nothing else (an optional weekday allowed)."""
    line = line.strip().strip("*_").strip()
    weekday = _WEEKDAY_PREFIX_RE.match(line)
    if weekday:
        line = line[weekday.end() :]
    match = _DATE_RE.fullmatch(line)
    return _date_from_match(match) if match else None


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


# ------------------------------------------------------------------------------- HTML

# Elements whose content is never readable text.
_DROP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe"})
# Block elements that separate paragraphs (a blank line) ...
_PARAGRAPH_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "details",
        "dialog",
        "div",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
    }
)
# ... and elements that only start a new line.
_LINE_TAGS = frozenset({"li", "dt", "dd", "tr", "caption", "option", "summary", "legend"})
_CELL_TAGS = frozenset({"td", "th"})
_HEAD_TAGS = frozenset({"title", "meta", "link", "base", "script", "style", "noscript", "template"})
# Collapse ASCII whitespace and no-break spaces (from &nbsp;) but leave other Unicode
# spaces such as the ideographic space alone: CJK text must pass through untouched.
_HTML_WS_RE = re.compile(r"[ \t\n\r\f\v\u00a0]+")

_TITLE_META = ("og:title", "citation_title", "dc.title", "dcterms.title")
_AUTHOR_META = ("citation_author", "dc.creator", "dcterms.creator", "author")
_DATE_META = (
    "citation_publication_date",
    "article:published_time",
    "dc.date",
    "dcterms.date",
    "dc.date.issued",
    "dcterms.issued",
)
_DOI_META = ("citation_doi", "dc.identifier", "dcterms.identifier")


class _TextExtractor(HTMLParser):
    """Streams an HTML document into readable text and collects head metadata."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._pending_break = 0  # newlines owed before the next text: 0, 1 or 2
        self._trailing_newlines = 0  # newlines already at the end of self.parts
        self._last_space = False
        self._drop_depth = 0
        self._pre_depth = 0
        self._pre_fresh = False  # just opened <pre>: its first newline is not content
        self._in_head = False
        self._in_title = False
        self._h1_depth = 0
        self._h1_done = False
        self.title_parts: list[str] = []
        self.h1_parts: list[str] = []
        self.meta: dict[str, list[str]] = {}
        self.canonical: str | None = None
        self.lang: str | None = None
        self.time_datetime: str | None = None

    # -- output ------------------------------------------------------------------------

    def _request_break(self, newlines: int) -> None:
        self._pending_break = max(self._pending_break, newlines)

    def _flush_break(self) -> None:
        if not self.parts:
            # Never start the document with blank lines.
            self._pending_break = 0
            return
        if self._last_space:
            # A line never ends with the space that separated inline runs.
            self.parts[-1] = self.parts[-1].rstrip(" ")
            self._last_space = False
        missing = self._pending_break - self._trailing_newlines
        if missing > 0:
            self.parts.append("\n" * missing)
            self._trailing_newlines += missing
        self._pending_break = 0

    def _emit(self, text: str) -> None:
        """Add collapsed inline text."""
        if not text.strip(" "):
            # Whitespace between blocks or at a line start carries no meaning.
            if (
                self._pending_break
                or self._last_space
                or self._trailing_newlines
                or (not self.parts)
            ):
                return
            self.parts.append(" ")
            self._last_space = True
            return
        if self._pending_break:
            self._flush_break()
        if self._last_space or self._trailing_newlines or not self.parts:
            text = text.lstrip(" ")
        self.parts.append(text)
        self._last_space = text.endswith(" ")
        self._trailing_newlines = 0

    def _emit_raw(self, text: str) -> None:
        """Add preformatted text exactly as written."""
        if self._pending_break:
            self._flush_break()
        self.parts.append(text)
        self._last_space = False
        stripped = text.rstrip("\n")
        if stripped:
            self._trailing_newlines = len(text) - len(stripped)
        else:
            self._trailing_newlines += len(text)

    # -- parser callbacks --------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self._read_meta(attrs)
            return
        if tag == "link":
            self._read_link(attrs)
            return
        if tag == "html":
            lang = dict(attrs).get("lang")
            if lang and lang.strip() and self.lang is None:
                self.lang = lang.strip()
            return
        if tag in _DROP_TAGS:
            self._drop_depth += 1
            return
        if tag == "head":
            self._in_head = True
            return
        if self._in_head and tag not in _HEAD_TAGS:
            # Like browsers, end a never-closed <head> at the first body element.
            self._in_head = False
        if tag == "title":
            self._in_title = True
            return
        if self._drop_depth:
            return
        if tag == "time" and self.time_datetime is None:
            value = dict(attrs).get("datetime")
            if value and value.strip():
                self.time_datetime = value.strip()
        if tag == "br":
            self._pending_break = min(2, self._pending_break + 1)
        elif tag in _PARAGRAPH_TAGS:
            self._request_break(2)
        elif tag in _LINE_TAGS:
            self._request_break(1)
        elif tag in _CELL_TAGS:
            self._emit(" ")
        if tag == "pre":
            self._pre_depth += 1
            self._pre_fresh = True
        elif tag == "h1" and not self._h1_done:
            self._h1_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_TAGS:
            if self._drop_depth:
                self._drop_depth -= 1
            return
        if tag == "head":
            self._in_head = False
            return
        if tag == "title":
            self._in_title = False
            return
        if self._drop_depth:
            return
        if tag in _PARAGRAPH_TAGS:
            self._request_break(2)
        elif tag in _LINE_TAGS:
            self._request_break(1)
        if tag == "pre" and self._pre_depth:
            self._pre_depth -= 1
        elif tag == "h1" and self._h1_depth:
            self._h1_depth -= 1
            if not self._h1_depth and _collapse("".join(self.h1_parts)):
                self._h1_done = True

    def handle_data(self, data: str) -> None:
        if self._in_title and not self._drop_depth:
            self.title_parts.append(data)
            return
        if self._drop_depth or self._in_head:
            return
        if self._h1_depth:
            self.h1_parts.append(data)
        if self._pre_depth:
            if self._pre_fresh and data.startswith("\n"):
                # HTML ignores the newline right after <pre>.
                data = data[1:]
            self._pre_fresh = False
            if data:
                self._emit_raw(data)
            return
        self._emit(_HTML_WS_RE.sub(" ", data))

    # Comments, doctypes and processing instructions are ignored by not overriding
    # handle_comment / handle_decl / handle_pi.

    def _read_meta(self, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        content = values.get("content")
        if content is None or not content.strip():
            return
        for key_attr in ("name", "property"):
            key = values.get(key_attr)
            if key:
                self.meta.setdefault(key.strip().lower(), []).append(content.strip())

    def _read_link(self, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        rel = (values.get("rel") or "").lower().split()
        href = (values.get("href") or "").strip()
        if "canonical" in rel and href and self.canonical is None:
            self.canonical = href

    # -- results -----------------------------------------------------------------------

    def text(self) -> str:
        return "".join(self.parts).rstrip()

    def metadata(self) -> dict:
        meta: dict = {}
        title = self._first_meta(_TITLE_META)
        title = title or _collapse("".join(self.title_parts)) or _collapse("".join(self.h1_parts))
        if title:
            meta["title"] = title

        # Sources are alternatives, not complements: citation_author often reads
        # "Doe, Jane" while meta author reads "Jane Doe", so mixing them would duplicate.
        for key in _AUTHOR_META:
            names = [
                name
                for content in self.meta.get(key, [])
                for name in (content.split(";") if key != "citation_author" else [content])
            ]
            authors = _dedupe(names)
            if authors:
                meta["authors"] = authors
                break

        candidates = [v for key in _DATE_META for v in self.meta.get(key, [])]
        if self.time_datetime:
            candidates.append(self.time_datetime)
        for value in candidates:
            published = _date_at(value.strip())
            if published:
                meta["published_on"] = published
                break

        for key in _DOI_META:
            doi = next((d for v in self.meta.get(key, []) if (d := _doi_in(v))), None)
            if doi:
                meta["doi"] = doi
                break

        url = self.canonical or self._first_meta(("og:url",))
        if url:
            meta["url"] = url

        if self.lang:
            primary = self.lang.replace("_", "-").split("-")[0].strip().lower()
            if re.fullmatch(r"[a-z]{2,8}", primary):
                meta["language"] = primary
        return meta

    def _first_meta(self, keys: tuple[str, ...]) -> str | None:
        for key in keys:
            for value in self.meta.get(key, []):
                value = _collapse(value)
                if value:
                    return value
        return None


def html_to_text(html: str) -> tuple[str, dict]:
    """Return the readable text of an HTML page and the metadata found in it.

    Metadata keys (present only when found): title, authors, published_on, doi, url, language.
    """
    parser = _TextExtractor()
    try:
        parser.feed(html.replace("\r\n", "\n").replace("\r", "\n"))
        parser.close()
    except AssertionError:
        # html.parser signals a few hopeless constructs (e.g. bogus marked sections) this
        # way; keep whatever was read up to that point rather than failing the import.
        pass
    return parser.text(), parser.metadata()


# ------------------------------------------------------------------- text and markdown

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
        published = _date_at(value) if value else None
        if published:
            meta["published_on"] = published
            break
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


def _keyword_windows(front: str, keywords: tuple[str, ...], before: int = 24, after: int = 160):
    """(start, end) windows around each keyword occurrence, in text order, merged.

    The label regexes start with look-behinds, so scanning a whole 4,000-character
    front costs ~0.2 ms per document; running them only near a keyword (found with
    str.find, which is fast) makes bulk imports several times quicker.
    """
    lowered = front.lower()
    positions = []
    for keyword in keywords:
        at = lowered.find(keyword)
        while at != -1:
            positions.append(at)
            at = lowered.find(keyword, at + 1)
    windows: list[list[int]] = []
    for at in sorted(positions):
        start, end = max(0, at - before), min(len(front), at + after)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    return windows


def _labelled_published(front: str) -> str | None:
    for start, end in _keyword_windows(front, ("publi", "date")):
        for match in _PUBLISHED_LABEL_RE.finditer(front, start, end):
            published = _date_at(front, match.end())
            if published:
                return published
    return None


def _header_lines(front: str) -> list[str]:
    return [line for line in front.splitlines() if line.strip()][:HEADER_LINES]


def _standalone_published(front: str) -> str | None:
    for line in _header_lines(front):
        published = _standalone_date(line)
        if published:
            return published
    return None


def _header_byline(front: str) -> list[str]:
    for line in _header_lines(front):
        match = _BYLINE_RE.match(line)
        authors = _byline_authors(match.group("v").strip("*_ ")) if match else []
        if authors:
            return authors
    return []


def _labelled_url(front: str) -> str | None:
    matches = (
        match
        for start, _ in _keyword_windows(front, ("url",), after=0)
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

    Keys (only when found): title, authors, published_on, doi, url. "html" is read as plain
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

    if "title" not in meta:
        match = _TITLE_LABEL_RE.search(front)
        title = _collapse(match.group("v")).strip("*_ ") if match else ""
        if not title and fmt == "markdown":
            title = _first_markdown_heading(front) or ""
        if title:
            meta["title"] = title

    if "authors" not in meta:
        match = _AUTHOR_LABEL_RE.search(front)
        authors = _split_authors(match.group("v").strip("*_ ")) if match else []
        if not authors:
            authors = _header_byline(front)
        if authors:
            meta["authors"] = authors

    if "published_on" not in meta:
        published = _labelled_published(front) or _standalone_published(front)
        if published:
            meta["published_on"] = published

    if "doi" not in meta:
        for match in _DOI_LABELLED_RE.finditer(body[:DOI_SEARCH_CHARS]):
            doi = _clean_doi(match.group("doi"))
            if doi:
                meta["doi"] = doi
                break

    if "url" not in meta:
        url = _labelled_url(front)
        if url:
            meta["url"] = url
    return meta
