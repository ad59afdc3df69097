from __future__ import annotations

import codecs

import pytest

from newsbrief.parsing import parse_upload

from .samples import ARTICLE_EN, ARTICLE_JA, ARTICLE_RU


def html_page(title: str, body: str, charset: str | None) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    paragraphs = "".join(f"<p>{body}</p>" for _ in range(2))
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head>"
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )


@pytest.mark.parametrize(
    ("encoding", "title", "body", "language"),
    [
        ("windows-1251", "Бюджет принят", ARTICLE_RU, "ru"),
        ("koi8-r", "Бюджет принят", ARTICLE_RU, "ru"),
        ("shift_jis", "予算が承認されました", ARTICLE_JA, "ja"),
        ("utf-8", "Бюджет принят", ARTICLE_RU, "ru"),
    ],
)
def test_html_in_declared_charset(encoding: str, title: str, body: str, language: str) -> None:
    data = html_page(title, body, encoding).encode(encoding)
    [article] = parse_upload(data, filename="page.html")

    assert article.title == title
    assert article.paragraphs[0] == body
    assert article.language == language


@pytest.mark.parametrize("encoding", ["windows-1251", "koi8-r"])
def test_cyrillic_text_without_declaration_is_detected(encoding: str) -> None:
    text = f"Бюджет принят\n\n{ARTICLE_RU}\n\n{ARTICLE_RU}\n"
    [article] = parse_upload(text.encode(encoding), filename="news.txt")

    assert article.title == "Бюджет принят"
    assert article.paragraphs[0] == ARTICLE_RU


def test_shift_jis_text_without_declaration_is_detected() -> None:
    text = f"予算が承認されました\n\n{ARTICLE_JA}\n\n{ARTICLE_JA}\n"
    [article] = parse_upload(text.encode("shift_jis"), filename="news.txt")

    assert article.title == "予算が承認されました"
    assert article.language == "ja"


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF16_LE + html_page("Budget", ARTICLE_EN, None).encode("utf-16-le"),
        codecs.BOM_UTF16_BE + html_page("Budget", ARTICLE_EN, None).encode("utf-16-be"),
        html_page("Budget", ARTICLE_EN, None).encode("utf-16-le"),
        codecs.BOM_UTF8 + html_page("Budget", ARTICLE_EN, None).encode("utf-8"),
    ],
    ids=["utf16le-bom", "utf16be-bom", "utf16le-no-bom", "utf8-bom"],
)
def test_unicode_encodings_and_byte_order_marks(data: bytes) -> None:
    [article] = parse_upload(data, filename="page.html")

    assert article.title == "Budget"
    assert article.paragraphs[0] == ARTICLE_EN


def test_utf8_bytes_win_over_a_wrong_declaration() -> None:
    data = html_page("Бюджет принят", ARTICLE_RU, "iso-8859-1").encode("utf-8")
    [article] = parse_upload(data, filename="page.html")

    assert article.title == "Бюджет принят"


def test_content_type_charset_is_used() -> None:
    data = f"Бюджет принят\n\n{ARTICLE_RU}\n".encode("koi8-r")
    [article] = parse_upload(data, filename="a.txt", content_type="text/plain; charset=koi8-r")

    assert article.paragraphs == [ARTICLE_RU]
