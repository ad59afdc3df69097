"""Bylines, datelines and closing credits: who wrote an article and when, taken out of its
text and into its metadata."""

from __future__ import annotations

import json

import pytest

from newsbrief.parsing import parse_upload
from newsbrief.parsing.article import DERIVED_TITLE_MAX_CHARS, shorten_title
from newsbrief.parsing.credits import (
    byline_author,
    dateline_date,
    drop_closing_credits,
    is_credit_line,
    strip_dateline,
)

from .samples import ARTICLE_EN, ARTICLE_RU


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("By Priya Castell, Transport Reporter", "Priya Castell"),
        ("**By Marta Kowalczyk, Environment Correspondent**", "Marta Kowalczyk"),
        ("By Ann Lee and Pieter de Graaf", "Ann Lee, Pieter de Graaf"),
        ("By Jack Tierney at Carden Park", "Jack Tierney"),
        ("Written by J. R. Hartley", "J. R. Hartley"),
        ("By Harbour Gazette staff", "Harbour Gazette staff"),
        ("Автор: Ирина Соколова", "Ирина Соколова"),
        ("By 2030, the city will run trams all night.", None),
        ("By Tuesday the council had voted", None),
        ("Bystanders filmed the rescue", None),
        ("The council met on Tuesday", None),
    ],
)
def test_byline_author(line: str, author: str | None) -> None:
    assert byline_author(line) == author


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("NORTHFIELD — Thursday 27 August 2026", "2026-08-27"),
        ("NORTHFIELD, 3 March 2026", "2026-03-03"),
        ("*OLLENMOUTH, 9 June 2026*", "2026-06-09"),
        ("Published: 3 March 2026", "2026-03-03"),
        ("КАЛУГА, 13 марта 2026 г.", "2026-03-13"),
        ("March 2026", None),
        ("2026", None),
        ("Election 2026: what changes", None),
        ("Who travels at 3am", None),
        ("NORTHFIELD — Trams will run through the night from 25 September 2026.", None),
    ],
)
def test_dateline_date(line: str, date: str | None) -> None:
    assert dateline_date(line) == date


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Reporting by Ana Ribeiro in Lisbon and Pieter de Graaf; Editing by Tom Achterberg", True),
        ("Additional reporting by J. Smith.", True),
        ("Подготовила Ирина Соколова; редактор Андрей Белов", True),
        ("Reporting by the team that found the fault was thorough.", False),
        ("Редактор издания отказался от комментариев.", False),
        ("Текст законопроекта опубликован на сайте.", False),
    ],
)
def test_is_credit_line(line: str, credit: bool) -> None:
    assert is_credit_line(line) is credit


def test_only_closing_credit_lines_are_dropped() -> None:
    credit = "Reporting by Ann Lee; Editing by Bob Ray"
    assert drop_closing_credits([credit, ARTICLE_EN, credit]) == [credit, ARTICLE_EN]


@pytest.mark.parametrize(
    ("text", "stripped"),
    [
        ("KESTREL BAY — Storm Hilde brought gusts", "Storm Hilde brought gusts"),
        ("LISBON, Jan 19 (Meridian) — Corvane will build", "Corvane will build"),
        ("CARDEN (Agency) -- A late header", "A late header"),
        ("КАЛУГА, 13 марта (Meridian) — Двое астрономов", "Двое астрономов"),
        ("COVID-19 cases rose", "COVID-19 cases rose"),
        ("AI — a revolution in hospitals", "AI — a revolution in hospitals"),
        ("The city — a port — voted", "The city — a port — voted"),
    ],
)
def test_strip_dateline(text: str, stripped: str) -> None:
    assert strip_dateline(text) == stripped


def test_shorten_title_prefers_a_clause_boundary() -> None:
    sentence = (
        "Storm Hilde brought gusts of up to 141 km/h to the coast overnight, cutting power to "
        "about 23,000 homes, halting all ferry services and closing dozens of roads"
    )
    assert shorten_title(sentence, DERIVED_TITLE_MAX_CHARS) == (
        "Storm Hilde brought gusts of up to 141 km/h to the coast overnight"
    )
    unbroken = "word " * 40
    shortened = shorten_title(unbroken.strip(), DERIVED_TITLE_MAX_CHARS)
    assert shortened.endswith("word…")
    assert len(shortened) <= DERIVED_TITLE_MAX_CHARS + 1


def test_text_byline_and_dateline_become_metadata() -> None:
    text = (
        "# Night trams return\n\nBy Priya Castell, Transport Reporter\n\n"
        f"NORTHFIELD — Thursday 27 August 2026\n\n{ARTICLE_EN}\n"
    )
    [article] = parse_upload(text.encode(), filename="trams.md")

    assert article.title == "Night trams return"
    assert article.author == "Priya Castell"
    assert article.published == "2026-08-27"
    assert article.paragraphs == [ARTICLE_EN]


def test_declared_metadata_wins_over_the_byline_which_still_leaves_the_body() -> None:
    item = {
        "title": "Budget",
        "author": "Ann Lee",
        "published": "2026-01-02",
        "body": f"By Bob Ray\n\n5 January 2026\n\n{ARTICLE_EN}",
    }
    [article] = parse_upload(json.dumps(item).encode(), filename="a.json")

    assert (article.author, article.published) == ("Ann Lee", "2026-01-02")
    assert article.paragraphs == [ARTICLE_EN]


def test_byline_before_the_first_line_of_untitled_text() -> None:
    text = f"By Ann Lee\n\n{ARTICLE_EN}\n"
    [article] = parse_upload(text.encode(), filename="a.txt")

    assert article.author == "Ann Lee"
    assert article.title.startswith("The city council approved")


def test_closing_credits_leave_the_body() -> None:
    text = f"Бюджет принят\n\n{ARTICLE_RU}\n\nПодготовила Ирина Соколова; редактор Андрей Белов\n"
    [article] = parse_upload(text.encode(), filename="a.txt")

    assert article.paragraphs == [ARTICLE_RU]


def test_derived_title_loses_its_dateline_and_is_headline_length() -> None:
    body = (
        "KESTREL BAY — Storm Hilde brought gusts of up to 141 km/h to the coast overnight, "
        "cutting power to about 23,000 homes, halting all ferry services and closing dozens of "
        f"roads blocked by fallen trees, emergency services said on Friday.\n\n{ARTICLE_EN}"
    )
    [article] = parse_upload(json.dumps({"text": body}).encode(), filename="storm.json")

    assert article.title == "Storm Hilde brought gusts of up to 141 km/h to the coast overnight"
    assert article.paragraphs[0].startswith("KESTREL BAY — Storm Hilde")
