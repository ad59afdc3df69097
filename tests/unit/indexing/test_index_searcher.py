"""Searches: ranking, analysis, phrases and exclusions, filters, sorts, cursors, snippets,
related articles."""

from __future__ import annotations

from typing import Any

import pytest

from newsbrief.indexing import (
    ArticleNotIndexedError,
    DynamoDBIndexWriter,
    DynamoDBSearcher,
    IndexDocument,
    InvalidCursorError,
    SearchRequest,
)

from .support import (
    FOOTBALL,
    HARBOUR,
    NUCLEAR,
    RUSSIAN,
    SCATTERED,
    article,
    ids,
    writer_and_searcher,
)


def test_search_ranks_matching_articles_with_title_weighted(
    writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher
) -> None:
    outcomes = writer.upsert(
        [
            article("harbour", HARBOUR, title="Council to rebuild harbour wall"),
            article("football", FOOTBALL, title="Home side wins final"),
            article("storm", "Storms hit the coast; the harbour was closed for a day."),
        ]
    )
    assert [o.duplicate_of for o in outcomes] == [None, None, None]
    page = searcher.search(SearchRequest(q="harbour"))
    assert ids(page) == ["harbour", "storm"]
    assert page.total == 2
    assert page.items[0].title == "Council to rebuild harbour wall"
    assert page.items[0].score > page.items[1].score
    assert searcher.search(SearchRequest(q="goal")).total == 1


def test_search_stems_english_and_russian_and_folds_accents(
    writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher
) -> None:
    writer.upsert(
        [
            article("ru", RUSSIAN, language="ru"),
            article("cafe", "A new café opened near the station, serving coffee to commuters."),
            article("football", FOOTBALL),
        ]
    )
    assert ids(searcher.search(SearchRequest(q="новость мосты"))) == ["ru"]
    assert ids(searcher.search(SearchRequest(q="CAFE"))) == ["cafe"]
    assert ids(searcher.search(SearchRequest(q="scoring"))) == ["football"]
    assert searcher.search(SearchRequest(q="the of and")).total == 0


def test_phrase_and_exclusion(writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher) -> None:
    writer.upsert([article("nuclear", NUCLEAR), article("scattered", SCATTERED)])
    assert set(ids(searcher.search(SearchRequest(q="nuclear deal")))) == {"nuclear", "scattered"}
    phrase = searcher.search(SearchRequest(q='"nuclear deal"'))
    assert (ids(phrase), phrase.total) == (["nuclear"], 1)
    assert ids(searcher.search(SearchRequest(q="nuclear -subsidies"))) == ["nuclear"]
    assert ids(searcher.search(SearchRequest(q='deal -"nuclear deal"'))) == ["scattered"]


def test_phrase_pages_past_the_first_checked_candidates(
    writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher
) -> None:
    import random

    rng = random.Random(5)
    vocabulary = [f"{a}{b}" for a in ("bal", "cor", "dun", "fel", "gar") for b in range(60)]

    def story(n: int) -> str:
        words = rng.sample(vocabulary, 30)
        # Half the stories hold the phrase; the other half both words, the other way round.
        middle = "harbour wall" if n % 2 == 0 else "wall harbour"
        return " ".join(words[:15]) + f" {middle} " + " ".join(words[15:])

    writer.upsert([article(f"s{n}", story(n)) for n in range(240)])
    with_phrase = {f"s{n}" for n in range(0, 240, 2)}

    first = searcher.search(SearchRequest(q='"harbour wall"'))
    assert set(ids(first)) <= with_phrase and len(first.items) == 10
    # More candidates than one check reads: the total is estimated, and close.
    assert not first.total_exact and abs(first.total - 120) <= 30
    seen, cursor, last = [], None, first
    while True:
        last = searcher.search(SearchRequest(q='"harbour wall"', limit=40, cursor=cursor))
        seen += ids(last)
        cursor = last.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(with_phrase)
    assert (last.total, last.total_exact) == (120, True)


def test_filters_and_date_sort(writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher) -> None:
    writer.upsert(
        [
            article("old", "Storm warning for the coast.", published="2023-01-05", language="en"),
            article(
                "new",
                "Storm warning again for the coast.",
                published="2024-06-01T08:00:00Z",
                language="en",
                tags=["Weather"],
            ),
            article(
                "fr",
                "Storm warning, tempête sur la côte.",
                published="2024-03-01",
                language="fr",
                tags=["weather", "France"],
            ),
            article("undated", "A storm warning with no date.", language="en"),
        ]
    )

    def search(**kw: Any) -> list[str]:
        return ids(searcher.search(SearchRequest(q="storm warning", **kw)))

    assert set(search()) == {"old", "new", "fr", "undated"}
    assert set(search(language="en")) == {"old", "new", "undated"}
    assert set(search(since="2024-01-01")) == {"new", "fr"}
    assert set(search(until="2023-12-31")) == {"old"}
    assert set(search(since="2024-03-01", until="2024-03-01")) == {"fr"}
    assert set(search(tag="WEATHER")) == {"new", "fr"}
    assert search(sort="date") == ["new", "fr", "old", "undated"]


def test_pages_follow_cursors_without_gaps_or_repeats(
    writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher
) -> None:
    docs = [
        article(f"a{i}", f"Report number {i} about the river flood " + "river " * (i % 4))
        for i in range(12)
    ]
    writer.upsert(docs[:7])
    writer.upsert(docs[7:])
    full = searcher.search(SearchRequest(q="river flood", limit=100))
    assert full.total == 12 and full.next_cursor is None
    seen, cursor = [], None
    while True:
        page = searcher.search(SearchRequest(q="river flood", limit=5, cursor=cursor))
        assert page.total == 12
        seen += ids(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ids(full)


def test_bad_cursors_are_rejected(
    writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher, dynamodb: Any
) -> None:
    writer.upsert([article(f"a{i}", f"River flood report {i}") for i in range(4)])
    cursor = searcher.search(SearchRequest(q="river", limit=2)).next_cursor
    assert cursor
    payload, mac = cursor.split(".")
    tampered = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + mac
    for bad in (tampered, "garbage", cursor + "x", "a.b.c"):
        with pytest.raises(InvalidCursorError):
            searcher.search(SearchRequest(q="river", limit=2, cursor=bad))
    with pytest.raises(InvalidCursorError):
        searcher.search(SearchRequest(q="flood", limit=2, cursor=cursor))
    _, other_key = writer_and_searcher(dynamodb, cursor_key=b"another-secret")
    with pytest.raises(InvalidCursorError):
        other_key.search(SearchRequest(q="river", limit=2, cursor=cursor))


def test_snippet_is_escaped_and_marks_matches(
    writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher
) -> None:
    writer.upsert([article("x", "Officials said the Harbour <script>alert(1)</script> reopened.")])
    snippet = searcher.search(SearchRequest(q="harbour")).items[0].snippet
    assert snippet == (
        "Officials said the <mark>Harbour</mark> &lt;script&gt;alert(1)&lt;/script&gt; reopened."
    )


def test_related_finds_the_closest_story(
    writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher
) -> None:
    writer.upsert(
        [
            article("harbour", HARBOUR),
            article(
                "harbour-2",
                "Fishermen said the harbour wall plan and the council fund "
                "for coastal towns came too late for the season.",
            ),
            article("football", FOOTBALL),
            article("nuclear", NUCLEAR),
        ]
    )
    related = searcher.related("harbour", limit=2)
    assert related[0].id == "harbour-2"
    assert "harbour" not in [hit.id for hit in related]
    with pytest.raises(ArticleNotIndexedError):
        searcher.related("nope")


def test_empty_and_unknown(writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher) -> None:
    assert searcher.search(SearchRequest(q="anything")).total == 0
    writer.delete(["never-indexed"])
    assert writer.upsert([]) == []
    assert writer.upsert([IndexDocument(id="blank")])[0].duplicate_of is None
    assert searcher.search(SearchRequest(q='""')).items == []
