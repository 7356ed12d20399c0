"""Document text as stored: decoding, normalisation, hashing and UTF-16 offsets.

Standard library only, no Django (see the package's docstring for what an offset means).
"""

import hashlib
import unicodedata

# Text never holds NUL, so one near the start marks a binary file; it also catches UTF-16,
# which puts a NUL byte next to every ASCII character.
_BINARY_SNIFF_BYTES = 8192

_BOM = "\ufeff"

# C0 controls but tab and newline (CR included: it is turned into LF before deletion).
_C0_BYTES = bytes(c for c in range(0x20) if c not in (0x09, 0x0A))


class UndecodableText(ValueError):
    """Bytes that cannot become document text; ``str(exc)`` is a reason fit for a user."""


def normalize_text(raw: str) -> str:
    """Canonical document text: no leading BOM, LF line ends, NFC, no C0 controls but tab/LF."""
    try:
        encoded = raw.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates (JSON can carry "\ud800") are not text: U+FFFD, like a decoder.
        raw = raw.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        encoded = raw.encode("utf-8")
    return _normalized(raw, encoded)


def _normalized(raw: str, encoded: bytes) -> str:
    """normalize_text for text whose UTF-8 encoding the caller already holds."""
    # Fast path (every re-normalisation, most imports): a bytes deletion is ~5x faster
    # than a regex over str; UTF-8 never hides an ASCII control inside a multibyte char.
    if (
        len(encoded.translate(None, _C0_BYTES)) == len(encoded)
        and not raw.startswith(_BOM)
        and unicodedata.is_normalized("NFC", raw)
    ):
        return raw
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = text.encode("utf-8").translate(None, _C0_BYTES).decode("utf-8")
    # Stripping every leading BOM (not just one), after the controls are gone, is what keeps
    # the function idempotent for inputs like "\ufeff\ufeff..." or "\x00\ufeff...".
    text = text.lstrip(_BOM)
    # NFC goes last: dropping a control between a base letter and a combining mark would
    # otherwise leave a pair that a second pass would compose.
    return unicodedata.normalize("NFC", text)


def normalize_quote(s: str) -> str:
    """Normalise a client-sent quote like the text it is looked up in (NFC, LF); no stripping."""
    return unicodedata.normalize("NFC", s.replace("\r\n", "\n").replace("\r", "\n"))


def decode_document(data: bytes) -> str:
    """Decode an uploaded file as strict UTF-8 and normalise it; raise UndecodableText if not."""
    if not data:
        raise UndecodableText("empty file")
    if b"\x00" in data[:_BINARY_SNIFF_BYTES]:
        raise UndecodableText("binary content (NUL bytes)")
    try:
        # Plain utf-8 rather than utf-8-sig keeps error offsets equal to file byte offsets;
        # normalize_text removes the BOM.
        decoded = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UndecodableText(
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}"
        ) from None
    # The file's own bytes are the decoded text's UTF-8: no second encoding to check them.
    text = _normalized(decoded, data)
    if not text.strip():
        raise UndecodableText("no text after normalisation")
    return text


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the text's UTF-8 encoding."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _utf16_length(text: str) -> int:
    # surrogatepass: a stray lone surrogate counts as one unit, as it does in JavaScript.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf16_offset_to_codepoint(text: str, offset: int) -> int:
    """Convert a UTF-16 code unit offset into ``text`` to a code point offset."""
    if offset < 0:
        raise ValueError(f"UTF-16 offset {offset} is negative")
    # Every code point is at least one unit, so the first `offset` code points always cover
    # `offset` units when the offset is in range; encoding only them keeps this O(offset).
    units = text[:offset].encode("utf-16-le", "surrogatepass")
    if len(units) < 2 * offset:
        raise ValueError(
            f"UTF-16 offset {offset} is past the end of the text ({_utf16_length(text)} units)"
        )
    head = units[: 2 * offset]
    if offset and 0xD800 <= int.from_bytes(head[-2:], "little") <= 0xDBFF:
        raise ValueError(f"UTF-16 offset {offset} falls inside a surrogate pair")
    return len(head.decode("utf-16-le", "surrogatepass"))


def codepoint_to_utf16_offset(text: str, offset: int) -> int:
    """Convert a code point offset into ``text`` to a UTF-16 code unit offset."""
    if offset < 0:
        raise ValueError(f"offset {offset} is negative")
    if offset > len(text):
        raise ValueError(f"offset {offset} is past the end of the text ({len(text)} characters)")
    return _utf16_length(text[:offset])


def scrub_json(value):
    """A JSON value whose strings (keys too) can be stored: no C0 controls but tab and
    newline, no lone surrogates. PostgreSQL refuses NUL in jsonb, and UTF-8 cannot
    encode a lone surrogate."""
    if isinstance(value, str):
        # Most strings have nothing to scrub: no control (tab and newline included) and no
        # lone surrogate is printable, so one C scan tells (imports scrub every field).
        if value.isprintable():
            return value
        cleaned = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        return (
            cleaned.encode("utf-8").translate(None, _C0_BYTES.replace(b"\r", b"")).decode("utf-8")
        )
    if isinstance(value, dict):
        return {scrub_json(str(key)): scrub_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_json(item) for item in value]
    return value
