from __future__ import annotations

import pytest

from newsbrief.language import detect_language
from newsbrief.parsing import html_to_text, parse_upload
from newsbrief.parsing.dates import normalize_date
from newsbrief.parsing.html import recovers_missed_text, strip_site_name

from .samples import ARTICLE_EN, ARTICLE_JA, ARTICLE_RU


@pytest.mark.parametrize(
    ("text", "language"),
    [(ARTICLE_EN, "en"), (ARTICLE_RU, "ru"), (ARTICLE_JA, "ja"), ("ok", None), ("12 34", None)],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


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
