"""Extraction accuracy (issue 17): fields right / fields stated, per test document.

Reads the project's own test documents (tests/documents/samples.py) and, when
../shared/corpus/ is there, the four sample documents against what they state
(their text is not copied here: only the expected field values). Prints a table.

    .venv/bin/python bench/extraction.py
"""

import sys

from common import CORPUS, ROOT

sys.path.insert(0, str(ROOT))

from curation.extract import detect_language, extract_metadata, read_html
from tests.documents.samples import EXPECTED, HOLDOUT, HTML_PAGE

HTML_EXPECTED = {
    "title": "Tariffs on the Amur",
    "authors": ["Wei Zhang"],
    "published_on": "2021",
    "container": "Border Economics",
    "language": "en",
}
# What each sample states (issue 17's table); the samples' text stays in shared/.
CORPUS_EXPECTED = {
    "000": {
        "title": "The impact of technological cooperation on Russian-Chinese relations: "
        "prospects and challenges",
        "authors": ["Lin M."],
        "published_on": "2024-10-24",
        "container": "Law and Politics",
        "doi": "10.7256/2454-0706.2024.10.71964",
        "url": "https://en.nbpublish.com/library_read_article.php?id=71964",
        "language": "en",
    },
    "001": {
        "title": "Undercurrents in Russia-China Bonhomie",
        "authors": ["Valerio Fabbri"],
        "published_on": "2021-12-17",
        "container": "Valerio Fabbri's Blog",
        "language": "en",
    },
    "002": {
        "title": "Sino-Russian Cooperation in the Framework of the Project One Belt and One Road",
        "authors": ["Orazalina Korlan Burkitbayevna", "Asset Darimbek"],
        "published_on": "2019",
        "container": "Journal of Social and Political Sciences",
        "doi": "10.31014/aior.1991.02.01.57",
        "language": "en",
    },
    "003": {
        "title": "Policy Brief #51 / 2024",
        "authors": ["Julia Melnikova", "Lyubov Nechayeva"],
        "language": "en",
    },
}
FIELDS = ["title", "authors", "published_on", "container", "doi", "url", "language"]


def score(name: str, found: dict, expected: dict) -> tuple[int, int, int]:
    right = sum(found.get(field) == value for field, value in expected.items())
    invented = sum(1 for field in FIELDS if field not in expected and found.get(field))
    wrong = [field for field, value in expected.items() if found.get(field) != value]
    print(f"| {name} | {right} / {len(expected)} | {invented} | {', '.join(wrong) or '—'} |")
    return right, len(expected), invented


def main() -> None:
    print("| document | fields right / stated | fields invented | wrong or missing |")
    print("| --- | --- | --- | --- |")
    totals = [0, 0, 0]
    rows = []
    for kind, (text, fmt, expected) in sorted(EXPECTED.items()):
        found = extract_metadata(text, fmt)
        found["language"] = detect_language(text)
        rows.append((f"test: {kind} ({fmt})", found, {**expected, "language": "en"}))
    for kind, (text, fmt, expected) in sorted(HOLDOUT.items()):
        found = extract_metadata(text, fmt)
        found["language"] = detect_language(text)
        rows.append((f"held out: {kind} ({fmt})", found, {**expected, "language": "en"}))
    reading = read_html(HTML_PAGE)
    rows.append(("test: web page (html)", reading.metadata, HTML_EXPECTED))
    for prefix, expected in CORPUS_EXPECTED.items():
        path = next(iter(sorted(CORPUS.glob(f"{prefix}_*.txt"))), None)
        if path is None:
            continue
        text = path.read_text(encoding="utf-8")
        found = extract_metadata(text, "text")
        found["language"] = detect_language(text)
        rows.append((f"sample {prefix}", found, expected))
    for name, found, expected in rows:
        for i, value in enumerate(score(name, found, expected)):
            totals[i] += value
    print(f"| **all** | **{totals[0]} / {totals[1]}** | **{totals[2]}** | |")


if __name__ == "__main__":
    main()
