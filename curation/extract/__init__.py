"""Text and metadata extraction for imported documents.

Pure functions over strings, standard library only, so they can be used from views,
management commands and benchmarks alike without touching Django.

Guiding principle for metadata: nothing is invented. A key is returned only when the
document states the value recognisably; anything doubtful is left out and the caller
falls back (for example to the file name for the title).
"""

import re
from pathlib import PurePosixPath

from .html import html_to_text
from .plain import extract_metadata

__all__ = ["FORMATS", "extract_metadata", "format_for_path", "html_to_text"]

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
    basename = re.split(r"[/\\]", name.strip())[-1]
    return FORMATS.get(PurePosixPath(basename).suffix.lower())
