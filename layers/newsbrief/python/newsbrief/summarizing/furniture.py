"""Page furniture that must never become a summary sentence, and datelines to strip.

Bylines, photo captions and credits, calls to action ("Click here", "Читайте также") and
fragments too short to stand alone are left out of the candidates. A dateline prefix such as
``MOSCOW (Reuters) —`` or ``washington ( cnn )`` is cut from the front of its sentence, so the
summary sentence is the verbatim remainder.
"""

from __future__ import annotations

import re

MIN_WORDS = 5

_AGENCIES = (
    r"reuters|ap|afp|cnn|bloomberg|upi|dpa|efe|ansa|xinhua|pa|ians|pti|"
    r"тасс|риа новости|интерфакс|ria novosti|interfax|tass"
)
_DATELINE = re.compile(
    # "MOSCOW (Reuters) —", "WASHINGTON, May 3 (AP) -", "( cnn ) --", "london ( cnn )"
    rf"^(?:[^\W\d_][\w.,' -]{{0,60}}?\s*)?[(/]\s*(?:{_AGENCIES})\s*[)/]\.?\s*(?:-{{1,2}}|[—–:])?\s*"
    # "LONDON — " (capitalised place, then a dash)
    r"|^[A-ZА-ЯЁ][A-ZА-ЯЁ .'-]{1,40}(?:,\s*[\w .]{1,25})?\s+(?:-{1,2}|[—–])\s+",
    re.IGNORECASE,
)
_DATELINE_MARKS = ("(", "/", "-", "—", "–")
_UPPER_PLACE = re.compile(r"^[A-ZА-ЯЁ][A-ZА-ЯЁ .'-]{1,40}(?:,|\s+[-—–])")

_FURNITURE_START = re.compile(
    r"\s*(?:by\s*[.:]?\s+[\w.,' -]{1,60}$|by\s*\.|автор[:\s]|текст[:\s]|фото[:\s]|"
    r"published\s*:|updated\s*:|last updated|posted\s*:|"
    r"(?:photo|image|picture|photograph|video|credit|caption|illustration)s?\s*(?:credit)?\s*:|"
    r"image copyright|image caption|media caption|getty images|"
    r"читайте (?:также|еще|ещё)|подписывайтесь|смотрите также|источник фото)",
    re.IGNORECASE,
)
_CALLS_TO_ACTION = (
    "click here",
    "read more",
    "sign up for",
    "subscribe to",
    "follow us",
    "share this",
    "scroll down for video",
    "скачайте",
    "перейдите по ссылке",
    "нажмите здесь",
)
# photo credits ("REUTERS/Jane Doe") and trailing "(Photo: ...)" captions
_CREDIT = re.compile(
    r"\b(?:reuters|ap photo|afp|getty images|epa|shutterstock)\s*/\s*\w"
    r"|\((?:photo|image|picture|фото)\b[^)]*\)\s*$",
    re.IGNORECASE,
)


def strip_dateline(sentence: str) -> str:
    """The sentence without a leading dateline; unchanged when there is none or nothing
    would be left."""
    # every dateline has a bracket, slash or dash; most sentences have none of them
    if not any(mark in sentence for mark in _DATELINE_MARKS):
        return sentence
    match = _DATELINE.match(sentence)
    if match is None:
        return sentence
    # the dash form only counts when the place is written in capitals
    agency = "(" in match.group(0) or "/" in match.group(0)
    if not agency and not _UPPER_PLACE.match(sentence):
        return sentence
    rest = sentence[match.end() :].strip()
    return rest if len(rest.split()) >= MIN_WORDS else sentence


def is_credit(sentence: str) -> bool:
    """True for a photo credit such as ``REUTERS/Maxim Shemetov``."""
    return _CREDIT.match(sentence) is not None


def is_furniture(sentence: str) -> bool:
    """True for bylines, captions, credits, calls to action and fragments."""
    if len(sentence.split()) < MIN_WORDS or _FURNITURE_START.match(sentence):
        return True
    lowered = sentence.lower()
    if any(phrase in lowered for phrase in _CALLS_TO_ACTION):
        return True
    return ("/" in sentence or sentence.endswith(")")) and _CREDIT.search(sentence) is not None
