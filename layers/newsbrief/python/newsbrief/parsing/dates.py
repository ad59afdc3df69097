"""Dates as ISO 8601 strings."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
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
_RUSSIAN_FILLERS = ("г", "года", "год", "в", "мск")
# Day-month-year with dots ("05.01.2012") is never written month first.
_DOTTED_DATE = re.compile(r"(?<!\d)\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})(?!\d)")
_PARENTHESES = re.compile(r"\([^()]{0,30}\)")
# Days named relative to the day a page was read: "вчера, 14:32", "Сегодня в 8:15", "yesterday".
_RELATIVE_DAY = re.compile(
    r"^(?P<day>позавчера|вчера|сегодня|yesterday|today)\b[\s,]*(?:в|at)?\s*"
    r"(?P<time>\d{1,2}:\d{2})?\s*$",
    re.IGNORECASE,
)
_DAYS_BACK = {"сегодня": 0, "today": 0, "вчера": 1, "yesterday": 1, "позавчера": 2}


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


def normalize_date(value: str | None, reference: date | None = None) -> str | None:
    """ISO 8601 for a date or timestamp written in a common format; None when unreadable or
    incomplete (a date needs its day).

    A bare date stays a date (``2024-05-01``); a timestamp keeps its offset when it has one.
    Given the day the text was read (``reference``), "вчера, 14:32" and a date without its
    year ("28 ноября в 15:58", the latest such day not after it) are read too.
    """
    if not value or len(value) > 100:
        return None
    text = _PARENTHESES.sub(" ", value).strip()
    if reference is not None:
        relative = _relative(text, reference)
        if relative:
            return relative
    if not _YEAR.search(text):
        return _without_year(text, reference) if reference else None
    parsed = _parse(text)
    if parsed is None or not _MIN_YEAR <= parsed.year <= _MAX_YEAR:
        return None
    return _iso(parsed, text)


def _iso(parsed: datetime, text: str) -> str:
    if _DATE_ONLY.match(text) or _is_midnight_without_zone(parsed, text):
        return date(parsed.year, parsed.month, parsed.day).isoformat()
    return parsed.isoformat()


def _relative(text: str, reference: date) -> str | None:
    match = _RELATIVE_DAY.match(text)
    if match is None:
        return None
    day = reference - timedelta(days=_DAYS_BACK[match.group("day").lower()])
    if not match.group("time"):
        return day.isoformat()
    hour, minute = map(int, match.group("time").split(":"))
    if hour > 23 or minute > 59:
        return None
    return datetime(day.year, day.month, day.day, hour, minute).isoformat()


def _without_year(text: str, reference: date) -> str | None:
    """A day and month without a year: in the reference's year, or the year before when that
    would put it after the reference."""
    for year in (reference.year, reference.year - 1):
        parsed = _parse(text, datetime(year, 1, 1), datetime(year, 2, 2))
        if parsed is not None and parsed.year == year and parsed.date() <= reference:
            return _iso(parsed, text)
    return None


def _parse(
    text: str, default: datetime = _DEFAULT, other_default: datetime = _OTHER_DEFAULT
) -> datetime | None:
    from dateutil import parser

    if _ISO_DAY.match(text):
        try:
            return parser.isoparse(text)
        except (ValueError, OverflowError):
            pass
    dayfirst = bool(_DOTTED_DATE.search(text))
    try:
        parsed = parser.parse(text, parserinfo=_parser_info(), default=default, dayfirst=dayfirst)
        # A part missing from the text ("March 2026" has no day) is filled from the default:
        # parsing again with another default tells whether that happened.
        other = parser.parse(
            text, parserinfo=_parser_info(), default=other_default, dayfirst=dayfirst
        )
    except (ValueError, OverflowError):
        return None
    return parsed if parsed.date() == other.date() else None


def _is_midnight_without_zone(parsed: datetime, text: str) -> bool:
    return parsed.tzinfo is None and not re.search(r"\d:\d", text)
