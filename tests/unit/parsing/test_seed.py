from __future__ import annotations

from newsbrief.parsing import parse_upload

FURNITURE = (
    "No time to read?",
    "Get a summary",
    "Previous Article",
    "Next Article",
    "Kokorin’s Cyprus Triumph",
    "Dmitry Puchkov on",
)


def test_seed_article_title_body_and_language(seed_bytes: bytes) -> None:
    [article] = parse_upload(seed_bytes, filename="incoming/seed-article.txt")

    body = " ".join(article.paragraphs)
    assert article.title == "Russia and Uzbekistan discuss steps to strengthen regional stability"
    assert body.startswith("In Moscow, top diplomats")
    assert body.endswith("all dimensions of the bilateral relationship.")
    assert article.paragraphs[0] != article.title
    assert article.language == "en"
    assert len(article.paragraphs) == 7
    for furniture in FURNITURE:
        assert furniture not in body


def test_seed_article_with_windows_line_endings(seed_bytes: bytes) -> None:
    [article] = parse_upload(seed_bytes.replace(b"\n", b"\r\n"), filename="seed.txt")

    assert article.title == "Russia and Uzbekistan discuss steps to strengthen regional stability"
    assert article.paragraphs[-1].endswith("all dimensions of the bilateral relationship.")
