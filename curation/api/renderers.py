"""The API's JSON renderer: DRF's output, encoded by orjson.

Encoding is a fixed share of every answer: about 2 ms of the 26 ms of CPU a
page of 100 claims costs (docs/benchmarks.md). orjson (already used by the
release exports) writes the same bytes as DRF's compact, non-ASCII-escaping
encoder for everything this API answers; what it does not know it hands to
DRF's own encoder, and what it cannot write (integers beyond 64 bits,
unpaired surrogates) falls back to DRF's renderer whole.
"""

import orjson
from rest_framework import renderers

# datetime, date and time go through DRF's encoder (its "Z" for UTC); keys that
# are not strings are written as json.dumps writes them.
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if indent is not None or self.ensure_ascii or not self.compact:
            # Pretty-printed or ASCII-only output: DRF's own, which orjson does not match.
            return super().render(data, accepted_media_type, renderer_context)
        try:
            encoded = orjson.dumps(data, default=self.encoder_class().default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        # As DRF does: a strict JavaScript subset, whatever reads it.
        return encoded.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
