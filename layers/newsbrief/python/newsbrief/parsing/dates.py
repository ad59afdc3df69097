"""Dates as ISO 8601 strings."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from dateutil.parser import parserinfo

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_MIN_YEAR = 1900
_MAX_YEAR = 2100
_DEFAULT = datetime(2000, 1, 1)
_OTHER_DEFAULT = datetime(2001, 2, 2)
# Russian month names (nominative and genitive, full and short) and weekdays, so that dates
# written in Russian text ("13 марта 2026 г.") read like English ones.
_RUSSIAN_MONTHS = (
    ("январь", "января", "янв"),
    ("февраль", "февраля", "фев"),
    ("март", "марта", "мар"),
    ("апрель", "апреля", "апр"),
    ("май", "мая"),
    ("июнь", "июня", "июн"),
    ("июль", "июля", "июл"),
    ("август", "августа", "авг"),
    ("сентябрь", "сентября", "сен", "сент"),
    ("октябрь", "октября", "окт"),
    ("ноябрь", "ноября", "ноя"),
    ("декабрь", "декабря", "дек"),
)
_RUSSIAN_WEEKDAYS = (
    ("понедельник", "пн"),
    ("вторник", "вт"),
    ("среда", "среду", "ср"),
    ("четверг", "чт"),
    ("пятница", "пятницу", "пт"),
    ("суббота", "субботу", "сб"),
    ("воскресенье", "вс"),
)
_RUSSIAN_FILLERS = ("г", "года", "год", "в")


@lru_cache(maxsize=1)
def _parser_info() -> parserinfo:
    from dateutil.parser import parserinfo

    class MultilingualParserInfo(parserinfo):
        MONTHS: ClassVar[list[tuple[str, ...]]] = [
            (*english, *russian)
            for english, russian in zip(parserinfo.MONTHS, _RUSSIAN_MONTHS, strict=True)
        ]
        WEEKDAYS: ClassVar[list[tuple[str, ...]]] = [
            (*english, *russian)
            for english, russian in zip(parserinfo.WEEKDAYS, _RUSSIAN_WEEKDAYS, strict=True)
        ]
        JUMP: ClassVar[list[str]] = [*parserinfo.JUMP, *_RUSSIAN_FILLERS]

    return MultilingualParserInfo()


def normalize_date(value: str | None) -> str | None:
    """ISO 8601 for a date or timestamp written in a common format; None when unreadable or
    incomplete (a date needs its day).

    A bare date stays a date (``2024-05-01``); a timestamp keeps its offset when it has one.
    """
    if not value or len(value) > 100:
        return None
    text = value.strip()
    if not _YEAR.search(text):
        return None  # a lone day or time would be completed with today's date
    parsed = _parse(text)
    if parsed is None or not _MIN_YEAR <= parsed.year <= _MAX_YEAR:
        return None
    if _DATE_ONLY.match(text) or _is_midnight_without_zone(parsed, text):
        return date(parsed.year, parsed.month, parsed.day).isoformat()
    return parsed.isoformat()


def _parse(text: str) -> datetime | None:
    from dateutil import parser

    if _ISO_DAY.match(text):
        try:
            return parser.isoparse(text)
        except (ValueError, OverflowError):
            pass
    try:
        parsed = parser.parse(text, parserinfo=_parser_info(), default=_DEFAULT)
        # A part missing from the text ("March 2026" has no day) is filled from the default:
        # parsing again with another default tells whether that happened.
        other = parser.parse(text, parserinfo=_parser_info(), default=_OTHER_DEFAULT)
    except (ValueError, OverflowError):
        return None
    return parsed if parsed.date() == other.date() else None


def _is_midnight_without_zone(parsed: datetime, text: str) -> bool:
    return parsed.tzinfo is None and not re.search(r"\d:\d", text)
