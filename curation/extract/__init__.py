"""Text and metadata extraction for imported documents.

Pure functions over strings, no Django, so they can be used from views, management
commands and benchmarks alike. Modules by concern: plain (text and Markdown), layouts
(where kinds of documents put their metadata), html (the readable text), html_main
(trafilatura's main text and metadata), dates, names, language, regions.

Guiding principle for metadata: nothing is invented. A key is returned only when the
document states the value recognisably; anything doubtful is left out and the caller
falls back (for example to the file name for the title).
"""

from .html import html_to_text
from .html_main import HtmlReading, read_html
from .language import detect_language
from .plain import extract_metadata

__all__ = [
    "FORMATS",
    "HtmlReading",
    "detect_language",
    "extract_metadata",
    "format_for_path",
    "html_to_text",
    "read_html",
]

FORMATS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}


def format_for_path(name: str) -> str | None:
    """Return the import format ("text", "markdown" or "html") for a file name, or None.

    Only the suffix matters and it is compared case-insensitively.
    """
    # Accept both separators: names may come from browsers running on Windows.
    basename = name.strip().replace("\\", "/").rpartition("/")[2]
    # The suffix as PurePosixPath.suffix reads it (".bashrc" and "notes." have none),
    # by string operations: this runs once per imported file.
    dot = basename.rfind(".")
    suffix = basename[dot:] if 0 < dot < len(basename) - 1 else ""
    return FORMATS.get(suffix.lower())
