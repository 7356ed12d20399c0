"""Spans of a document's text: offset checks, quote context and quote lookup.

Quotes are compared against text that is already normalised, so callers normalise
client-sent quotes with ``normalize.normalize_quote``. Standard library only.
"""

import difflib
import re
import unicodedata

CONTEXT_WIDTH = 32

_ELLIPSIS = "\u2026"
_EN_DASH = "\u2013"
# Longest stretch of text quoted back in an error message.
_MAX_HELD = 80


class SpanError(ValueError):
    """A span or quote does not fit the text; ``field`` names the API field at fault."""

    def __init__(self, field: str, message: str) -> None:
        # Both go into args so the exception survives pickling and copy.
        super().__init__(field, message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return self.message


class QuoteNotFound(SpanError):
    """The quote (with its prefix/suffix, if given) does not occur in the text.

    ``suggestion``: the (start, end) of the nearest passage, when one is close.
    """

    def __init__(self, field: str, message: str, suggestion: tuple[int, int] | None = None) -> None:
        super().__init__(field, message)
        self.args = (field, message, suggestion)
        self.suggestion = suggestion


class QuoteAmbiguous(SpanError):
    """The quote occurs ``count`` times, even with its prefix/suffix, at ``occurrences``."""

    def __init__(
        self,
        field: str,
        message: str,
        count: int,
        occurrences: list[tuple[int, int]] | None = None,
        loose: bool = False,
    ) -> None:
        super().__init__(field, message)
        # SpanError.__init__ set args to (field, message); pickling rebuilds from args.
        self.args = (field, message, count, occurrences, loose)
        self.count = count
        self.occurrences = occurrences or []
        self.loose = loose


def quote_context(
    text: str, start: int, end: int, width: int = CONTEXT_WIDTH
) -> tuple[str, str, str]:
    """Return (prefix, exact, suffix): the span and up to ``width`` code points either side.

    The context never cuts a character apart from its combining marks, joiners
    or modifiers: a prefix does not start with an orphan accent (or the second
    half of a ZWJ emoji), a suffix does not end with a letter whose accent it
    leaves out. It is then a little shorter than ``width``.
    """
    check_span(text, start, end)
    if width < 0:
        raise ValueError(f"context width {width} is negative")
    before = max(0, start - width)
    while before < start and _inside_cluster(text, before):
        before += 1
    after = min(len(text), end + width)
    while after > end and _inside_cluster(text, after):
        after -= 1
    return text[before:start], text[start:end], text[end:after]


_ZWJ = "\u200d"


def _inside_cluster(text: str, index: int) -> bool:
    """Whether a cut before text[index] would split what readers see as one character.

    An approximation of grapheme boundaries (UAX #29) that covers combining marks,
    variation selectors, emoji modifiers and ZWJ sequences; not regional-indicator
    pairs (flags) or Hangul jamo.
    """
    if index <= 0 or index >= len(text):
        return False
    char = text[index]
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or char == _ZWJ
        or text[index - 1] == _ZWJ
        or "\U0001f3fb" <= char <= "\U0001f3ff"  # skin tones
    )


def _clip(s: str) -> str:
    return s if len(s) <= _MAX_HELD else s[: _MAX_HELD - 1] + _ELLIPSIS


def check_span(text: str, start: int, end: int, exact: str | None = None) -> None:
    """Raise SpanError unless 0 <= start < end <= len(text) and exact (if given) is that slice."""
    if start < 0:
        raise SpanError("start", f"start {start} is negative")
    if end > len(text):
        raise SpanError(
            "end", f"end {end} is past the end of the document ({len(text)} characters)"
        )
    if start >= end:
        raise SpanError("end", f"empty or reversed span: start {start}, end {end}")
    if exact is not None:
        held = text[start:end]
        if exact != held:
            raise SpanError(
                "exact",
                f"quote does not match the text at {start}{_EN_DASH}{end}: "
                f'the text holds "{_clip(held)}"',
            )


def _occurrences(text: str, exact: str) -> list[int]:
    starts = []
    i = text.find(exact)
    while i != -1:
        starts.append(i)
        # Step one code point, not len(exact), so overlapping matches ("aa" in "aaa") count.
        i = text.find(exact, i + 1)
    return starts


def find_quote(text: str, exact: str, prefix: str = "", suffix: str = "") -> tuple[int, int]:
    """Return the (start, end) of the one place ``exact`` occurs with the given prefix/suffix."""
    if not exact:
        raise SpanError("exact", "quote is empty")
    n = len(exact)
    starts = _occurrences(text, exact)
    if not starts:
        raise QuoteNotFound("exact", "quote not found in the text")

    def has_prefix(i: int) -> bool:
        return text.endswith(prefix, 0, i)

    def has_suffix(i: int) -> bool:
        return text.startswith(suffix, i + n)

    matches = [i for i in starts if has_prefix(i) and has_suffix(i)]
    if len(matches) == 1:
        return matches[0], matches[0] + n

    times = _times(len(starts))
    if not matches:
        if not any(has_prefix(i) for i in starts):
            raise QuoteNotFound("prefix", f"quote occurs {times} but never after that prefix")
        if not any(has_suffix(i) for i in starts):
            raise QuoteNotFound("suffix", f"quote occurs {times} but never before that suffix")
        # Each fits somewhere, just never at the same occurrence; blame the suffix, arbitrarily.
        raise QuoteNotFound(
            "suffix",
            f"quote occurs {times} but never with that prefix and suffix together",
        )

    where = "in the text" if len(matches) == len(starts) else "with that prefix/suffix"
    raise QuoteAmbiguous(
        "exact",
        f"quote occurs {_times(len(matches))} {where}; "
        "pick one by its start/end offsets or add more prefix/suffix context",
        count=len(matches),
        occurrences=[(i, i + n) for i in matches],
    )


def locate_quote(
    text: str, exact: str, prefix: str = "", suffix: str = ""
) -> tuple[int, int, bool]:
    """(start, end, loose): ``find_quote``, or else the one place the quote matches loosely.

    Loosely: typographic quotes and apostrophes, dashes, non-breaking spaces and runs
    of whitespace count as their plain forms. Offsets are code points of ``text``, whose
    exact characters the span holds. Raises like ``find_quote``.
    """
    try:
        start, end = find_quote(text, exact, prefix, suffix)
        return start, end, False
    except QuoteNotFound as exact_error:
        if not exact.strip():
            raise
        pattern = re.compile(
            _loose_pattern(prefix) + "(" + _loose_pattern(exact) + ")" + _loose_pattern(suffix)
        )
        found = [match.span(1) for match in pattern.finditer(text)]
        if len(found) == 1:
            return found[0][0], found[0][1], True
        if not found and exact_error.field == "exact":
            suggestion = nearest_passage(text, exact)
            if suggestion is None:
                raise
            held = _clip(text[suggestion[0] : suggestion[1]])
            raise QuoteNotFound(
                "exact", f'quote not found in the text; did you mean "{held}"?', suggestion
            ) from None
        if not found:
            raise
        raise QuoteAmbiguous(
            "exact",
            f"quote matches {_times(len(found))} when quotes, dashes and spaces are "
            "read loosely; pick one by its start/end offsets or add prefix/suffix context",
            count=len(found),
            occurrences=found,
            loose=True,
        ) from None


# Characters people type for one another: each class matches any of its members.
_LOOSE_CLASSES = [
    "'\u2018\u2019\u201a\u201b\u2032\u02bc`",
    '"\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb',
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212",
]
_LOOSE_CHAR = {char: "[" + re.escape(cls) + "]" for cls in _LOOSE_CLASSES for char in cls}
_SPACE_RUN = r"[\s\u00a0\u2007\u202f]+"


def _loose_pattern(quote: str) -> str:
    parts: list[str] = []
    for char in quote:
        if char.isspace():
            if not parts or parts[-1] != _SPACE_RUN:
                parts.append(_SPACE_RUN)
        else:
            parts.append(_LOOSE_CHAR.get(char) or re.escape(char))
    return "".join(parts)


# A "did you mean": only passages this similar to the quote are offered.
_SUGGEST_RATIO = 0.7
_SHINGLE = 8
_MAX_SHINGLES = 24


def nearest_passage(text: str, quote: str) -> tuple[int, int] | None:
    """The (start, end) of the passage of ``text`` most like ``quote``, if one is close.

    Pieces of the quote (8 code points, matched loosely and case-blind) vote for where
    the quote would start; the best few places are compared with difflib.
    """
    n = len(quote)
    if n < _SHINGLE + 2:
        return None
    step = max(1, (n - _SHINGLE) // _MAX_SHINGLES)
    votes: dict[int, int] = {}
    for offset in range(0, n - _SHINGLE + 1, step):
        piece = quote[offset : offset + _SHINGLE]
        if not piece.strip():
            continue
        for index, match in enumerate(re.finditer(_loose_pattern(piece), text, re.IGNORECASE)):
            if index >= 50:
                break
            start = max(0, match.start() - offset)
            votes[start] = votes.get(start, 0) + 1
    best: tuple[float, int] | None = None
    wanted = " ".join(quote.split()).casefold()
    for start, _ in sorted(votes.items(), key=lambda item: -item[1])[:8]:
        candidate = " ".join(text[start : start + n].split()).casefold()
        ratio = difflib.SequenceMatcher(None, wanted, candidate, autojunk=False).ratio()
        if best is None or ratio > best[0]:
            best = (ratio, start)
    if best is None or best[0] < _SUGGEST_RATIO:
        return None
    start = best[1]
    return start, min(len(text), start + n)


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"
