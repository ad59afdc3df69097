"""The demo's sample articles (examples/articles) read the way a reader would expect:
a title, the author and date where the text states them, and a body without furniture."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsbrief.models import ExtractedArticle
from newsbrief.parsing import parse_upload

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "articles"
SAMPLES = sorted(path.name for path in EXAMPLES.iterdir() if path.name != "README.md")
# Lines no sample's body may hold: furniture, credits, captions, bylines (in any sample).
NEVER_IN_BODY = (
    "No time to read",
    "Get a summary",
    "Previous Article",
    "Next Article",
    "Нет времени читать",
    "Получить краткое содержание",
    "Предыдущая статья",
    "Следующая статья",
    "Reporting by",
    "Подготовила",
    "Photograph:",
    "(Picture:",
    "By Priya Castell",
    "By Marta Kowalczyk",
)


def parse(name: str) -> ExtractedArticle:
    [article] = parse_upload((EXAMPLES / name).read_bytes(), filename=f"incoming/{name}")
    return article


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_has_title_language_and_a_clean_body(name: str) -> None:
    article = parse(name)

    body = "\n".join(article.paragraphs)
    assert article.title
    assert article.language in {"en", "ru"}
    assert len(article.paragraphs) >= 5
    for line in NEVER_IN_BODY:
        assert line not in body, line


def test_russian_furniture_and_the_next_headlines_leave_the_body() -> None:
    article = parse("prirechensk-half-marathon-ru.txt")

    assert article.paragraphs[0].startswith("В воскресенье в Приреченске")
    assert article.paragraphs[-1].startswith("«Пять лет назад")


@pytest.mark.parametrize(
    ("name", "author", "published"),
    [
        ("northfield-night-trams.md", "Priya Castell", "2026-08-27"),
        ("salt-marsh-carbon-study.md", "Marta Kowalczyk", "2026-06-09"),
    ],
)
def test_markdown_byline_and_dateline_become_metadata(
    name: str, author: str, published: str
) -> None:
    article = parse(name)

    assert (article.author, article.published) == (author, published)
    assert not article.paragraphs[0].startswith(("By ", "NORTHFIELD", "OLLENMOUTH"))


def test_untitled_json_gets_a_headline_without_dateline() -> None:
    article = parse("storm-hilde-untitled.json")

    assert article.title == "Storm Hilde brought gusts of up to 141 km/h to the coast overnight"


def test_wire_credit_lines_close_no_article() -> None:
    english = parse("meridian-news-chip-plant.html")
    russian = parse("meridian-news-ru-supernova-cp1251.html")

    assert english.paragraphs[-1].startswith("The first production line")
    assert russian.paragraphs[-1].startswith("«Мои ученики")
