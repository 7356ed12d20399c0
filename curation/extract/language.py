"""The language a text is written in, by py3langid (its model ships in the wheel:
nothing is downloaded at run time)."""

from __future__ import annotations

import re

# Enough letters to tell a language; fewer and the answer is a guess, which is left out.
MIN_LETTERS = 40
# The classifier walks the sample byte by byte in Python and runs once per imported
# document: 200 code points of running text (boilerplate skipped) told English, Russian,
# Ukrainian, Chinese, Japanese, French, German and Spanish apart as well as 1,000 did
# (docs/extraction.md), at a cost the import rate can carry (docs/benchmarks.md).
SAMPLE_CHARS = 200
_LETTERS_RE = re.compile(r"[^\W\d_]")


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the text's language, or "" when the text is too short to tell."""
    sample = text[:SAMPLE_CHARS]
    if len(_LETTERS_RE.findall(sample)) < MIN_LETTERS:
        return ""
    import py3langid  # A 0.5 s model: loaded when a text first needs it.

    code, _score = py3langid.classify(sample)
    return code


def warm_up() -> None:
    """Load the model now (before forking workers, so that each does not load its own)."""
    detect_language("This sentence is only here to load the language model once. " * 2)
