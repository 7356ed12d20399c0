"""Dates as documents state them: full days, or only a month or a year.

A value is an ISO string of the precision the text gives: "2024-10-24", "2024-10" or
"2024". Nothing is completed: a year stays a year.
"""

from __future__ import annotations

import datetime
import re

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
# Numeric dates are read year-first (ISO) or day-first, never month-first: a US-style
# "10/24/2024" then fails validation and is dropped instead of being misread.
_DATE_RE = re.compile(
    r"(?<!\d)(?:"
    r"(?P<iy>\d{4})(?P<isep>[-/.])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2})"
    r"|(?P<dd>\d{1,2})(?P<dsep>[-/.])(?P<dm>\d{1,2})(?P=dsep)(?P<dy>\d{4})"
    rf"|(?P<mname>{_MONTH})\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>\d{{4}})"
    rf"|(?P<nd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<nname>{_MONTH}),?\s+(?P<ny>\d{{4}})"
    r")(?!\d)",
    re.IGNORECASE,
)
_WEEKDAY_PREFIX_RE = re.compile(r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)


def _date_from_match(match: re.Match[str]) -> str | None:
    """Turn a _DATE_RE match into an ISO date, or None when the date does not exist."""
    groups = match.groupdict()
    try:
        if groups["iy"]:
            year, month, day = int(groups["iy"]), int(groups["im"]), int(groups["id"])
        elif groups["dy"]:
            year, month, day = int(groups["dy"]), int(groups["dm"]), int(groups["dd"])
        elif groups["my"]:
            year, day = int(groups["my"]), int(groups["md"])
            month = _MONTHS[groups["mname"][:3].lower()]
        else:
            year, day = int(groups["ny"]), int(groups["nd"])
            month = _MONTHS[groups["nname"][:3].lower()]
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        # 31-02-2024 and friends: ignore rather than guess.
        return None


def _date_at(text: str, pos: int = 0) -> str | None:
    """Parse a date that starts exactly at ``pos``."""
    match = _DATE_RE.match(text, pos)
    return _date_from_match(match) if match else None


def _standalone_date(line: str) -> str | None:
    """Parse a line that consists of a date and nothing else (an optional weekday allowed)."""
    line = line.strip().strip("*_").strip()
    weekday = _WEEKDAY_PREFIX_RE.match(line)
    if weekday:
        line = line[weekday.end() :]
    match = _DATE_RE.fullmatch(line)
    return _date_from_match(match) if match else None


_PARTIAL_RE = re.compile(
    rf"(?:(?P<y1>\d{{4}})(?:-(?P<m1>\d{{1,2}}))?|(?P<mname>{_MONTH})\s+(?P<y2>\d{{4}}))",
    re.IGNORECASE,
)


def _partial_date(value: str) -> str | None:
    """A value known to be a date (a metadata field, a citation's year): the full day when
    it names one, else "YYYY-MM" or "YYYY" as stated. Never a made-up day."""
    value = value.strip()
    full = _date_at(value)
    if full:
        return full
    match = _PARTIAL_RE.match(value)
    rest = value[match.end() :] if match else ""
    # "2023-02-30" is a day that does not exist, not a month to keep.
    if not match or rest[:1].isdigit() or re.match(r"[-/.]\d", rest):
        return None
    year = int(match.group("y1") or match.group("y2"))
    if not 1000 <= year <= 2999:
        return None
    month = (
        int(match.group("m1"))
        if match.group("m1")
        else (_MONTHS[match.group("mname")[:3].lower()] if match.group("mname") else None)
    )
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None
