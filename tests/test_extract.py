"""Tests for curation.extract: HTML to text, and metadata from text and Markdown.

All documents here are short invented samples written for these tests.
"""

import pytest

from curation.extract import FORMATS, extract_metadata, format_for_path, html_to_text

# ----------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("notes.txt", "text"),
        ("notes.TEXT", "text"),
        ("README.md", "markdown"),
        ("paper.Markdown", "markdown"),
        ("page.HTML", "html"),
        ("dir/sub/page.htm", "html"),
        ("C:\\Users\\me\\brief.Md", "markdown"),
        ("report.pdf", None),
        ("archive.tar.gz", None),
        ("no_suffix", None),
        (".md", None),
    ],
)
def test_format_for_path_uses_suffix_case_insensitively(name, expected):
    assert format_for_path(name) == expected


def test_formats_table_matches_contract():
    assert FORMATS == {
        ".txt": "text",
        ".text": "text",
        ".md": "markdown",
        ".markdown": "markdown",
        ".html": "html",
        ".htm": "html",
    }


# -------------------------------------------------------------------------------- HTML


def test_html_scripts_styles_and_hidden_containers_are_removed():
    html = """
    <html><head><style>p { color: red }</style></head><body>
    <script>document.write("This sentence looks like text");</script>
    <script type="text/template"><p>Template paragraph</p></script>
    <noscript>Please enable JavaScript</noscript>
    <template><p>Cloned later</p></template>
    <svg><title>Icon title</title><text>Icon text</text></svg>
    <iframe src="x">Frame fallback</iframe>
    <!-- a comment that reads like prose -->
    <p>Visible paragraph.</p>
    </body></html>
    """
    text, _ = html_to_text(html)
    assert text == "Visible paragraph."


def test_html_nested_blocks_become_paragraphs_without_extra_blank_lines():
    html = (
        "<div><div><h1>Heading</h1></div><section><div><p>One  \n two</p>"
        "</div></section></div><div></div><div><p>Three</p></div>"
    )
    text, _ = html_to_text(html)
    assert text == "Heading\n\nOne two\n\nThree"


def test_html_line_breaks_lists_and_tables():
    html = (
        "<p>Line one<br>Line two</p><ul><li>apple</li><li>pear</li></ul>"
        "<table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>1</td></tr></table>"
    )
    text, _ = html_to_text(html)
    assert text == "Line one\nLine two\n\napple\npear\n\nk v\na 1"


def test_html_inline_tags_do_not_break_words_or_lines():
    text, _ = html_to_text("<p>Un<b>break</b>able <a href='#'>link</a> <i>here</i>.</p>")
    assert text == "Unbreakable link here."


def test_html_entities_are_decoded():
    html = "<p>Fish &amp; chips &lt;3 &eacute;t&eacute; &#8212; caf&#xe9;&nbsp;!</p>"
    text, _ = html_to_text(html)
    assert text == "Fish & chips <3 été — café !"


def test_html_pre_keeps_its_whitespace():
    html = "<p>Before</p><pre>\ndef f():\n    return  1\n\n\n# end</pre><p>After</p>"
    text, _ = html_to_text(html)
    assert text == "Before\n\ndef f():\n    return  1\n\n\n# end\n\nAfter"


def test_html_head_text_is_not_body_text():
    html = "<html><head><title>Tab title</title></head><body><p>Body</p></body></html>"
    text, meta = html_to_text(html)
    assert text == "Body"
    assert meta["title"] == "Tab title"


def test_html_unclosed_head_ends_at_first_body_element():
    text, meta = html_to_text("<head><title>T</title><p>Body text")
    assert text == "Body text"
    assert meta["title"] == "T"


def test_html_metadata_from_meta_tags():
    html = """<!doctype html><html lang="en-GB"><head>
    <title>Site | Tab title</title>
    <meta name="citation_title" content="Citation title">
    <meta property="og:title" content="  OG   title ">
    <meta name="citation_author" content="Doe, Jane">
    <meta name="citation_author" content="Roe, Richard">
    <meta name="citation_author" content="Doe, Jane">
    <meta name="author" content="Someone Else">
    <meta name="citation_publication_date" content="2023/05/07">
    <meta property="article:published_time" content="2020-01-01T10:00:00Z">
    <meta name="citation_doi" content="doi:10.1234/abc.def-5">
    <link rel="stylesheet" href="/s.css"><link rel="canonical" href="https://example.org/a">
    <meta property="og:url" content="https://example.org/og">
    </head><body><h1>Page heading</h1></body></html>"""
    _, meta = html_to_text(html)
    assert meta == {
        "title": "OG title",
        "authors": ["Doe, Jane", "Roe, Richard"],
        "published_on": "2023-05-07",
        "doi": "10.1234/abc.def-5",
        "url": "https://example.org/a",
        "language": "en",
    }


def test_html_title_falls_back_to_citation_then_title_tag_then_h1():
    head = '<meta name="citation_title" content="Cited">'
    assert html_to_text(f"<head>{head}<title>Tab</title></head><h1>H</h1>")[1]["title"] == "Cited"
    assert html_to_text("<head><title> Tab \n title </title></head>")[1]["title"] == "Tab title"
    assert html_to_text("<body><h1> The <em>main</em> heading</h1><h1>Second</h1>")[1] == {
        "title": "The main heading"
    }


def test_html_svg_title_is_not_the_page_title():
    _, meta = html_to_text("<body><svg><title>icon</title></svg><h1>Real</h1></body>")
    assert meta["title"] == "Real"


def test_html_other_metadata_fallbacks():
    html = """<html lang="RU"><head>
    <meta name="DC.creator" content="Иван Петров">
    <meta name="author" content="Ignored Because Lower Priority">
    <meta name="citation_publication_date" content="2019">
    <meta name="dc.identifier" content="urn:isbn:0000000000">
    <meta name="DC.identifier" content="https://doi.org/10.5555/xyz.1">
    <meta property="og:url" content="https://example.org/og">
    </head><body><p>Текст</p><time datetime="2022-02-03T08:00">3 Feb</time></body></html>"""
    text, meta = html_to_text(html)
    assert text == "Текст\n\n3 Feb"
    assert meta == {
        "authors": ["Иван Петров"],
        "published_on": "2022-02-03",
        "doi": "10.5555/xyz.1",
        "url": "https://example.org/og",
        "language": "ru",
    }


def test_html_missing_metadata_gives_absent_keys():
    _, meta = html_to_text("<html><body><p>Just text</p></body></html>")
    assert meta == {}


def test_html_invalid_dates_are_ignored():
    html = '<meta name="citation_publication_date" content="2023-02-30"><p>x</p>'
    assert "published_on" not in html_to_text(html)[1]


@pytest.mark.parametrize(
    "html",
    [
        "<p>unclosed <b>bold <div>deep",
        "</p></div>stray closing tags",
        '<a href="never closed',
        "<<<>>> <p <p>>",
        "<![if !supportLists]>x<![endif]>",
        "<svg><p>never closed",
        "<script>never closed",
        "&#xZZ; &bogus; &#99999999;",
        "",
    ],
)
def test_html_malformed_input_does_not_crash(html):
    text, meta = html_to_text(html)
    assert isinstance(text, str)
    assert isinstance(meta, dict)


def test_html_cjk_and_cyrillic_pass_through_untouched():
    body = "日本語の文章\u3000全角スペース。Русский текст — «кавычки»."
    text, _ = html_to_text(f"<p>{body}</p>")
    assert text == body


def test_html_large_page_converts_whole():
    # Behaviour only: tests never time (a million characters, the whole text out).
    block = "<div class='c'><p>Some <b>bold</b> words &amp; a <a href='/x'>link</a>.</p></div>\n"
    html = "<html><body>" + block * (1_000_000 // len(block)) + "</body></html>"
    text, _ = html_to_text(html)
    assert text.startswith("Some bold words & a link.\n\nSome bold")


# -------------------------------------------------------------------------- plain text


def test_text_without_labels_yields_nothing():
    text = (
        "Notes on river levels\n\n"
        "The river rose by 2 metres in 2019. Jane Doe measured it at 10.30 on most days.\n"
        "See https://example.org/levels for the raw data and 10.1234/not-labelled too.\n"
    )
    assert extract_metadata(text, "text") == {}


def test_text_labelled_fields():
    text = (
        "Title:  A Study of Rivers \n"
        "Authors: Jane Doe, John Smith; Ann Lee\n"
        "Published: 2024-10-24\n"
        "DOI: 10.1234/rivers.2024.5.\n"
        "Source URL: https://example.org/rivers?id=5.\n"
        "\nBody text.\n"
    )
    assert extract_metadata(text, "text") == {
        "title": "A Study of Rivers",
        "authors": ["Jane Doe, John Smith", "Ann Lee"],
        "published_on": "2024-10-24",
        "doi": "10.1234/rivers.2024.5",
        "url": "https://example.org/rivers?id=5",
    }


def test_text_doi_with_glued_label_is_cut():
    text = "Header\nDOI: 10.9999/1234-5678.2024.3.456EDN: ABCDEF\n"
    assert extract_metadata(text, "text")["doi"] == "10.9999/1234-5678.2024.3.456"


def test_text_glued_labels_yield_publication_date_not_received_date():
    text = (
        "Some Journal\n"
        "DOI: 10.9999/j.2024.1EDN: QWERTYReceived: 01-09-2024Published: 15-09-2024Abstract: We "
        "study things. URL: https://example.org/read?id=1\n"
    )
    assert extract_metadata(text, "text") == {
        "published_on": "2024-09-15",
        "doi": "10.9999/j.2024.1",
        "url": "https://example.org/read?id=1",
    }


@pytest.mark.parametrize(
    ("doi_line", "expected"),
    [
        ("doi: 10.1000/xyz123", "10.1000/xyz123"),
        ("DOI 10.1000/ABC-1(2)3", "10.1000/ABC-1(2)3"),
        ("Available at https://doi.org/10.1000/xyz.9.", "10.1000/xyz.9"),
        ("(DOI: https://dx.doi.org/10.1000/a_b;c)", "10.1000/a_b;c"),
    ],
)
def test_text_doi_forms(doi_line, expected):
    assert extract_metadata(f"Intro\n{doi_line}\n", "text")["doi"] == expected


def test_text_doi_may_come_from_beyond_front_matter_but_not_beyond_limit():
    filler = "Plain words go here. " * 300  # about 6,300 characters
    assert extract_metadata(filler + "DOI: 10.1000/deep", "text") == {"doi": "10.1000/deep"}
    assert extract_metadata(filler * 4 + "DOI: 10.1000/too-deep", "text") == {}


def test_text_bare_doi_without_label_is_not_taken():
    assert extract_metadata("Reference list: 10.1000/abc, 10.1000/def\n", "text") == {}


def test_text_byline_gives_authors():
    text = "A Headline\nBy Jane Doe and John van der Berg\n\nStory text.\n"
    assert extract_metadata(text, "text")["authors"] == ["Jane Doe", "John van der Berg"]


def test_text_byline_with_commas_and_trailing_section():
    text = "Headline\nBy Ann Lee, Bo Chen, and Cy Díaz | Science desk\n"
    assert extract_metadata(text, "text")["authors"] == ["Ann Lee", "Bo Chen", "Cy Díaz"]


def test_text_prose_starting_with_by_is_not_a_byline():
    text = "Headline\nBy the end of 2020 prices had doubled.\nBy Monday, they fell.\n"
    assert "authors" not in extract_metadata(text, "text")


def test_text_author_label_keeps_surname_initials_together():
    assert extract_metadata("Author: Lin, M.\n", "text")["authors"] == ["Lin, M."]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Published: 2024-10-24", "2024-10-24"),
        ("Date: 24-10-2024", "2024-10-24"),
        ("Publication date: 24.10.2024", "2024-10-24"),
        ("Published on 24/10/2024", "2024-10-24"),
        ("Published: October 24, 2024", "2024-10-24"),
        ("Published online: 4 October 2024", "2024-10-04"),
        ("Date: Oct 24, 2024", "2024-10-24"),
        ("Date: Sept. 3rd, 2024", "2024-09-03"),
    ],
)
def test_text_date_formats(line, expected):
    assert extract_metadata(f"Header\n{line}\n", "text")["published_on"] == expected


@pytest.mark.parametrize(
    "line",
    [
        "Published: 31-02-2024",  # no such day
        "Date: 10/24/2024",  # month-first is not read: day 10 of month 24 does not exist
        "Published by: Example Press",
        "Received: 2024-01-02",
        "Received date: 2024-01-02",
    ],
)
def test_text_invalid_or_non_publication_dates_are_ignored(line):
    assert "published_on" not in extract_metadata(f"Header\n{line}\n", "text")


@pytest.mark.parametrize(
    ("line", "expected"),
    [("Published: 2024", "2024"), ("Published: 2024-05", "2024-05"), ("Date: May 2019", "2019-05")],
)
def test_text_year_or_month_alone_stays_that_precise(line, expected):
    # Issue 17: nothing invented; a year is kept as a year, not as 1 January.
    assert extract_metadata(f"Header\n{line}\n", "text")["published_on"] == expected


def test_text_standalone_date_near_top_is_publication_date():
    text = "My Blog\n\nA Post Title\n\nMarch 5, 2021\nPrint\n\nFirst paragraph."
    assert extract_metadata(text, "text") == {"published_on": "2021-03-05"}


def test_text_standalone_date_deep_in_body_is_ignored():
    text = "\n".join(f"Paragraph number {i}." for i in range(20)) + "\n2021-03-05\n"
    assert extract_metadata(text, "text") == {}


def test_text_date_inside_a_sentence_is_not_publication_date():
    text = "Header\nThe meeting on 5 March 2021 went well.\n"
    assert extract_metadata(text, "text") == {}


def test_text_labelled_date_beats_standalone_date():
    text = "Header\n1 January 2020\nPublished: 2 February 2021\n"
    assert extract_metadata(text, "text")["published_on"] == "2021-02-02"


def test_text_unlabelled_and_image_urls_are_not_taken():
    text = "Header\nSee https://example.org/page\nImage URL: https://example.org/pic.png\n"
    assert extract_metadata(text, "text") == {}


def test_text_has_no_markdown_title_rules():
    assert extract_metadata("# Not a title in plain text\n", "text") == {}


def test_text_cyrillic_and_cjk_pass_through_untouched():
    title = "Россия и Китай\uff1a合作"  # full-width colon must stay as written
    unlabelled = "Дата без метки"
    text = f"Title: {title}\nAuthor: Иван Петров\n{unlabelled}\n"
    assert extract_metadata(text, "text") == {"title": title, "authors": ["Иван Петров"]}


def test_unknown_format_is_rejected():
    with pytest.raises(ValueError, match="unsupported format"):
        extract_metadata("x", "pdf")


def test_html_format_is_read_as_plain_text():
    assert extract_metadata("DOI: 10.1000/x1\n", "html") == {"doi": "10.1000/x1"}


# ---------------------------------------------------------------------------- markdown


def test_markdown_front_matter():
    text = (
        "---\n"
        'title: "Rivers: a study"\n'
        "authors:\n"
        "  - Doe, Jane\n"
        "  - 'Roe, Richard'\n"
        "date: 2024-10-24T09:30:00Z\n"
        "doi: https://doi.org/10.1234/riv.1\n"
        "url: https://example.org/rivers\n"
        "tags: [water, maps]\n"
        "---\n"
        "# Heading that is not the title\n\nBody.\n"
    )
    assert extract_metadata(text, "markdown") == {
        "title": "Rivers: a study",
        "authors": ["Doe, Jane", "Roe, Richard"],
        "published_on": "2024-10-24",
        "doi": "10.1234/riv.1",
        "url": "https://example.org/rivers",
    }


def test_markdown_front_matter_inline_author_string_and_list():
    text = "---\nauthor: Jane Doe and John Smith\n---\nBody\n"
    assert extract_metadata(text, "markdown") == {"authors": ["Jane Doe", "John Smith"]}
    text = "---\nauthors: [Jane Doe, 'John Smith']\n---\nBody\n"
    assert extract_metadata(text, "markdown") == {"authors": ["Jane Doe", "John Smith"]}


def test_markdown_front_matter_bad_values_are_dropped():
    text = "---\ntitle: >\n  Folded\ndate: sometime soon\nurl: not a url\ndoi: unknown\n---\n"
    assert extract_metadata(text, "markdown") == {}


def test_markdown_first_heading_is_title():
    text = "Intro line\n\n```\n# a code comment\n```\n\n## Sub\n# The Title #\n\n# Another\n"
    assert extract_metadata(text, "markdown") == {"title": "The Title"}


def test_markdown_labels_and_emphasis():
    text = "# Report\n\n**Author:** Ann Lee\n**Published:** 12 May 2023\n**DOI:** 10.1000/md.7\n"
    assert extract_metadata(text, "markdown") == {
        "title": "Report",
        "authors": ["Ann Lee"],
        "published_on": "2023-05-12",
        "doi": "10.1000/md.7",
    }


def test_markdown_hashtag_is_not_a_heading():
    assert extract_metadata("#hashtag only\n", "markdown") == {}


def test_markdown_cyrillic_and_cjk_titles_pass_through():
    assert extract_metadata("# 中俄关系 и Россия\n", "markdown") == {"title": "中俄关系 и Россия"}


def test_text_author_label_drops_sentence_full_stop_but_keeps_initials():
    text = "Authors: Jane Doe, Smith J. R. and Ann Lee.\n"
    assert extract_metadata(text, "text")["authors"] == ["Jane Doe", "Smith J. R.", "Ann Lee"]
