"""Regions of a text that are not the document itself: boilerplate and repeats.

Found at import and stored beside the text, which is never changed, so every offset stays
valid. Boilerplate: navigation, menus, share and rating widgets, polls, image file names,
"Print" / "Read in Russian" links (for HTML also every line outside the main text that
trafilatura found). Repeat: a block of lines that repeats an earlier block word for word
(a scraping artefact), pointing to the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BOILERPLATE = "boilerplate"
REPEAT = "repeat"

# Widget and menu lines are short; a longer line is prose even if it starts like one.
MAX_WIDGET_LINE = 60
# A repeated line shorter than this ("Abstract", "Introduction") is not worth a region.
MIN_REPEAT_LINE = 20
MIN_REPEAT_BLOCK = 40

_WIDGET_RE = re.compile(
    r"[|•·/\-–—\s]*"
    r"|(?:print(?:\s+version)?|share|share\s+this(?:\s+\w+)?|share\s+on\s+\w+|tweet|e-?mail"
    r"|rate\s+this(?:\s+\w+)?|read\s+(?:it\s+|this\s+)?in\s+\w+|читать\s+на\s+\w+"
    r"|skip\s+to(?:\s+main)?\s+content|menu|search|log\s*in|log\s*out|sign\s+(?:in|up)"
    r"|subscribe|back\s+to\s+top|home|library|your\s+profile|for\s+(?:business|researchers"
    r"|students|authors|reviewers|media)|poll\s+conducted|comments?|related(?:\s+\w+)?"
    r"|download(?:\s+pdf)?|cookie\s+settings|accept\s+cookies|previous|next)"
    r"[\s|•·:]*"
    r"|\(?\s*votes?\s*:\s*\d+.*\)?|\(\s*\d+\s+votes?\s*\)"
    r"|\S+\.(?:jpe?g|png|gif|webp|svg|bmp)",
    re.I,
)
# A poll: its question and answers are indented, its counts read "33 (31%)".
_POLL_START_RE = re.compile(r"poll(?:\s+conducted)?|vote|survey", re.I)
_VOTE_COUNT_RE = re.compile(r"\d+\s*\(\d+(?:[.,]\d+)?\s*%\)")


@dataclass(frozen=True)
class FoundRegion:
    start: int
    end: int
    kind: str
    original_start: int | None = None
    original_end: int | None = None


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, stripped text) of each non-blank line; end excludes the newline."""
    found = []
    position = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            # str.strip gives the line itself back when there is nothing to strip (most
            # lines): no second copy of a paragraph to measure its indent.
            lead = 0 if stripped is line else len(line) - len(line.lstrip())
            found.append((position + lead, position + lead + len(stripped), stripped))
        position += len(line) + 1
    return found


def _is_widget(line: str) -> bool:
    return len(line) <= MAX_WIDGET_LINE and _WIDGET_RE.fullmatch(line) is not None


def _boilerplate_lines(
    text: str, lines: list[tuple[int, int, str]], main_lines: set[str] | None
) -> list[bool]:
    flags = []
    in_poll = False
    for start, _end, line in lines:
        indented = start > 0 and text[start - 1] in " \t"
        if in_poll and (indented or _VOTE_COUNT_RE.fullmatch(line)):
            flags.append(True)
            continue
        in_poll = len(line) <= MAX_WIDGET_LINE and bool(_POLL_START_RE.fullmatch(line))
        outside_main = main_lines is not None and " ".join(line.split()) not in main_lines
        flags.append(in_poll or outside_main or _is_widget(line))
    return flags


def _merge(regions: list[FoundRegion], text: str) -> list[FoundRegion]:
    """Join regions of one kind that only whitespace separates (repeats: when their
    originals continue each other too)."""
    merged: list[FoundRegion] = []
    for region in regions:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.kind == region.kind
            and not text[last.end : region.start].strip()
            and (
                region.kind == BOILERPLATE
                or (
                    last.original_end is not None
                    and region.original_start is not None
                    and last.original_end <= region.original_start
                    and not text[last.original_end : region.original_start].strip()
                )
            )
        ):
            merged[-1] = FoundRegion(
                last.start, region.end, last.kind, last.original_start, region.original_end
            )
        else:
            merged.append(region)
    return merged


def detect_regions(text: str, main_lines: set[str] | None = None) -> list[FoundRegion]:
    """Boilerplate and repeated regions of ``text``, in order, not overlapping."""
    lines = _lines(text)
    boilerplate = _boilerplate_lines(text, lines, main_lines)
    found: list[FoundRegion] = []
    first_seen: dict[str, tuple[int, int]] = {}
    for (start, end, line), is_boilerplate in zip(lines, boilerplate, strict=True):
        if is_boilerplate:
            found.append(FoundRegion(start, end, BOILERPLATE))
            continue
        if len(line) < MIN_REPEAT_LINE:
            continue
        original = first_seen.get(line)
        if original is None:
            first_seen[line] = (start, end)
        else:
            found.append(FoundRegion(start, end, REPEAT, *original))
    return [
        region
        for region in _merge(found, text)
        if region.kind == BOILERPLATE or region.end - region.start >= MIN_REPEAT_BLOCK
    ]
