"""Test documents of the four kinds analysts import, written for these tests (issue 17).

Each states its metadata the way real ones of its kind do; EXPECTED lists what the
extractor must find (and a field left out must stay empty).
"""

PARAGRAPH = (
    "Grain corridors across the steppe carried more wheat in the first half of the year "
    "than in any year before, and the ministries of both countries said the new rail "
    "gauge terminals were the reason."
)

JOURNAL_PAGE = f"""Archive
|
My account |
Eastern Review of Trade
Reference:
Petrov A.
Rail gauges and grain: a decade of steppe logistics
// Eastern Review of Trade.
2023. No 4.
P. 12-30.
DOI: 10.5555/ert.2023.4.12 URL: https://review.example.org/articles/412
Rail gauges and grain: a decade of steppe logistics
DOI: 10.5555/ert.2023.4.12Received: 01-02-2023Published: 15-03-2023Abstract: {PARAGRAPH}
References
1. Ivanov, B. (2019). Wheat and rails. Journal of Grain, 3(1), 1-9. doi:10.5555/jg.1
2. Smith, C. (2020). Ports of the north. Harbour Studies, 5(2), 10-20.
"""

BLOG_POST = f"""Maria Rossi's Blog

Notes on the Caspian ferry trade

March 3, 2022
Print

{PARAGRAPH}

ferry-photo-0031.jpg

{PARAGRAPH.replace("wheat", "barley")}

Share this article
"""

CITATION = (
    "Okafor, Chidi Emeka, and Lindqvist, Sara. (2018), Dry Ports and Wet Markets in Central "
    "Asia. In: *Review of Eurasian Economics*, Vol.4, No.2, 77-90."
)

OPEN_ACCESS_ARTICLE = f"""

Review of Eurasian Economics

{CITATION}

ISSN 1234-5678

DOI: 10.5555/ree.2018.04.02.7

Dry Ports and Wet Markets in Central Asia

Chidi Emeka Okafor, Sara Lindqvist

Abstract

{PARAGRAPH}
"""

BRIEF = f"""Read in Russian
Rate this article
(votes: 3, rating: 4.0)
Share this article
Elena Sokolova

PhD in Economics, Senior Fellow at the Institute for Steppe Studies

Tomas Berg

Independent analyst

Working Paper #12 / 2023

{PARAGRAPH}

{PARAGRAPH.replace("Grain", "Cotton")}

Working Paper #12 / 2023

{PARAGRAPH}

{PARAGRAPH.replace("Grain", "Cotton")}

(votes: 3, rating: 4.0)

Poll conducted

  1. Which route will grow fastest?
    The northern corridor
     12 (40%)
    The southern corridor
     18 (60%)
"""

HTML_PAGE = f"""<!doctype html>
<html lang="en"><head>
<title>Tariffs on the Amur - Border Economics</title>
<meta property="og:site_name" content="Border Economics">
<meta name="author" content="Wei Zhang">
<meta name="citation_publication_date" content="2021">
</head><body>
<nav><a href="/">Home</a> | <a href="/about">About</a> | <a href="/archive">Archive</a></nav>
<article><h1>Tariffs on the Amur</h1>
<p>{PARAGRAPH}</p>
<p>{PARAGRAPH.replace("wheat", "soy")}</p>
</article>
<footer><p>Share this article</p><p>Copyright 2024 Border Economics</p></footer>
</body></html>
"""

# (document, format, the fields it states): fields absent here must stay empty.
EXPECTED = {
    "journal": (
        JOURNAL_PAGE,
        "text",
        {
            "title": "Rail gauges and grain: a decade of steppe logistics",
            "authors": ["Petrov A."],
            "published_on": "2023-03-15",
            "container": "Eastern Review of Trade",
            "doi": "10.5555/ert.2023.4.12",
            "url": "https://review.example.org/articles/412",
        },
    ),
    "blog": (
        BLOG_POST,
        "text",
        {
            "title": "Notes on the Caspian ferry trade",
            "authors": ["Maria Rossi"],
            "published_on": "2022-03-03",
            "container": "Maria Rossi's Blog",
        },
    ),
    "open_access": (
        OPEN_ACCESS_ARTICLE,
        "text",
        {
            "title": "Dry Ports and Wet Markets in Central Asia",
            "authors": ["Chidi Emeka Okafor", "Sara Lindqvist"],
            "published_on": "2018",
            "container": "Review of Eurasian Economics",
            "doi": "10.5555/ree.2018.04.02.7",
        },
    ),
    "brief": (
        BRIEF,
        "text",
        {"title": "Working Paper #12 / 2023", "authors": ["Elena Sokolova", "Tomas Berg"]},
    ),
}

# Written after the rules, never used to tune them: how the rules do on documents of the
# same kinds they were not written against (bench/extraction.py reports both sets).
HOLDOUT = {
    "journal": (
        f"""Home | Journals | Submit
Search
For citation:
Kim S., Park J.
Shipping insurance after the sanctions
// Journal of Maritime Law.
2021. Vol. 3.
DOI: 10.5555/jml.2021.3.7
Published: 01.06.2021
{PARAGRAPH}
""",
        "text",
        {
            "title": "Shipping insurance after the sanctions",
            "authors": ["Kim S.", "Park J."],
            "published_on": "2021-06-01",
            "container": "Journal of Maritime Law",
            "doi": "10.5555/jml.2021.3.7",
        },
    ),
    "blog": (
        f"""Anna Kowalska's Blog

Winter on the Baltic ferries

12 May 2020
Share

{PARAGRAPH}
""",
        "text",
        {
            "title": "Winter on the Baltic ferries",
            "authors": ["Anna Kowalska"],
            "published_on": "2020-05-12",
            "container": "Anna Kowalska's Blog",
        },
    ),
    "open_access": (
        f"""Water Policy Review

Nguyen, Thi Lan, and Brandt, Oskar. (2020). Rivers and Borders in the Mekong Basin. In: Water Policy Review, Vol.8, No.2, 1-20.

DOI: 10.5555/wpr.2020.8.2.1

{PARAGRAPH}
""",  # noqa: E501
        "text",
        {
            "title": "Rivers and Borders in the Mekong Basin",
            "authors": ["Thi Lan Nguyen", "Oskar Brandt"],
            "published_on": "2020",
            "container": "Water Policy Review",
            "doi": "10.5555/wpr.2020.8.2.1",
        },
    ),
    "brief": (
        f"""Print
Ivan Petrenko

Professor of Economics, Kazan Federal University

Analytical Note No. 7

{PARAGRAPH}
""",
        "text",
        {"title": "Analytical Note No. 7", "authors": ["Ivan Petrenko"]},
    ),
}
