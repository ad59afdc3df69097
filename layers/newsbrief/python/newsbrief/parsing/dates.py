"""Dates as ISO 8601 strings."""

from __future__ import annotations

import re
from datetime import date, datetime

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_MIN_YEAR = 1900
_MAX_YEAR = 2100


def normalize_date(value: str | None) -> str | None:
    """ISO 8601 for a date or timestamp written in a common format; None when unreadable.

    A bare date stays a date (``2024-05-01``); a timestamp keeps its offset when it has one.
    """
    if not value or len(value) > 100:
        return None
    from dateutil import parser

    text = value.strip()
    if not _YEAR.search(text):
        return None  # a lone day or time would be completed with today's date
    try:
        parsed = parser.isoparse(text)
    except (ValueError, OverflowError):
        try:
            parsed = parser.parse(text, fuzzy=False)
        except (ValueError, OverflowError):
            return None
    if not _MIN_YEAR <= parsed.year <= _MAX_YEAR:
        return None
    if _DATE_ONLY.match(text) or _is_midnight_without_zone(parsed, text):
        return date(parsed.year, parsed.month, parsed.day).isoformat()
    return parsed.isoformat()


def _is_midnight_without_zone(parsed: datetime, text: str) -> bool:
    return parsed.tzinfo is None and not re.search(r"\d:\d", text)
