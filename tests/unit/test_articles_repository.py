"""The articles table adapter in moto: ordering guards, listing across shards, cursors."""

from __future__ import annotations

import pytest
from harness import Pipeline

from newsbrief import runtime
from newsbrief.models import ParsedArticle, SourceRef
from newsbrief.storage.articles import InvalidCursorError, StaleUpdateError


def parsed(article_id: str, sequencer: str, title: str = "T", published: str | None = None):
    return ParsedArticle(
        id=article_id,
        title=title,
        published=published,
        paragraphs=["Body text."],
        word_count=2,
        reading_time_minutes=1,
        content_sha256=title * 2,
        source=SourceRef(
            bucket="b",
            key=f"incoming/{article_id}",
            content_type="text/plain",
            size=1,
            sequencer=sequencer,
        ),
        parsed_at="2026-01-01T00:00:00Z",
        parser_version="1",
    )


def test_an_older_event_never_overwrites_a_newer_one(pipeline: Pipeline):
    articles = runtime.article_repository()
    articles.record_parsed(parsed("a1", "B0", "newer"))
    with pytest.raises(StaleUpdateError):
        articles.record_parsed(parsed("a1", "AF", "older"))
    # Sequencers of different lengths compare as S3 says: the shorter padded on the right
    # with zeros, so "A123" is older than "B0" (left-padded, "00B0", it would be newer).
    with pytest.raises(StaleUpdateError):
        articles.record_parsed(parsed("a1", "A123", "older and longer"))
    articles.record_parsed(parsed("a1", "B001", "latest"))
    record = articles.get("a1")
    assert record is not None and record.title == "latest"
    with pytest.raises(StaleUpdateError):
        articles.record_parsed(parsed("a1", "B0", "newer again"))
    # "B01" is "B010" padded: after "B001" (left-padded, "0B01", it would be before).
    assert not articles.delete("a1", "B0")
    assert articles.delete("a1", "B01")
    assert articles.get("a1") is None


def test_listing_pages_cover_every_article_once(pipeline: Pipeline):
    articles = runtime.article_repository()
    for n in range(25):
        articles.record_parsed(
            parsed(f"id{n:02d}", "01", f"t{n}", published=f"2026-01-{n + 1:02d}T00:00:00Z")
        )
    seen = []
    cursor = None
    while True:
        items, cursor = articles.list_records(4, cursor)
        seen.extend(item.id for item in items)
        if cursor is None:
            break
    assert seen == [f"id{n:02d}" for n in range(24, -1, -1)]


def test_a_tampered_cursor_is_refused(pipeline: Pipeline):
    articles = runtime.article_repository()
    with pytest.raises(InvalidCursorError):
        articles.list_records(4, "eyJ2IjoxLCJwIjp7fX0")


def test_canonical_url_lookup_follows_the_latest_parse(pipeline: Pipeline):
    articles = runtime.article_repository()
    story = parsed("u1", "01", "first").model_copy(update={"url": "https://news.example/a"})
    articles.record_parsed(story)
    assert articles.ids_for_url("https://news.example/a") == ["u1"]
    assert articles.ids_for_url("https://news.example/a/") == []
    # A re-upload without the URL, or with one too long for an index key, drops the lookup.
    articles.record_parsed(parsed("u1", "02", "second"))
    assert articles.ids_for_url("https://news.example/a") == []
    long_url = "https://news.example/" + "x" * 3000
    articles.record_parsed(parsed("u1", "03", "third").model_copy(update={"url": long_url}))
    record = articles.get("u1")
    assert record is not None and record.url == long_url
    assert articles.ids_for_url(long_url) == []
