"""Language detection at import (issue 17): fastText's "lite" model, for real, on the
sample detect_language chooses (running prose, not the header)."""

import pytest

from curation.extract import detect_language

ENGLISH = (
    "The ministry published its annual review of cross-border freight on Monday, and the "
    "figures show that rail traffic through the northern terminals grew for the third year "
    "running while road haulage fell back to the level it had before the pandemic."
)
RUSSIAN = (
    "Министерство опубликовало в понедельник ежегодный обзор трансграничных перевозок, и "
    "цифры показывают, что железнодорожное движение через северные терминалы росло третий "
    "год подряд, а автомобильные перевозки вернулись к прежнему уровню."
)
CHINESE = (
    "交通部周一发布了跨境货运年度报告，数据显示，经由北部口岸的铁路运输连续第三年增长，"
    "而公路运输则回落到疫情之前的水平。报告还指出，港口的通关时间明显缩短，企业的物流成本有所下降。"
)


@pytest.mark.parametrize(("text", "language"), [(ENGLISH, "en"), (RUSSIAN, "ru"), (CHINESE, "zh")])
def test_running_text_is_told(text, language):
    assert detect_language(text) == language


def test_the_header_does_not_decide():
    # Names and a citation line in another language's shape open the text; the prose
    # after them is what the sample is taken from.
    header = "Müller, Jürgen, und Schäfer, Anne. (2020). Güterverkehr. In: Verkehr, Vol.2.\n"
    text = "Jürgen Müller\nAnne Schäfer\n" + header + "\n" + ENGLISH + "\n\n" + ENGLISH
    assert detect_language(text) == "en"


def test_short_lines_fall_back_to_the_opening():
    # The longest line is the last and mostly figures: too few letters from there on,
    # so the opening is what tells.
    lines = [
        "Rail traffic grew again this year",
        "Road haulage fell back to its old level",
        "Ports cleared goods faster than before",
        "Freight costs for firms went down as well",
        "Tonnage 2021: 1,234,567 — 2022: 1,345,678 — 2023: 1,456,789 (all terminals)",
    ]
    assert detect_language("\n".join(lines)) == "en"


def test_text_in_capitals_is_read_as_such():
    assert detect_language(ENGLISH.upper()) == "en"


@pytest.mark.parametrize("text", ["", "Table 3.", "12 345 678 — 2024-10-24", "A. B. C. D."])
def test_too_few_letters_give_no_language(text):
    assert detect_language(text) == ""
