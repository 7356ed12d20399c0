"""Sentence lines of a document, for formats that cite text by line (FEVER).

The rule is simple and stated in the FEVER README: a line ends at a newline,
after `.`, `!`, `?` or `…` (and any closing quotes or brackets) followed by
white space, and after `。`, `！` or `？` (CJK text puts no space after them).
White space around a line is not part of it; empty lines are dropped. It
splits after an abbreviation such as "Dr." too: a line is a unit of citation
here, not a linguist's sentence.
"""

import re
from bisect import bisect_right

_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)|[。！？]+[”’」』）)]*|\n")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of `text`, in order, in code points."""
    spans = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.start() if match.group() == "\n" else match.end()
        _add(text, start, end, spans)
        start = match.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


class Lines:
    """A document's lines, and which of them a span covers."""

    def __init__(self, text: str):
        self.spans = sentence_spans(text)
        self._starts = [start for start, _ in self.spans]

    def covering(self, start: int, end: int) -> list[int]:
        """The numbers of the lines that [start, end) overlaps; for a span of
        white space between two lines, the line before it (or the first)."""
        if not self.spans:
            return []
        first = max(0, bisect_right(self._starts, start) - 1)
        found = []
        number = first
        while number < len(self.spans) and self.spans[number][0] < end:
            if self.spans[number][1] > start:
                found.append(number)
            number += 1
        return found or [first]
