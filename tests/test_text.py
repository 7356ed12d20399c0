"""Tests for curation.text: pure functions, no database."""

import copy
import hashlib
import time
import unicodedata

import pytest

from curation.text import (
    CONTEXT_WIDTH,
    QuoteAmbiguous,
    QuoteNotFound,
    SpanError,
    UndecodableText,
    check_span,
    codepoint_to_utf16_offset,
    decode_document,
    find_quote,
    normalize_quote,
    normalize_text,
    quote_context,
    text_sha256,
    utf16_offset_to_codepoint,
)

GRINNING = "\U0001f600"  # astral: two UTF-16 units
G_CLEF = "\U0001d11e"  # astral, from the musical symbols block
FLAG_FR = "\U0001f1eb\U0001f1f7"  # two regional indicators, each astral
FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # ZWJ sequence: 3 astral + 2 ZWJ
E_ACUTE = "\u00e9"
E_COMBINING = "e\u0301"
ARABIC = "\u0645\u0631\u062d\u0628\u0627"  # a short Arabic word
HEBREW = "\u05e9\u05dc\u05d5\u05dd"  # a short Hebrew word
CJK = "\u6587\u66f8\u306e\u8981\u7d04"  # kanji and kana

MIXED = (
    f"ab {GRINNING} c{E_ACUTE}d\t{G_CLEF}\n{CJK} {FLAG_FR} {ARABIC} {FAMILY} {HEBREW} "
    f"q\u0323\u0303 end{GRINNING}"
)


# --- normalize_text ---------------------------------------------------------------------------


def test_leading_bom_is_removed():
    assert normalize_text("\ufeffhello") == "hello"


def test_bom_in_the_middle_is_kept():
    assert normalize_text("hel\ufefflo") == "hel\ufefflo"


def test_only_leading_bom_removed_when_both_present():
    assert normalize_text("\ufeffa\ufeffb") == "a\ufeffb"


def test_repeated_leading_boms_are_all_removed():
    assert normalize_text("\ufeff\ufeffhi") == "hi"


def test_crlf_becomes_newline():
    assert normalize_text("one\r\ntwo\r\n") == "one\ntwo\n"


def test_lone_cr_becomes_newline():
    assert normalize_text("one\rtwo\r") == "one\ntwo\n"


def test_mixed_line_endings_become_newlines():
    assert normalize_text("a\r\nb\rc\nd\r\r\ne\n\rf") == "a\nb\nc\nd\n\ne\n\nf"


def test_nfd_input_composes_to_nfc():
    assert normalize_text(E_COMBINING) == E_ACUTE
    assert len(normalize_text("caf" + E_COMBINING)) == 4


def test_hangul_jamo_compose_to_syllable():
    assert normalize_text("\u1100\u1161") == "\uac00"


def test_combining_marks_without_precomposed_form_stay_separate_code_points():
    # q has no precomposed form with tilde or dot below; NFC only puts the marks in
    # canonical order (below, ccc 220, before above, ccc 230).
    assert normalize_text("q\u0303") == "q\u0303"
    text = normalize_text("q\u0303\u0323")
    assert text == "q\u0323\u0303"
    assert len(text) == 3
    assert find_quote("aq\u0323\u0303b", text) == (1, 4)


def test_nul_is_removed():
    assert normalize_text("a\x00b\x00") == "ab"


@pytest.mark.parametrize("ch", [chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)])
def test_c0_controls_are_removed(ch):
    assert normalize_text(f"a{ch}b") == "ab"


def test_tab_and_newline_are_kept():
    assert normalize_text("a\tb\nc") == "a\tb\nc"


def test_del_and_c1_controls_are_not_c0_and_are_kept():
    assert normalize_text("a\x7fb\x85c") == "a\x7fb\x85c"


def test_control_between_base_and_mark_still_composes():
    assert normalize_text("e\x00\u0301") == E_ACUTE


def test_astral_characters_survive_normalisation():
    text = f"{GRINNING}{G_CLEF}{FLAG_FR}{FAMILY}"
    assert normalize_text(text) == text


def test_cjk_and_rtl_text_survive_normalisation():
    text = f"{CJK}\n{ARABIC} {HEBREW}"
    assert normalize_text(text) == text


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "plain",
        "\ufeff\ufeff\x00\ufeffx",
        "\x00\ufeffx",
        "a\r\r\nb\r",
        "e\x00\u0301\x01\u0301",
        "\u1100\x02\u1161",
        "q\u0303\u0323" + E_COMBINING,
        MIXED,
        "\ufeff" + "\r\n".join(["line", E_COMBINING, "\x1b[0m", GRINNING]),
    ],
)
def test_normalize_text_is_idempotent(raw):
    once = normalize_text(raw)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)


def test_normalize_text_is_fast_on_a_megabyte():
    raw = ("Line with caf" + E_COMBINING + " and \x00 NUL\r\n") * 40_000
    assert len(raw) > 1_000_000
    began = time.perf_counter()
    text = normalize_text(raw)
    assert time.perf_counter() - began < 1.0
    assert "\r" not in text
    assert "\x00" not in text
    assert text.count(E_ACUTE) == 40_000


def test_forty_kilobyte_single_line_normalises_and_quote_found_near_end():
    body = "word " * 8_000 + "needle" + " tail" * 3
    raw = "\ufeff" + body + "\r\n"
    assert len(body) > 40_000
    text = normalize_text(raw)
    assert text == body + "\n"
    start, end = find_quote(text, "needle")
    assert text[start:end] == "needle"
    assert start == 40_000
    assert len(text) - end == len(" tail" * 3) + 1


# --- normalize_quote --------------------------------------------------------------------------


def test_normalize_quote_composes_and_fixes_line_ends():
    assert (
        normalize_quote("caf" + E_COMBINING + "\r\nnext\rline") == "caf" + E_ACUTE + "\nnext\nline"
    )


def test_normalize_quote_does_not_strip_whitespace():
    assert normalize_quote("  padded\t\n") == "  padded\t\n"


def test_normalized_quote_is_found_in_normalized_text():
    text = normalize_text("The caf" + E_COMBINING + " opened.\r\nNext line.")
    quote = normalize_quote("caf" + E_COMBINING + " opened.\r\nNext")
    assert find_quote(text, quote) == (4, 21)


# --- decode_document --------------------------------------------------------------------------


def test_decode_plain_utf8():
    assert decode_document("caf\u00e9 \u2013 ok".encode()) == "caf\u00e9 \u2013 ok"


def test_decode_normalises():
    assert decode_document(b"a\r\nb\x01c") == "a\nbc"


def test_decode_utf8_bom_accepted_and_removed():
    assert decode_document(b"\xef\xbb\xbfhello") == "hello"


def test_decode_empty_file_rejected():
    with pytest.raises(UndecodableText, match=r"^empty file$"):
        decode_document(b"")


def test_decode_nul_bytes_rejected_as_binary():
    with pytest.raises(UndecodableText, match=r"^binary content \(NUL bytes\)$"):
        decode_document(b"%PDF\x00\x01\x02")


def test_decode_nul_byte_after_first_8kib_is_just_removed():
    assert decode_document(b"a" * 8192 + b"\x00b") == "a" * 8192 + "b"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_decode_utf16_and_utf32_rejected(codec):
    with pytest.raises(UndecodableText, match="NUL bytes"):
        decode_document("Hello, world".encode(codec))


def test_decode_utf16_with_bom_and_no_ascii_still_rejected():
    # No NUL bytes at all here, so the BOM is what fails strict UTF-8.
    data = "\u6587\u66f8".encode("utf-16")
    assert b"\x00" not in data
    with pytest.raises(UndecodableText, match=r"^not valid UTF-8: byte 0xff at offset 0$"):
        decode_document(data)


def test_decode_invalid_utf8_reports_byte_and_offset():
    data = "ok \u00e9 ".encode() + b"\xff rest"
    with pytest.raises(UndecodableText) as info:
        decode_document(data)
    assert str(info.value) == "not valid UTF-8: byte 0xff at offset 6"


def test_decode_latin1_reports_first_bad_byte():
    data = "na\u00efve".encode("latin-1")
    with pytest.raises(UndecodableText, match=r"^not valid UTF-8: byte 0xef at offset 2$"):
        decode_document(data)


def test_decode_truncated_multibyte_sequence_at_end():
    data = b"abc" + GRINNING.encode()[:2]
    with pytest.raises(UndecodableText, match=r"byte 0xf0 at offset 3$"):
        decode_document(data)


def test_decode_encoded_surrogate_rejected():
    with pytest.raises(UndecodableText, match=r"byte 0xed at offset 1$"):
        decode_document(b"a\xed\xa0\x80b")


@pytest.mark.parametrize("data", [b" ", b" \r\n\t\n", b"\xef\xbb\xbf", b"\x01\x02 \x1f"])
def test_decode_whitespace_only_rejected(data):
    with pytest.raises(UndecodableText, match=r"^no text after normalisation$"):
        decode_document(data)


def test_undecodable_text_is_a_value_error():
    assert issubclass(UndecodableText, ValueError)


# --- text_sha256 ------------------------------------------------------------------------------


def test_text_sha256_hashes_utf8():
    text = f"caf{E_ACUTE} {GRINNING}"
    assert text_sha256(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert text_sha256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


# --- UTF-16 offsets ---------------------------------------------------------------------------


def _js_length(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


@pytest.mark.parametrize(
    ("text", "codepoint", "utf16"),
    [
        ("", 0, 0),
        ("abc", 3, 3),
        (GRINNING, 0, 0),
        (GRINNING, 1, 2),
        (f"a{GRINNING}b", 2, 3),
        (f"a{GRINNING}b", 3, 4),
        (f"{G_CLEF}{G_CLEF}x", 2, 4),
        (FLAG_FR, 1, 2),
        (FLAG_FR, 2, 4),
        (FAMILY, 5, 8),
        (f"{CJK}{GRINNING}", 5, 5),
        (f"{CJK}{GRINNING}", 6, 7),
        (f"{ARABIC} {GRINNING} {HEBREW}", 11, 12),
    ],
)
def test_offset_conversions_both_ways(text, codepoint, utf16):
    assert codepoint_to_utf16_offset(text, codepoint) == utf16
    assert utf16_offset_to_codepoint(text, utf16) == codepoint


def test_offset_round_trip_over_every_offset_of_mixed_text():
    assert unicodedata.is_normalized("NFC", MIXED)
    seen = []
    for cp in range(len(MIXED) + 1):
        u = codepoint_to_utf16_offset(MIXED, cp)
        assert u == _js_length(MIXED[:cp])
        assert utf16_offset_to_codepoint(MIXED, u) == cp
        seen.append(u)
    assert seen == sorted(set(seen))
    assert seen[-1] == _js_length(MIXED)


def test_every_utf16_offset_either_converts_or_splits_a_pair():
    # The units just after a high surrogate are exactly the offsets that split a pair.
    encoded = MIXED.encode("utf-16-le")
    units = [int.from_bytes(encoded[i : i + 2], "little") for i in range(0, len(encoded), 2)]
    splits = {i + 1 for i, unit in enumerate(units) if 0xD800 <= unit <= 0xDBFF}
    assert len(splits) == sum(1 for ch in MIXED if ord(ch) > 0xFFFF)
    for u in range(len(units) + 1):
        if u in splits:
            with pytest.raises(ValueError, match="surrogate pair"):
                utf16_offset_to_codepoint(MIXED, u)
        else:
            cp = utf16_offset_to_codepoint(MIXED, u)
            assert codepoint_to_utf16_offset(MIXED, cp) == u


@pytest.mark.parametrize("offset", [1, 3])
def test_utf16_offset_inside_surrogate_pair_rejected(offset):
    with pytest.raises(ValueError, match="surrogate pair"):
        utf16_offset_to_codepoint(f"{GRINNING}{G_CLEF}", offset)


@pytest.mark.parametrize("offset", [-1, 5])
def test_utf16_offset_out_of_range_rejected(offset):
    with pytest.raises(ValueError, match=r"negative|past the end"):
        utf16_offset_to_codepoint(f"ab{GRINNING}", offset)


def test_utf16_offset_just_past_astral_end_is_out_of_range():
    with pytest.raises(ValueError, match=r"past the end of the text \(2 units\)"):
        utf16_offset_to_codepoint(GRINNING, 3)


@pytest.mark.parametrize("offset", [-1, 4])
def test_codepoint_offset_out_of_range_rejected(offset):
    with pytest.raises(ValueError, match=r"negative|past the end"):
        codepoint_to_utf16_offset(f"ab{GRINNING}", offset)


def test_offset_conversions_fast_on_a_megabyte():
    text = (f"plain words {GRINNING} and {CJK} " * 42_000)[:1_000_000]
    began = time.perf_counter()
    for cp in (0, 123_457, 500_000, 999_999, 1_000_000):
        u = codepoint_to_utf16_offset(text, cp)
        assert utf16_offset_to_codepoint(text, u) == cp
    assert time.perf_counter() - began < 1.0


# --- quote_context ----------------------------------------------------------------------------


def test_quote_context_takes_width_either_side():
    text = "0123456789" * 10
    prefix, exact, suffix = quote_context(text, 40, 45)
    assert exact == "01234"
    assert prefix == text[8:40]
    assert suffix == text[45:77]
    assert len(prefix) == len(suffix) == CONTEXT_WIDTH == 32


def test_quote_context_at_document_start_and_end():
    text = "short text here"
    assert quote_context(text, 0, 5) == ("", "short", " text here")
    assert quote_context(text, 11, 15) == ("short text ", "here", "")
    assert quote_context(text, 0, len(text)) == ("", text, "")


def test_quote_context_custom_width():
    assert quote_context("abcdefghij", 4, 6, width=2) == ("cd", "ef", "gh")
    assert quote_context("abcdefghij", 4, 6, width=0) == ("", "ef", "")


def test_quote_context_counts_code_points_not_utf16_units():
    text = f"{GRINNING}{GRINNING}{GRINNING}X{G_CLEF}{G_CLEF}"
    assert quote_context(text, 3, 4, width=2) == (GRINNING * 2, "X", G_CLEF * 2)


def test_quote_context_round_trips_through_find_quote():
    text = "the cat sat. the cat ran. the cat sat again."
    start = text.rindex("cat")
    prefix, exact, suffix = quote_context(text, start, start + 3, width=6)
    assert find_quote(text, exact, prefix, suffix) == (start, start + 3)


def test_quote_context_rejects_bad_span():
    with pytest.raises(SpanError) as info:
        quote_context("abc", 2, 9)
    assert info.value.field == "end"


# --- check_span -------------------------------------------------------------------------------


def test_check_span_accepts_valid_span():
    assert check_span("hello world", 0, 5) is None
    assert check_span("hello world", 6, 11, "world") is None


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (-1, 3, "start", "negative"),
        (0, 12, "end", "past the end of the document (11 characters)"),
        (3, 3, "end", "empty or reversed span"),
        (5, 2, "end", "empty or reversed span"),
    ],
)
def test_check_span_errors_name_the_field(start, end, field, message):
    with pytest.raises(SpanError) as info:
        check_span("hello world", start, end)
    assert info.value.field == field
    assert message in info.value.message
    assert str(info.value) == info.value.message


def test_check_span_exact_mismatch_quotes_what_the_text_holds():
    with pytest.raises(SpanError) as info:
        check_span("hello world", 6, 11, "wordl")
    assert info.value.field == "exact"
    assert (
        info.value.message == 'quote does not match the text at 6\u201311: the text holds "world"'
    )


def test_check_span_mismatch_truncates_long_holdings():
    text = "x" * 500
    with pytest.raises(SpanError) as info:
        check_span(text, 0, 500, "y")
    held = info.value.message.split("holds ", 1)[1]
    assert held == '"' + "x" * 79 + '\u2026"'


def test_check_span_compares_code_points():
    text = f"a{GRINNING}b"
    check_span(text, 1, 2, GRINNING)
    with pytest.raises(SpanError):
        check_span(text, 1, 3, GRINNING)


def test_check_span_does_not_normalise_the_quote():
    with pytest.raises(SpanError) as info:
        check_span(f"caf{E_ACUTE}", 0, 4, "caf" + E_COMBINING)
    assert info.value.field == "exact"


def test_span_error_is_a_value_error_and_copies():
    err = SpanError("start", "start -1 is negative")
    assert isinstance(err, ValueError)
    again = copy.deepcopy(err)
    assert (again.field, again.message, str(again)) == (
        "start",
        "start -1 is negative",
        err.message,
    )
    amb = copy.copy(QuoteAmbiguous("exact", "twice", 2))
    assert (amb.field, amb.message, amb.count) == ("exact", "twice", 2)


# --- find_quote -------------------------------------------------------------------------------


def test_find_quote_unique():
    assert find_quote("the quick brown fox", "brown") == (10, 15)


def test_find_quote_at_very_start_and_end():
    text = "alpha beta gamma"
    assert find_quote(text, "alpha") == (0, 5)
    assert find_quote(text, "gamma") == (11, 16)
    assert find_quote(text, text) == (0, len(text))


def test_find_quote_empty_is_an_error():
    with pytest.raises(SpanError) as info:
        find_quote("abc", "")
    assert info.value.field == "exact"
    assert not isinstance(info.value, QuoteNotFound)


def test_find_quote_not_found():
    with pytest.raises(QuoteNotFound) as info:
        find_quote("the quick brown fox", "purple")
    assert info.value.field == "exact"
    assert isinstance(info.value, SpanError)


def test_find_quote_longer_than_text_not_found():
    with pytest.raises(QuoteNotFound):
        find_quote("ab", "abc")


def test_find_quote_ambiguous_reports_count():
    with pytest.raises(QuoteAmbiguous) as info:
        find_quote("to be or not to be", "be")
    assert info.value.field == "exact"
    assert info.value.count == 2
    assert "2 times" in info.value.message
    assert "prefix" in info.value.message
    assert "offsets" in info.value.message


def test_find_quote_overlapping_occurrences_are_ambiguous():
    with pytest.raises(QuoteAmbiguous) as info:
        find_quote("aaa", "aa")
    assert info.value.count == 2


def test_find_quote_overlapping_disambiguated_by_context():
    assert find_quote("aaa", "aa", prefix="a") == (1, 3)
    assert find_quote("aaa", "aa", suffix="a") == (0, 2)


def test_find_quote_disambiguated_by_prefix():
    text = "red apple, green apple, red pear"
    assert find_quote(text, "apple", prefix="green ") == (17, 22)


def test_find_quote_disambiguated_by_suffix():
    text = "red apple, green apple, red pear"
    assert find_quote(text, "red", suffix=" pear") == (24, 27)


def test_find_quote_prefix_and_suffix_together():
    text = "x1y x2y x1z"
    assert find_quote(text, "1", prefix="x", suffix="z") == (9, 10)


def test_find_quote_prefix_at_document_start_must_fit():
    with pytest.raises(QuoteNotFound) as info:
        find_quote("abc abc", "abc", prefix="zz ")
    assert info.value.field == "prefix"


def test_find_quote_wrong_suffix_names_suffix():
    with pytest.raises(QuoteNotFound) as info:
        find_quote("abc abc", "abc", suffix=" nope")
    assert info.value.field == "suffix"
    assert "2 times" in info.value.message


def test_find_quote_prefix_and_suffix_never_together():
    with pytest.raises(QuoteNotFound) as info:
        find_quote("x1y z1w", "1", prefix="x", suffix="w")
    assert info.value.field in {"prefix", "suffix"}


def test_find_quote_still_ambiguous_with_context():
    with pytest.raises(QuoteAmbiguous) as info:
        find_quote("a-b a-b c-b", "b", prefix="-")
    assert info.value.count == 3
    with pytest.raises(QuoteAmbiguous) as info:
        find_quote("a-b a-b c-b", "b", prefix="a-")
    assert info.value.count == 2
    assert "with that prefix/suffix" in info.value.message


def test_find_quote_with_astral_and_combining_text_uses_code_points():
    text = f"{GRINNING} caf{E_ACUTE} {FAMILY} q\u0323\u0303 {G_CLEF}!"
    start, end = find_quote(text, FAMILY)
    assert (start, end) == (7, 12)
    assert text[start:end] == FAMILY
    assert find_quote(text, f"{G_CLEF}!") == (len(text) - 2, len(text))
    assert find_quote(text, "q\u0323\u0303") == (13, 16)


def test_find_quote_single_regional_indicator_is_found_inside_flag():
    # Code points, not grapheme clusters: half a flag is still a substring.
    text = f"go {FLAG_FR}"
    assert find_quote(text, "\U0001f1f7") == (4, 5)


def test_find_quote_cjk():
    text = f"{CJK}\u3002{CJK[:2]}"
    with pytest.raises(QuoteAmbiguous):
        find_quote(text, CJK[:2])
    assert find_quote(text, CJK[2:]) == (2, 5)
    assert find_quote(text, CJK[:2], prefix="\u3002") == (6, 8)


def test_find_quote_rtl_text_in_logical_order():
    text = f"Greeting: {HEBREW} / {ARABIC}."
    start, end = find_quote(text, ARABIC, prefix=" / ")
    assert text[start:end] == ARABIC
    assert (start, end) == (17, 22)
    assert find_quote(text, HEBREW) == (10, 14)


def test_find_quote_spanning_lines():
    text = normalize_text("first line\r\nsecond line\rthird")
    assert find_quote(text, "line\nsecond") == (6, 17)
    assert find_quote(text, "line\nthird") == (18, 28)


def test_find_quote_fast_enough_on_large_text():
    text = "lorem ipsum dolor " * 60_000 + "unique marker"
    began = time.perf_counter()
    assert find_quote(text, "unique marker") == (len(text) - 13, len(text))
    with pytest.raises(QuoteAmbiguous) as info:
        find_quote(text, "dolor")
    assert info.value.count == 60_000
    assert time.perf_counter() - began < 2.0


def test_lone_surrogates_become_replacement_characters():
    # JSON may carry "\ud800"; such a string cannot be stored as UTF-8 text.
    assert normalize_text("a\ud800b") == "a\ufffd\ufffd\ufffdb"
    assert normalize_text(normalize_text("a\ud800b")) == normalize_text("a\ud800b")


@pytest.mark.parametrize(
    ("text", "quote", "expected"),
    [
        # The prefix window would start on the combining tilde of "x\u0303".
        ("ax\u0303bcdQ", "Q", ("bcd", "Q", "")),
        # The suffix window would end between "y" and its combining dot.
        ("Qabcy\u0307z", "Q", ("", "Q", "abc")),
        # The window would start inside a ZWJ family, after a joiner.
        ("\U0001f469\u200d\U0001f467 saQ", "Q", (" sa", "Q", "")),
        # ... or on a skin-tone modifier.
        ("\U0001f44d\U0001f3fd okQ", "Q", (" ok", "Q", "")),
    ],
)
def test_quote_context_never_splits_a_character_from_its_marks(text, quote, expected):
    start = text.index(quote)
    prefix, exact, suffix = quote_context(text, start, start + len(quote), width=4)
    assert (prefix, exact, suffix) == expected
    assert find_quote(text, exact, prefix, suffix) == (start, start + len(quote))
