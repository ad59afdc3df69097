"""The reader's languages: which one a page speaks, its translated strings and its dates.

Strings are English in the source and translated through the gettext catalogue under
``locale/`` (``locale/<language>/LC_MESSAGES/reader.po``, compiled to the ``.mo`` beside it
by ``make translations``). The standard library reads the ``.mo``, plural forms included, so
a page pays only for Babel's date formatting, imported when a date is first shown.
"""

from __future__ import annotations

import gettext
import json
from datetime import datetime
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent / "locale"
DOMAIN = "reader"
DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "ru")
# Babel's locale for each language's dates; English keeps the day-month-year order.
DATE_LOCALES = {"en": "en_GB", "ru": "ru"}


def N_(message: str) -> str:
    """Marks a string for the catalogue where it is defined; it is translated where shown."""
    return message


# The widget's strings, sent to newsrooms' pages inside widget.js for every language.
WIDGET_MESSAGES = {
    "button": N_("No time to read? Get a summary"),
    "loading": N_("Getting the summary…"),
    "no_article": N_("This page does not say which article it is."),
    "failed": N_("The summary could not be loaded (%(reason)s)."),
    "not_found": N_("no summary for this article yet"),
    "no_answer": N_("the service did not answer"),
}
# How a summary is labelled by where it came from, on the article page and in the widget.
SUMMARY_LABELS = {
    "machine": N_("Automatically generated summary"),
    "newsroom": N_("Summary by the newsroom"),
    "pending": N_("Summary pending review"),
}


def supported(language: str | None) -> str | None:
    """The page language for a language tag (``ru``, ``ru-RU``, ``RU``), if the reader has it."""
    primary = (language or "").split("-")[0].split("_")[0].strip().lower()
    return primary if primary in LANGUAGES else None


def negotiate(accept_language: str | None) -> str:
    """The reader's language from an ``Accept-Language`` header; English when none matches."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        language = supported(tag)
        if language and weight > 0:
            ranked.append((-weight, position, language))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


@cache
def translations(language: str) -> gettext.NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALES, [language])


def local_date(value: str, language: str) -> str:
    """``2026-03-05T09:00:00Z`` → ``5 March 2026`` or ``5 марта 2026 г.``; else the value as is."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    from babel.dates import format_date

    return format_date(moment.date(), "long", locale=DATE_LOCALES[language])


@cache
def widget_messages() -> str:
    """Every language's widget strings as a JSON object, safe to put in a script."""
    # The script puts the reason where ``{reason}`` stands.
    table = {
        language: {
            key: translations(language).gettext(message) % {"reason": "{reason}"}
            for key, message in {**WIDGET_MESSAGES, **SUMMARY_LABELS}.items()
        }
        for language in LANGUAGES
    }
    # ASCII only: no character in the strings can end a script or a line in JavaScript.
    return json.dumps(table, ensure_ascii=True, sort_keys=True)
