"""Who wrote an article and when, as stated in its own lines: bylines and datelines that open
it, credit lines that close it ("Reporting by ...; Editing by ..."), and the dateline prefix
of a lead paragraph ("LISBON, Jan 19 (Meridian) — ...")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from newsbrief.parsing.dates import normalize_date

# A byline or dateline is a short line of its own.
_MAX_LEAD_LINE_CHARS = 120
_MAX_LEAD_LINE_WORDS = 14
# Bylines and datelines come before the first paragraph of prose.
_MAX_LEAD_LINES = 4
_MAX_NAME_WORDS = 5
_MAX_ROLE_WORDS = 4

_BYLINE = re.compile(
    r"^(?:(?:by|written by|words by|story by|text by|подготовил[аи]?)\s+"
    r"|(?:authors?|авторы?(?:\s+(?:материала|статьи|текста))?|текст(?:\s+и\s+фото)?"
    r"|материал\s+подготовил[аи]?)\s*:\s*)"
    r"(?P<names>\S.*)$",
    re.IGNORECASE,
)
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b|\bи\b)\s*")
# "Ann Lee in Lisbon", "Jack Tierney at Carden Park": the place is not part of the name.
_PLACE_SUFFIX = re.compile(r"\s+(?:in|at|from|в|из)\s+\S.*$")
_ROLE_WORDS = frozenset(
    (
        *("reporter", "correspondent", "editor", "writer", "columnist", "journalist", "staff"),
        *("contributor", "producer", "analyst", "critic", "photographer", "desk", "team"),
        *("корреспондент", "редактор", "обозреватель", "журналист", "журналистка", "колумнист"),
        "редакция",
    )
)
_NAME_PARTICLES = frozenset(
    (
        *("de", "da", "di", "del", "della", "der", "den", "van", "von", "le", "la", "du"),
        *("dos", "bin", "al", "ibn", "ter"),
    )
)
_NAME_WORD = re.compile(r"^(?:[^\W\d_]\.)+$|^[^\W\d_][\w'’.\-]*$")

_DATE_LABEL = re.compile(
    r"^(?:published|updated|posted|last\ updated|опубликовано|обновлено|дата\ публикации)"
    r"(?:\s+on)?\s*:?\s*",
    re.IGNORECASE | re.VERBOSE,
)
_DATELINE_SEPARATOR = re.compile(r"\s*(?:—|–|--|\s-\s|,|:|\|)\s*")
_DIGIT_GROUPS = re.compile(r"\d+")

_UPPER = "A-ZÀ-ÖØ-ÞА-ЯЁ"
# "KESTREL BAY —", "CITY (Agency) —", "LISBON, Jan 19 (Meridian) —" at the start of a paragraph.
_DATELINE_PREFIX = re.compile(
    rf"^[{_UPPER}][{_UPPER}'’.\- ]+[{_UPPER}.]"
    r"(?:,\s*[^—–()\n]{1,30}?)?"
    r"(?:\s*\([^()\n]{1,40}\))?"
    r"\s*(?:—|–|--|\s-)\s+"
)

_CREDIT = re.compile(
    r"^(?:(?:additional |extra )?(?:reporting|writing|editing|research|graphics|production"
    r"|fact-checking|compiled|edited|written|produced|translated) by"
    r"|подготовил[аи]?|редакторы?|при участии|перевод|текст:|фото:)\s+(?P<names>\S.*)$",
    re.IGNORECASE,
)
_CREDIT_SEPARATORS = re.compile(r"\s*[;|]\s*")
# Credit lines close an article: only this many lines from its end are looked at.
_MAX_TAIL_LINES = 3


@dataclass(frozen=True)
class LeadCredits:
    """What the opening lines say, and the body without them."""

    author: str | None
    published: str | None
    body: list[str]

    def followed_by(self, later: LeadCredits) -> LeadCredits:
        """These credits completed by those of lines further on, with the later body."""
        return LeadCredits(
            self.author or later.author, self.published or later.published, later.body
        )


def take_lead_credits(paragraphs: Sequence[str], reference: date | None = None) -> LeadCredits:
    """Bylines and datelines among the opening lines become author and date, and leave the
    body; the first line that is neither ends the search. ``reference``, the day the text was
    received, dates lines such as "вчера, 14:32"."""
    author: str | None = None
    published: str | None = None
    taken = 0
    for paragraph in paragraphs[:_MAX_LEAD_LINES]:
        byline = byline_author(paragraph)
        if byline is not None:
            author = author or byline
        else:
            day = dateline_date(paragraph, reference)
            if day is None:
                break
            published = published or day
        taken += 1
    return LeadCredits(author, published, list(paragraphs[taken:]))


def drop_closing_credits(paragraphs: Sequence[str]) -> list[str]:
    """The paragraphs without the credit lines ("Reporting by ...; Editing by ...") that
    close them."""
    end = len(paragraphs)
    while (
        end > 0 and len(paragraphs) - end < _MAX_TAIL_LINES and is_credit_line(paragraphs[end - 1])
    ):
        end -= 1
    return list(paragraphs[:end])


def _short_line(line: str) -> str | None:
    text = line.strip().strip("*_").strip()
    if not text or len(text) > _MAX_LEAD_LINE_CHARS or len(text.split()) > _MAX_LEAD_LINE_WORDS:
        return None
    return text


def byline_author(line: str) -> str | None:
    """The author named by a byline ("By Ann Lee, Transport Reporter" → "Ann Lee"), None for
    any other line. Roles and places are left out; several names are joined with commas."""
    text = _short_line(line)
    match = _BYLINE.match(text) if text else None
    if match is None:
        return None
    names_text = match.group("names").rstrip(".").strip()
    names = _names(names_text)
    if names is None:
        return None
    return ", ".join(names) if names else names_text  # "By Harbour Gazette staff"


def _names(text: str) -> list[str] | None:
    """The people named in a credit ("Ann Lee in Lisbon and Bob Ray, Editor" → both names);
    None when a part is neither a name nor a role, as in prose ("By 2030, the city ...")."""
    names: list[str] = []
    roles = False
    for part in _NAME_SEPARATORS.split(text):
        part = _PLACE_SUFFIX.sub("", part).strip()
        if not part:
            continue
        words = part.split()
        if len(words) <= _MAX_ROLE_WORDS and words[-1].casefold() in _ROLE_WORDS:
            roles = True  # "Transport Reporter", "Harbour Gazette staff"
        elif _is_name(words):
            names.append(part)
        else:
            return None
    return names if names or roles else None


def _is_name(words: list[str]) -> bool:
    if not 1 <= len(words) <= _MAX_NAME_WORDS or not words[0][:1].isupper():
        return False
    return all(
        _NAME_WORD.match(word) and (word[:1].isupper() or word in _NAME_PARTICLES) for word in words
    )


def dateline_date(line: str, reference: date | None = None) -> str | None:
    """The date of a dateline line ("NORTHFIELD — Thursday 27 August 2026", "9 June 2026",
    "Published: 3 March 2026"), None for any other line."""
    text = _short_line(line)
    if text is None:
        return None
    text = _DATE_LABEL.sub("", text)
    candidates = [text]
    place, separator, rest = _split_once(text)
    if separator and place and not any(char.isdigit() for char in place):
        candidates.append(rest)
    for candidate in candidates:
        # A day and a year at least: "March 2026" or a lone "2026" is no date to publish.
        if len(_DIGIT_GROUPS.findall(candidate)) >= 2:
            day = normalize_date(candidate, reference)
            if day:
                return day
    return None


def _split_once(text: str) -> tuple[str, str, str]:
    match = _DATELINE_SEPARATOR.search(text)
    if match is None:
        return text, "", ""
    return text[: match.start()], match.group(), text[match.end() :]


def strip_dateline(text: str) -> str:
    """The text without a leading dateline ("KESTREL BAY — Storm ..." → "Storm ...")."""
    match = _DATELINE_PREFIX.match(text)
    return text[match.end() :] if match else text


def is_credit_line(line: str) -> bool:
    """Whether a line only credits the people who made the story ("Reporting by Ann Lee;
    Editing by Tom Achterberg", "Подготовила Ирина Соколова; редактор Андрей Белов")."""
    text = line.strip().strip("*_").strip().rstrip(".")
    if not text or len(text.split()) > 3 * _MAX_LEAD_LINE_WORDS:
        return False
    parts = [part for part in _CREDIT_SEPARATORS.split(text) if part]
    for part in parts:
        match = _CREDIT.match(part)
        if match is None or _names(match.group("names")) is None:
            return False
    return bool(parts)
