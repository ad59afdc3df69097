from __future__ import annotations

import gzip
import io
import json

import pytest

from newsbrief.errors import RejectedUploadError
from newsbrief.parsing import parse_upload

from .samples import ARTICLE_EN, ARTICLE_RU


def test_html_page_text_and_metadata(news_page: bytes) -> None:
    [article] = parse_upload(news_page, filename="incoming/courier/bridge.html")

    body = "\n".join(article.paragraphs)
    assert article.title == "Harbour bridge reopens after two-year repair"
    assert article.paragraphs[0].startswith("The harbour bridge reopened")
    assert "Traffic expected to ease" in body
    assert article.paragraphs[-1].startswith("The repair cost 48 million euros")
    for boilerplate in ("Share on", "Most read", "Storm warning", "All rights reserved", "Home"):
        assert boilerplate not in body
    assert article.author == "Maria Lindqvist"
    assert article.published == "2024-03-14T09:30:00+01:00"
    assert article.modified == "2024-03-14T11:05:00+01:00"
    assert article.url == "https://courier.example.com/local/harbour-bridge-reopens"
    assert article.image == "https://courier.example.com/images/bridge.jpg"
    assert article.section == "Local"
    assert article.tags == ["Transport", "Infrastructure"]
    assert article.language == "en"
    assert article.content_type == "text/html"


def test_gzip_compressed_html(news_page: bytes) -> None:
    [article] = parse_upload(gzip.compress(news_page), filename="incoming/bridge.html.gz")

    assert article.title == "Harbour bridge reopens after two-year repair"


def test_markdown_title_from_heading_and_markup_removed() -> None:
    text = (
        "# Council passes **budget**\n\n"
        f"{ARTICLE_EN}\n\n"
        "## What changes\n\n"
        "- More money for [teachers](https://example.com/teachers)\n"
        "- Bus services extended to the *northern* districts\n\n"
        "![chart](chart.png)\n"
    )
    [article] = parse_upload(text.encode(), filename="budget.md")

    assert article.title == "Council passes budget"
    assert article.paragraphs[0] == ARTICLE_EN
    assert "What changes" in article.paragraphs
    assert "More money for teachers" in article.paragraphs
    assert "Bus services extended to the northern districts" in article.paragraphs
    assert not any("chart" in p or "](" in p for p in article.paragraphs)
    assert article.content_type == "text/markdown"


def test_plain_text_hard_wrapped_lines_form_one_paragraph() -> None:
    wrapped = "\n".join([ARTICLE_EN[:70], ARTICLE_EN[70:140], ARTICLE_EN[140:]])
    text = f"Council passes budget\n\n{wrapped}\n\nSecond paragraph with a few more words here.\n"
    [article] = parse_upload(text.encode(), filename="budget.txt")

    assert article.title == "Council passes budget"
    assert article.paragraphs[0] == " ".join(ARTICLE_EN.split())
    assert len(article.paragraphs) == 2


def test_json_object_with_metadata() -> None:
    item = {
        "title": "Council passes budget",
        "body": ARTICLE_EN + "\n\nA second paragraph follows here.",
        "author": {"name": "Ann Lee"},
        "published": "Tue, 07 May 2024 10:00:00 +0000",
        "url": "https://news.example.org/budget",
    }
    [article] = parse_upload(json.dumps(item).encode(), filename="a.json")

    assert article.title == "Council passes budget"
    assert article.paragraphs == [ARTICLE_EN, "A second paragraph follows here."]
    assert article.author == "Ann Lee"
    assert article.published == "2024-05-07T10:00:00+00:00"
    assert article.url == "https://news.example.org/budget"
    assert article.content_type == "application/json"


def test_json_list_gives_one_article_each_and_derives_missing_title() -> None:
    items = [{"text": ARTICLE_EN}, {"title": "Бюджет принят", "body": ARTICLE_RU}]
    first, second = parse_upload(json.dumps(items, ensure_ascii=False).encode(), filename="b.json")

    assert first.title.startswith("The city council approved a new budget on Tuesday")
    assert first.paragraphs == [ARTICLE_EN]
    assert first.language == "en"
    assert second.title == "Бюджет принят"
    assert second.language == "ru"


def test_json_body_written_in_html() -> None:
    item = {
        "title": "T",
        "body": f"<p>{ARTICLE_EN}</p><p>Share this article</p><p>Second <b>bold</b> paragraph.</p>",
    }
    [article] = parse_upload(json.dumps(item).encode(), filename="c.json")

    assert article.paragraphs == [ARTICLE_EN, "Second bold paragraph."]


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ({"title": "no body here"}, "malformed"),
        ([1, 2], "malformed"),
        ([], "no_article_content"),
        ({"body": "   "}, "no_article_content"),
    ],
)
def test_json_without_article(document: object, code: str) -> None:
    with pytest.raises(RejectedUploadError) as error:
        parse_upload(json.dumps(document).encode(), filename="d.json")
    assert error.value.code == code


def make_docx(title: str, paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(title, level=0)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.core_properties.author = "Ann Lee"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_title_paragraphs_and_author() -> None:
    data = make_docx("Council passes budget", [ARTICLE_EN, "Share this article", "The end."])
    [article] = parse_upload(data, filename="budget.docx")

    assert article.title == "Council passes budget"
    assert article.paragraphs == [ARTICLE_EN, "The end."]
    assert article.author == "Ann Lee"
    assert article.language == "en"


def make_pdf(lines: list[str] | None, title: str | None = None) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (no text layer when None)."""
    stream = b""
    if lines:
        commands = ["BT", "/F1 11 Tf", "14 TL", "50 780 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            commands.append(f"({escaped}) Tj T*")
        commands.append("ET")
        stream = "\n".join(commands).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    info = b""
    if title:
        objects.append(b"<< /Title (" + title.encode("latin-1") + b") >>")
        info = b" /Info %d 0 R" % len(objects)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        info,
        xref,
    )
    return bytes(out)


def test_pdf_text_layer() -> None:
    lines = [
        "Council passes budget",
        "The city council approved a new budget on Tuesday after a long debate",
        "about school funding and road repairs, councillors said in the evening.",
        "Taxes stay flat while money for teachers and buses grows next year.",
    ]
    [article] = parse_upload(make_pdf(lines), filename="budget.pdf")

    assert article.title == "Council passes budget"
    body = " ".join(article.paragraphs)
    assert body.startswith("The city council approved a new budget")
    assert body.endswith("grows next year.")
    assert article.content_type == "application/pdf"


def test_pdf_title_from_document_information() -> None:
    lines = ["The city council approved a new budget on Tuesday after a long debate about"]
    lines.append("school funding and road repairs, councillors said on Tuesday evening.")
    [article] = parse_upload(make_pdf(lines, title="Council passes budget"), filename="b.pdf")

    assert article.title == "Council passes budget"


def test_pdf_without_text_layer_is_a_scan() -> None:
    with pytest.raises(RejectedUploadError) as error:
        parse_upload(make_pdf(None), filename="scan.pdf")
    assert error.value.code == "scanned_pdf"
