"""HTML read with trafilatura: the main text (what is not navigation, menus or widgets)
and the metadata a page states in its markup (author, site name, title).

The text Claimdesk stores stays the whole readable text (html.html_to_text): nothing is
dropped, so offsets stay meaningful; trafilatura's main text only tells which lines are
the article, so that the rest can be marked as boilerplate regions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .common import _collapse, _dedupe
from .html import html_to_text
from .plain import extract_metadata


@dataclass
class HtmlReading:
    text: str
    metadata: dict
    # Lines (whitespace collapsed) that trafilatura judged to be the main text; None when
    # it found none (then no line is called boilerplate on its word).
    main_lines: set[str] | None = field(default=None)


def read_html(html: str) -> HtmlReading:
    """The page's whole readable text, its metadata and its main-text lines."""
    text, meta = html_to_text(html)
    main = _main(html)
    if main is not None:
        # <meta> tags win (they name the fields); trafilatura fills what they leave out.
        # Its date is never used: it dates a page from "© 2024" as 2024-01-01.
        title = _collapse(main.title or "")
        # "<title>Post - Site</title>": trafilatura's title is the post's alone.
        if title and ("title" not in meta or meta["title"].startswith(title)):
            meta["title"] = title
        if main.author and "authors" not in meta:
            authors = _dedupe([name for name in main.author.split(";") if name.strip()])
            if authors:
                meta["authors"] = authors
        if main.sitename and "container" not in meta:
            meta["container"] = _collapse(main.sitename)
    # What the text itself states (a citation line, a reference block) fills the rest.
    for key, value in extract_metadata(text, "text").items():
        meta.setdefault(key, value)
    lines = None
    if main is not None and main.text:
        lines = {_collapse(line) for line in main.text.splitlines() if line.strip()}
        if main.title:
            lines.add(_collapse(main.title))
    return HtmlReading(text=text, metadata=meta, main_lines=lines)


def _main(html: str):
    import trafilatura  # Heavy (lxml, htmldate): loaded when a page first needs it.

    try:
        return trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=True, fast=True
        )
    except Exception:  # A page trafilatura cannot read still imports, unmarked.
        return None
