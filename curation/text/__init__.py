"""Document text: decoding, normalisation, span checks and quote lookup.

Offsets everywhere count Unicode code points of the normalised text, i.e. Python ``str``
indices. Browsers count UTF-16 code units; they convert at their edge, or the API does so with
``utf16_offset_to_codepoint`` / ``codepoint_to_utf16_offset``. Quotes are compared against text
that is already normalised, so callers normalise client-sent quotes with ``normalize_quote``.

Standard library only, no Django: this package is the ground truth for what an offset means.
``normalize`` holds the text as stored, ``spans`` what a span of it is and how a quote is found.
"""

from .normalize import (
    UndecodableText,
    codepoint_to_utf16_offset,
    decode_document,
    normalize_quote,
    normalize_text,
    scrub_json,
    text_sha256,
    utf16_offset_to_codepoint,
)
from .spans import (
    CONTEXT_WIDTH,
    QuoteAmbiguous,
    QuoteNotFound,
    SpanError,
    check_span,
    find_quote,
    locate_quote,
    nearest_passage,
    quote_context,
)

__all__ = [
    "CONTEXT_WIDTH",
    "QuoteAmbiguous",
    "QuoteNotFound",
    "SpanError",
    "UndecodableText",
    "check_span",
    "codepoint_to_utf16_offset",
    "decode_document",
    "find_quote",
    "locate_quote",
    "nearest_passage",
    "normalize_quote",
    "normalize_text",
    "quote_context",
    "scrub_json",
    "text_sha256",
    "utf16_offset_to_codepoint",
]
