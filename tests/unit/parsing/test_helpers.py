from __future__ import annotations

import pytest

from newsbrief.language import detect_language
from newsbrief.parsing import html_to_text, parse_upload
from newsbrief.parsing.dates import normalize_date
from newsbrief.parsing.html import recovers_missed_text, strip_site_name

from .samples import ARTICLE_EN, ARTICLE_JA, ARTICLE_RU


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (ARTICLE_EN, "en"),
        (ARTICLE_RU, "ru"),
        (ARTICLE_JA, "ja"),
        (ARTICLE_EN.upper(), "en"),
        (f"{ARTICLE_RU}\n\n{ARTICLE_RU}", "ru"),
        ("ok", None),
        ("12 34", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_language_is_read_from_the_opening_of_a_long_text() -> None:
    text = ARTICLE_RU * 10 + ARTICLE_EN * 200
    assert detect_language(text) == "ru"


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Bridge reopens after repair | The Courier", "The Courier", "Bridge reopens after repair"),
        ("Bridge reopens after repair - Courier", None, "Bridge reopens after repair"),
        ("The Courier — Bridge reopens after repair", "The Courier", "Bridge reopens after repair"),
        ("Left - right - who wins the vote", None, "Left - right - who wins the vote"),
        ("Plain headline", "Site", "Plain headline"),
    ],
)
def test_strip_site_name(title: str, site: str | None, expected: str) -> None:
    assert strip_site_name(title, site) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01", "2024-05-01"),
        ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00+00:00"),
        ("Tue, 07 May 2024 10:00:00 +0000", "2024-05-07T10:00:00+00:00"),
        ("May 7, 2024", "2024-05-07"),
        ("7", None),
        ("yesterday", None),
        (None, None),
        ("13 марта 2026 г.", "2026-03-13"),
        ("Четверг, 27 августа 2026 года, 09:40", "2026-08-27T09:40:00"),
        ("March 2026", None),
        ("2026", None),
        ("2026-03", None),
    ],
)
def test_normalize_date(value: str | None, expected: str | None) -> None:
    assert normalize_date(value) == expected


def test_html_to_text_keeps_article_drops_navigation(news_page: bytes) -> None:
    text = html_to_text(news_page.decode())

    assert "The harbour bridge reopened to traffic" in text
    assert "Storm warning" not in text
    assert "Privacy policy" not in text


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "\x00\x01"])
def test_html_to_text_on_empty_pages(html: str) -> None:
    assert html_to_text(html) == ""


@pytest.mark.parametrize(
    ("own", "alternative", "recovers"),
    [
        ([], ["Any text at all"], True),
        ([], [], False),
        (["one two three four"], ["one two three four", "five six seven eight"], True),
        (["one two three four"], ["five six seven eight nine ten eleven twelve"], False),
        (["one two three four five"], ["one two three four five six"], False),
    ],
)
def test_recovers_missed_text(own: list[str], alternative: list[str], recovers: bool) -> None:
    assert recovers_missed_text(own, alternative) is recovers


def test_json_ld_keywords_become_tags_without_internal_flags() -> None:
    page = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": "Budget passes", "keywords": "Budget, Council, contentId: 42"}</script>'
        f"</head><body><article><p>{ARTICLE_EN}</p></article></body></html>"
    )
    [article] = parse_upload(page.encode(), filename="page.html")

    assert article.title == "Budget passes"
    assert article.tags == ["Budget", "Council"]
