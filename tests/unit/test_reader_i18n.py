"""The reader's translation catalogue: current with the sources, fully translated, compiled, and
right in the details a Russian reader notices (plural forms, dates, the language chosen)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from newsbrief.reader import i18n

ROOT = Path(__file__).resolve().parents[2]
READER = ROOT / "layers" / "newsbrief" / "python" / "newsbrief" / "reader"
# What `make translations` extracts from.
SOURCES = (READER, ROOT / "functions" / "reader")
PO = i18n.LOCALES / "ru" / "LC_MESSAGES" / "reader.po"
MO = PO.with_suffix(".mo")


def source_messages() -> set[str]:
    with open(i18n.LOCALES / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for folder in SOURCES:
        for _, _, message, _, _ in extract_from_dir(folder, method_map, options_map):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue_messages() -> dict[str, Message]:
    with open(PO, "rb") as po:
        catalog = read_po(po)
    assert not list(catalog.check()), "placeholders differ between a string and its translation"
    return {
        (message.id if isinstance(message.id, str) else message.id[0]): message
        for message in catalog
        if message.id
    }


def test_the_catalogue_holds_every_string_of_the_pages_and_the_widget_translated():
    in_sources = source_messages()
    in_catalogue = catalogue_messages()
    assert len(in_sources) > 60
    assert in_sources - set(in_catalogue) == set(), "run make translations"
    assert set(in_catalogue) - in_sources == set(), "run make translations"
    for msgid, message in in_catalogue.items():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"not translated: {msgid}"
        assert not message.fuzzy, f"fuzzy: {msgid}"
    for label in ("Summary pending review", "Automatically generated summary"):
        assert label in in_catalogue
    assert "Summary by the newsroom" in in_catalogue


def test_the_compiled_catalogue_is_the_catalogue():
    with open(PO, "rb") as po:
        compiled = io.BytesIO()
        write_mo(compiled, read_po(po))
    assert compiled.getvalue() == MO.read_bytes(), "reader.mo is stale: run make translations"


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (1, "1 минута чтения"),
        (2, "2 минуты чтения"),
        (4, "4 минуты чтения"),
        (5, "5 минут чтения"),
        (11, "11 минут чтения"),
        (12, "12 минут чтения"),
        (14, "14 минут чтения"),
        (21, "21 минута чтения"),
        (22, "22 минуты чтения"),
        (25, "25 минут чтения"),
        (111, "111 минут чтения"),
        (101, "101 минута чтения"),
    ],
)
def test_russian_reading_time_takes_the_plural_form_of_its_number(minutes: int, expected: str):
    russian = i18n.translations("ru")
    text = russian.ngettext("%(count)s min read", "%(count)s min read", minutes)
    assert text % {"count": minutes} == expected


def test_english_counts_and_russian_result_counts():
    english = i18n.translations("en")
    assert english.ngettext("%(count)s result", "%(count)s results", 1) % {"count": 1} == "1 result"
    russian = i18n.translations("ru")
    counts = {
        n: russian.ngettext("%(count)s result", "%(count)s results", n) % {"count": n}
        for n in (1, 3, 7)
    }
    assert counts == {1: "1 результат", 3: "3 результата", 7: "7 результатов"}


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        ("2012-01-05T14:32:00+04:00", "ru", "5 января 2012\u202fг."),
        ("2026-03-13T09:40:00+03:00", "ru", "13 марта 2026\u202fг."),
        ("2026-03-05T09:00:00Z", "en", "5 March 2026"),
        ("2026-05-21", "en", "21 May 2026"),
        ("last spring", "ru", "last spring"),
    ],
)
def test_dates_are_written_in_the_language_asked_for(value: str, language: str, expected: str):
    # CLDR keeps "г." on the year's line with a narrow no-break space.
    assert i18n.local_date(value, language) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("en-GB,en;q=0.9,ru;q=0.8", "en"),
        ("de-DE, ru;q=0.5, en;q=0.4", "ru"),
        ("de, fr", "en"),
        ("ru;q=0, en;q=0.1", "en"),
        ("en;q=0.2, ru;q=0.8", "ru"),
        ("ru;q=bogus, en", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_the_reader_language_comes_from_accept_language(header: str | None, expected: str):
    assert i18n.negotiate(header) == expected


def test_the_widget_gets_every_language_with_a_place_for_the_reason():
    table = json.loads(i18n.widget_messages())
    assert set(table) == set(i18n.LANGUAGES)
    assert set(table["en"]) == set(table["ru"]) == {*i18n.WIDGET_MESSAGES, *i18n.SUMMARY_LABELS}
    assert table["ru"]["button"] == "Нет времени читать? Получить краткое содержание"
    assert table["ru"]["failed"] == "Не удалось загрузить краткое содержание ({reason})."
    assert table["en"]["failed"] == "The summary could not be loaded ({reason})."
    assert i18n.widget_messages().isascii()
