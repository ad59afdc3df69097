from __future__ import annotations

import pytest

from newsbrief.models import ExtractedArticle
from newsbrief.parsing import furniture_candidates, parse_upload, source_of
from newsbrief.parsing.furniture import normalize_line, remove_furniture

from .samples import ARTICLE_EN


@pytest.mark.parametrize(
    "line",
    [
        "Share this article",
        "SUBSCRIBE NOW",
        "Sign up for our newsletter",
        "Advertisement",
        "Read more",
        "Read more: Ten things to know about the budget",
        "Previous Article",
        "Follow us on Telegram",
        "© 2024 Example Media. All rights reserved.",
        "5 min read",
        "Photo: Ben Castillo/The Harbour Gazette",
        "Нет времени читать?",
        "Получить краткое содержание",
        "Предыдущая статья",
        "Читайте также: Хоккеисты вышли в полуфинал",
        "Поделиться",
        "Подписывайтесь на наш канал в Telegram",
        "Реклама",
        "Фото: пресс-служба мэрии",
        "© 2026 Меридиан. Все права защищены",
    ],
)
def test_furniture_lines_are_removed(line: str) -> None:
    assert remove_furniture([line]) == [False]


@pytest.mark.parametrize(
    "line",
    [
        "Share prices fell sharply on Monday after the announcement.",
        "Advertisement revenue at the broadcaster grew by a fifth last year.",
        "Read the full report on the council's website before the vote.",
        "Photographs taken by the rover show a dry riverbed.",
        "Реклама на остановках принесла городу 12 миллионов рублей.",
        "Поделиться опытом с коллегами приехали врачи из трёх областей.",
    ],
)
def test_prose_that_starts_like_furniture_is_kept(line: str) -> None:
    assert remove_furniture([line]) == [True]


def test_headline_after_a_navigation_marker_is_removed() -> None:
    lines = ["Body text ends here.", "", "Next Article", "", "Another story entirely", "Tail."]
    assert remove_furniture(lines) == [True, True, False, True, False, True]


def test_headline_after_a_russian_navigation_marker_is_removed() -> None:
    lines = ["Конец статьи.", "Следующая статья", "", "В городе откроют скалодром"]
    assert remove_furniture(lines) == [True, False, True, False]


def test_long_lines_are_never_furniture() -> None:
    line = "Share " + ARTICLE_EN * 2
    assert remove_furniture([line]) == [True]


def test_known_furniture_from_the_source_is_removed() -> None:
    text = f"Budget news\n\nBrought to you by Acme Bank\n\n{ARTICLE_EN}\n\n«ACME  bank  NEWSROOM»\n"
    known = ["brought to you by acme bank", "acme bank newsroom"]
    [article] = parse_upload(text.encode(), filename="a.txt", known_furniture=known)

    assert article.paragraphs == [ARTICLE_EN]


def test_furniture_candidates_are_short_normalized_unique_lines() -> None:
    article = ExtractedArticle(
        title="T",
        paragraphs=["Sponsored by  ACME", ARTICLE_EN, "sponsored by acme", "Photo: Reuters"],
    )
    assert furniture_candidates(article) == ["sponsored by acme", "photo: reuters"]


def test_normalize_line() -> None:
    assert normalize_line("  «Read   MORE»… ") == "read more"
    assert normalize_line("Ｆｕｌｌｗｉｄｔｈ") == "fullwidth"


@pytest.mark.parametrize(
    ("filename", "url", "source"),
    [
        ("incoming/x/a.html", "https://www.Example.com/news/1", "example.com"),
        ("incoming/reuters/2024/a.html", None, "reuters"),
        ("incoming/a.html", None, "default"),
        ("a.html", None, "default"),
        ("incoming/Reuters/a.html", "not a url", "reuters"),
    ],
)
def test_source_of(filename: str, url: str | None, source: str) -> None:
    assert source_of(filename, url) == source
