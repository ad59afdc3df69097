"""Uploads that are not articles are rejected with a reason, quickly, and with nothing but
RejectedUploadError."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import random
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsbrief.errors import RejectedUploadError
from newsbrief.parsing import MAX_UPLOAD_BYTES, parse_upload

from .samples import ARTICLE_EN


def rejection(data: bytes, filename: str, content_type: str | None = None) -> RejectedUploadError:
    with pytest.raises(RejectedUploadError) as error:
        parse_upload(data, filename=filename, content_type=content_type)
    assert error.value.message
    return error.value


@pytest.mark.parametrize("data", [b"", b"   \n\t  \r\n"])
def test_empty_file(data: bytes) -> None:
    assert rejection(data, "empty.txt").code == "empty"


def test_binary_junk() -> None:
    junk = random.Random(7).randbytes(4096)
    assert rejection(junk, "article.txt").code == "binary"


def test_image_named_as_text_is_an_unsupported_type() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(200)
    error = rejection(png, "article.txt")
    assert error.code == "unsupported_type"
    assert "PNG" in error.message


def test_oversized_html_page_is_rejected_before_parsing() -> None:
    page = b"<html><body>" + b"<p>" + b"word " * (50 * 1024 * 1024 // 5) + b"</p></body></html>"
    error = rejection(page, "huge.html")
    assert error.code == "too_large"
    assert "10 MB" in error.message


def test_gzip_bomb() -> None:
    bomb = gzip.compress(b"\0" * (MAX_UPLOAD_BYTES * 6), compresslevel=1)
    assert len(bomb) < MAX_UPLOAD_BYTES
    error = rejection(bomb, "page.html.gz")
    assert error.code == "too_large"
    assert "expands" in error.message


def test_zip_bomb_posing_as_word_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/filler.bin", b"\0" * (MAX_UPLOAD_BYTES * 6))
    error = rejection(buffer.getvalue(), "report.docx")
    assert error.code == "too_large"


def test_zip_archive_that_is_not_a_word_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.txt", ARTICLE_EN)
    assert rejection(buffer.getvalue(), "articles.zip").code == "unsupported_type"


def test_corrupt_word_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<not-closed")
    assert rejection(buffer.getvalue(), "broken.docx").code == "malformed"


def test_corrupt_pdf() -> None:
    assert rejection(b"%PDF-1.4\n" + b"garbage " * 50, "broken.pdf").code in {
        "malformed",
        "scanned_pdf",
    }


@pytest.mark.parametrize(
    "page",
    [
        # a listing: headlines that link elsewhere, no prose
        "<html><head><title>Latest news</title></head><body><h1>Latest news</h1><ul>"
        + "".join(f'<li><a href="/story/{i}">Story number {i}</a></li>' for i in range(30))
        + "</ul></body></html>",
        # a login page
        "<html><head><title>Sign in</title></head><body><form><label>Email</label>"
        "<input name=email><label>Password</label><input type=password>"
        "<button>Log in</button></form><a href='/forgot'>Forgot your password?</a></body></html>",
    ],
    ids=["listing", "login"],
)
def test_page_without_an_article(page: str) -> None:
    assert rejection(page.encode(), "page.html").code == "no_article_content"


def test_malformed_html_still_gives_its_text() -> None:
    page = (
        "<html><head><title>Council passes budget</title><body><div><p>"
        f"{ARTICLE_EN}<p>The mayor <b>welcomed <i>the</b> vote</i> on Tuesday evening."
        "<table><tr><td>unclosed"
    )
    [article] = parse_upload(page.encode(), filename="broken.html")

    assert article.paragraphs[0] == ARTICLE_EN


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [("article.pdf", None), ("article.json", None), ("article.docx", "application/pdf")],
)
def test_html_with_a_lying_name_is_parsed_as_html(
    news_page: bytes, filename: str, content_type: str | None
) -> None:
    [article] = parse_upload(news_page, filename=filename, content_type=content_type)

    assert article.title == "Harbour bridge reopens after two-year repair"
    assert article.content_type == "text/html"


def test_plain_text_named_html_is_parsed_as_text() -> None:
    [article] = parse_upload(f"Budget\n\n{ARTICLE_EN}".encode(), filename="page.html")

    assert article.content_type == "text/plain"
    assert article.paragraphs == [ARTICLE_EN]


def test_text_named_json_is_malformed() -> None:
    assert rejection(f"Budget\n\n{ARTICLE_EN}".encode(), "a.json").code == "malformed"


def test_billion_laughs_xml_is_rejected_without_expanding() -> None:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    xml = f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]><lolz>&lol9;</lolz>'
    assert rejection(xml.encode(), "feed.xml").code == "unsupported_type"


def test_entity_expansion_inside_xhtml_is_not_performed() -> None:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    page = (
        f'<?xml version="1.0"?><!DOCTYPE html [{entities}]><html><body>'
        f"<p>&lol9;</p><p>{ARTICLE_EN}</p></body></html>"
    )
    [article] = parse_upload(page.encode(), filename="page.xhtml")

    assert "lollol" not in " ".join(article.paragraphs)


def test_deeply_nested_tags() -> None:
    depth = 200_000
    page = "<html><body>" + "<div>" * depth + f"<p>{ARTICLE_EN}</p>" + "</div>" * depth
    result = _parse_or_reject(page.encode())
    assert result is None or result[0].paragraphs


def test_huge_attribute() -> None:
    page = f'<html><body><p data-x="{"x" * 5_000_000}">{ARTICLE_EN}</p></body></html>'
    result = _parse_or_reject(page.encode())
    assert result is None or ARTICLE_EN in result[0].paragraphs


def _parse_or_reject(data: bytes) -> list | None:
    try:
        return parse_upload(data, filename="hostile.html")
    except RejectedUploadError:
        return None


def test_page_with_far_too_many_elements() -> None:
    page = "<html><body>" + "<span>x</span>" * 40_000 + "</body></html>"
    error = rejection(page.encode(), "dump.html")
    assert error.code == "too_large"
    assert "elements" in error.message


def test_text_far_longer_than_an_article() -> None:
    text = f"Budget\n\n{ARTICLE_EN}\n\n" * 5_000
    assert rejection(text.encode(), "long.txt").code == "too_large"


def test_json_nested_too_deeply() -> None:
    data = b"[" * 100_000 + b"]" * 100_000
    assert rejection(data, "deep.json").code == "malformed"


@settings(max_examples=60, deadline=None)
@given(
    st.binary(max_size=2048),
    st.sampled_from(["a.html", "a.txt", "a.md", "a.json", "a.pdf", "a.docx", "a.bin", "a"]),
)
def test_arbitrary_bytes_give_articles_or_a_rejection(data: bytes, filename: str) -> None:
    try:
        articles = parse_upload(data, filename=filename)
    except RejectedUploadError as error:
        assert error.code in {
            "empty",
            "binary",
            "unsupported_type",
            "undecodable",
            "too_large",
            "no_article_content",
            "malformed",
            "scanned_pdf",
        }
    else:
        assert all(article.paragraphs for article in articles)


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from("<>/=\"' abcdiv p{}[]:,&;#!-\n"), max_size=400))
def test_markup_like_text_gives_articles_or_a_rejection(text: str) -> None:
    with contextlib.suppress(RejectedUploadError):
        parse_upload(text.encode(), filename="a.html")


def test_json_list_too_long() -> None:
    items = [{"body": "x"}] * 1000
    assert rejection(json.dumps(items).encode(), "many.json").code == "too_large"
