from __future__ import annotations

import logging

import pytest

from newsbrief.models import ExtractedArticle
from newsbrief.parsing import furniture_candidates, parse_upload, source_of
from newsbrief.parsing.furniture import (
    drop_learned_furniture,
    known_set,
    normalize_line,
    remove_furniture,
)

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


def test_only_whole_blocks_that_are_not_sentences_are_furniture_candidates() -> None:
    article = ExtractedArticle(
        title="T",
        paragraphs=[
            "Brought to you by Acme Bank",
            "The trial continues.",  # a sentence: the newsroom's own text
            "The mayor said on Monday that the",  # cut: the next paragraph completes it
            "bridge would open.",
            "which the council had promised",  # continues a sentence
            "In other news,",
            ARTICLE_EN,
            "Happy reading!",  # two words: short enough to be a site's sign-off
        ],
    )
    assert furniture_candidates(article) == ["brought to you by acme bank", "happy reading"]


def test_learned_lines_never_remove_a_sentence() -> None:
    paragraphs = [ARTICLE_EN, "The trial continues.", "Acme Bank newsroom", "Thanks!"]
    known = known_set(paragraphs[1:])
    assert drop_learned_furniture(paragraphs, known) == [ARTICLE_EN, "The trial continues."]


def test_learned_lines_that_would_take_much_of_the_article_are_all_kept(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fragments = ["The council approved", "a new budget on", "Tuesday after a long debate"]
    paragraphs = [*fragments, "Acme Bank newsroom", ARTICLE_EN]
    known = known_set([*fragments, "Acme Bank newsroom"])

    with caplog.at_level(logging.WARNING):
        assert drop_learned_furniture(paragraphs, known) == paragraphs
    assert "learned furniture left in place" in caplog.text
    assert "its 4 lines hold 15 of the article's 54 words" in caplog.text

    assert drop_learned_furniture(paragraphs[3:], known) == [ARTICLE_EN]
