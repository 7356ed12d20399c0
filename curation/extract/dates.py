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
