"""HTML to readable text (every block kept, so nothing is lost) and head metadata."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .common import _collapse, _dedupe, _doi_in
from .dates import _partial_date

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
        # A full day from any tag wins over a tag that states only a year or a month.
        found = [date for value in candidates if (date := _partial_date(value.strip()))]
        if found:
            meta["published_on"] = max(found, key=len)

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
