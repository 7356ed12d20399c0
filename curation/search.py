"""`q` search, the same answers on PostgreSQL and SQLite (issue 17).

A query is words and "quoted phrases"; a row matches when every one of them matches one
of the searched fields:

- a word in Chinese, Japanese or Korean script (no spaces between words there) matches
  as a substring: any two or more characters of a text find it;
- any other word matches a word of the text that starts with its stem (Snowball's
  English stemmer, PostgreSQL's own): "sanction" finds "sanctioned", "policies" finds
  "policy";
- a phrase matches as it is written, case-blind.

Both are LIKE / regular-expression lookups, which trigram indexes (pg_trgm, migration
0007) serve on PostgreSQL; SQLite scans. The FilterSets' `q` and the admin's search call
`search_filter`.
"""

import re
from functools import cache, reduce
from operator import and_, or_

from django.db.models import Q

_TERMS_RE = re.compile(r'"([^"]+)"|(\S+)')
_CJK_RE = re.compile(
    "[\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f]"
)
_WORD_RE = re.compile(r"\w+")
MAX_TERMS = 8
# What `q` searches in documents, in the API and in the admin alike.
DOCUMENT_SEARCH_FIELDS = ["title", "container", "doi", "url", "text"]


@cache
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def word_root(word: str) -> str:
    """The start every form of an English word shares: its stem, less a final y→i."""
    word = word.lower()
    stem = _stemmer().stemWord(word)
    common = 0
    while common < min(len(word), len(stem)) and word[common] == stem[common]:
        common += 1
    # Snowball writes a final y as i ("policy" -> "polici"): "polic" finds both spellings.
    root = word[:common].removesuffix("i") if stem.endswith("i") else word[:common]
    return root if len(root) >= 3 else word


def terms(value: str) -> list[tuple[str, str]]:
    """(kind, text) pairs: ("substring", …) for phrases and CJK, ("word", root) else."""
    found: list[tuple[str, str]] = []
    for phrase, token in _TERMS_RE.findall(value.strip()):
        if phrase.strip():
            found.append(("substring", " ".join(phrase.split())))
            continue
        if _CJK_RE.search(token):
            found.append(("substring", token))
            continue
        found.extend(("word", word_root(word)) for word in _WORD_RE.findall(token))
    return found[:MAX_TERMS]


def _word_pattern(root: str) -> str:
    # The same syntax means the same in PostgreSQL's ARE and Python's re (SQLite's REGEXP).
    return r"(^|\W)" + re.escape(root)


def search_filter(value: str, fields: list[str]) -> Q | None:
    """A Q matching rows where every term of `value` matches one of `fields` (or None)."""
    conditions = []
    for kind, text in terms(value):
        if kind == "substring":
            lookups = [Q(**{f"{field}__icontains": text}) for field in fields]
        else:
            pattern = _word_pattern(text)
            lookups = [Q(**{f"{field}__iregex": pattern}) for field in fields]
        conditions.append(reduce(or_, lookups))
    return reduce(and_, conditions) if conditions else None


def search(queryset, value: str, fields: list[str]):
    """`queryset` narrowed to the rows `value` finds in `fields` (unchanged when empty)."""
    condition = search_filter(value, fields)
    return queryset if condition is None else queryset.filter(condition)
