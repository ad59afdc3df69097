from __future__ import annotations

import math
from typing import Any

import pytest

from newsbrief.indexing import (
    ArticleNotIndexedError,
    DynamoDBSearchIndex,
    IndexDocument,
    InvalidCursorError,
    SearchRequest,
    dynamodb_index,
)
from newsbrief.indexing.capacity import item_size
from newsbrief.indexing.postings import decode_run

from .support import SMALL_LAYOUT, TABLE, article, ticking_clock

HARBOUR = (
    "The city council approved a plan on Tuesday to rebuild the old harbour wall, which was "
    "damaged by winter storms. Engineers said the new wall would be higher and built from "
    "recycled concrete. Fishermen welcomed the decision but warned that work must finish "
    "before the autumn season, when boats return to port. The council will pay for most of "
    "the project, with the rest coming from a regional fund for coastal towns. Residents "
    "who live near the harbour have asked for the road along the shore to stay open during "
    "construction, and the mayor promised a public meeting next month to discuss the timetable."
)
NUCLEAR = (
    "Negotiators announced a framework for a nuclear deal after talks that ran late into the "
    "night. Under the plan, the country would reduce its centrifuges and allow inspectors "
    "into its sites, while sanctions would be lifted in stages."
)
SCATTERED = (
    "The deal on farm subsidies was signed in the morning. Later, a debate on nuclear power "
    "plants divided the parliament for hours."
)
FOOTBALL = (
    "The home team scored twice in the second half to win the football final. The coach "
    "praised the young striker, who scored the winning goal with a header from a corner."
)
RUSSIAN = (
    "Городской совет обсудил новости о строительстве нового моста через реку. Жители "
    "просили сохранить старый мост для пешеходов."
)


def ids(page: Any) -> list[str]:
    return [hit.id for hit in page.items]


def run_items(dynamodb: Any) -> list[dict[str, Any]]:
    items = dynamodb.scan(TableName=TABLE)["Items"]
    return [i for i in items if i["pk"]["S"].startswith("p")]


def test_search_ranks_matching_articles_with_title_weighted(index: DynamoDBSearchIndex) -> None:
    outcomes = index.upsert(
        [
            article("harbour", HARBOUR, title="Council to rebuild harbour wall"),
            article("football", FOOTBALL, title="Home side wins final"),
            article("storm", "Storms hit the coast; the harbour was closed for a day."),
        ]
    )
    assert [o.duplicate_of for o in outcomes] == [None, None, None]
    page = index.search(SearchRequest(q="harbour"))
    assert ids(page) == ["harbour", "storm"]
    assert page.total == 2
    assert page.items[0].title == "Council to rebuild harbour wall"
    assert page.items[0].score > page.items[1].score
    assert index.search(SearchRequest(q="goal")).total == 1


def test_search_stems_english_and_russian_and_folds_accents(index: DynamoDBSearchIndex) -> None:
    index.upsert(
        [
            article("ru", RUSSIAN, language="ru"),
            article("cafe", "A new café opened near the station, serving coffee to commuters."),
            article("football", FOOTBALL),
        ]
    )
    assert ids(index.search(SearchRequest(q="новость мосты"))) == ["ru"]
    assert ids(index.search(SearchRequest(q="CAFE"))) == ["cafe"]
    assert ids(index.search(SearchRequest(q="scoring"))) == ["football"]
    assert index.search(SearchRequest(q="the of and")).total == 0


def test_phrase_and_exclusion(index: DynamoDBSearchIndex) -> None:
    index.upsert([article("nuclear", NUCLEAR), article("scattered", SCATTERED)])
    assert set(ids(index.search(SearchRequest(q="nuclear deal")))) == {"nuclear", "scattered"}
    phrase = index.search(SearchRequest(q='"nuclear deal"'))
    assert (ids(phrase), phrase.total) == (["nuclear"], 1)
    assert ids(index.search(SearchRequest(q="nuclear -subsidies"))) == ["nuclear"]
    assert ids(index.search(SearchRequest(q='deal -"nuclear deal"'))) == ["scattered"]


def test_phrase_pages_past_the_first_checked_candidates(index: DynamoDBSearchIndex) -> None:
    import random

    rng = random.Random(5)
    vocabulary = [f"{a}{b}" for a in ("bal", "cor", "dun", "fel", "gar") for b in range(60)]

    def story(n: int) -> str:
        words = rng.sample(vocabulary, 30)
        # Half the stories hold the phrase; the other half both words, the other way round.
        middle = "harbour wall" if n % 2 == 0 else "wall harbour"
        return " ".join(words[:15]) + f" {middle} " + " ".join(words[15:])

    index.upsert([article(f"s{n}", story(n)) for n in range(240)])
    with_phrase = {f"s{n}" for n in range(0, 240, 2)}

    first = index.search(SearchRequest(q='"harbour wall"'))
    assert set(ids(first)) <= with_phrase and len(first.items) == 10
    # More candidates than one check reads: the total is estimated, and close.
    assert not first.total_exact and abs(first.total - 120) <= 30
    seen, cursor, last = [], None, first
    while True:
        last = index.search(SearchRequest(q='"harbour wall"', limit=40, cursor=cursor))
        seen += ids(last)
        cursor = last.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(with_phrase)
    assert (last.total, last.total_exact) == (120, True)


def test_filters_and_date_sort(index: DynamoDBSearchIndex) -> None:
    index.upsert(
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
        return ids(index.search(SearchRequest(q="storm warning", **kw)))

    assert set(search()) == {"old", "new", "fr", "undated"}
    assert set(search(language="en")) == {"old", "new", "undated"}
    assert set(search(since="2024-01-01")) == {"new", "fr"}
    assert set(search(until="2023-12-31")) == {"old"}
    assert set(search(since="2024-03-01", until="2024-03-01")) == {"fr"}
    assert set(search(tag="WEATHER")) == {"new", "fr"}
    assert search(sort="date") == ["new", "fr", "old", "undated"]


def test_pages_follow_cursors_without_gaps_or_repeats(index: DynamoDBSearchIndex) -> None:
    docs = [
        article(f"a{i}", f"Report number {i} about the river flood " + "river " * (i % 4))
        for i in range(12)
    ]
    index.upsert(docs[:7])
    index.upsert(docs[7:])
    full = index.search(SearchRequest(q="river flood", limit=100))
    assert full.total == 12 and full.next_cursor is None
    seen, cursor = [], None
    while True:
        page = index.search(SearchRequest(q="river flood", limit=5, cursor=cursor))
        assert page.total == 12
        seen += ids(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ids(full)


def test_bad_cursors_are_rejected(index: DynamoDBSearchIndex) -> None:
    index.upsert([article(f"a{i}", f"River flood report {i}") for i in range(4)])
    cursor = index.search(SearchRequest(q="river", limit=2)).next_cursor
    assert cursor
    payload, mac = cursor.split(".")
    tampered = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + mac
    for bad in (tampered, "garbage", cursor + "x", "a.b.c"):
        with pytest.raises(InvalidCursorError):
            index.search(SearchRequest(q="river", limit=2, cursor=bad))
    with pytest.raises(InvalidCursorError):
        index.search(SearchRequest(q="flood", limit=2, cursor=cursor))
    other_key = DynamoDBSearchIndex(index._client, TABLE, cursor_key=b"another-secret")
    with pytest.raises(InvalidCursorError):
        other_key.search(SearchRequest(q="river", limit=2, cursor=cursor))


def test_snippet_is_escaped_and_marks_matches(index: DynamoDBSearchIndex) -> None:
    index.upsert([article("x", "Officials said the Harbour <script>alert(1)</script> reopened.")])
    snippet = index.search(SearchRequest(q="harbour")).items[0].snippet
    assert snippet == (
        "Officials said the <mark>Harbour</mark> &lt;script&gt;alert(1)&lt;/script&gt; reopened."
    )


def test_reupsert_replaces_postings(index: DynamoDBSearchIndex, dynamodb: Any) -> None:
    index.upsert([article("a", HARBOUR), article("b", FOOTBALL)])
    index.upsert([article("a", NUCLEAR)])
    assert index.search(SearchRequest(q="harbour")).total == 0
    page = index.search(SearchRequest(q="nuclear centrifuges"))
    assert (ids(page), page.total) == (["a"], 1)
    # The same content again changes nothing.
    before = {(i["pk"]["S"], i["sk"]["S"]) for i in dynamodb.scan(TableName=TABLE)["Items"]}
    assert [o.duplicate_of for o in index.upsert([article("a", NUCLEAR)])] == [None]
    after = {(i["pk"]["S"], i["sk"]["S"]) for i in dynamodb.scan(TableName=TABLE)["Items"]}
    assert after == before


def test_delete_leaves_no_posting_behind(index: DynamoDBSearchIndex, dynamodb: Any) -> None:
    index.upsert([article("a", HARBOUR, tags=["coast"]), article("b", FOOTBALL)])
    index.upsert([article("c", NUCLEAR)])
    index.compact()
    index.upsert([article("d", SCATTERED)])
    index.delete(["a", "c", "missing"])
    remaining = {
        p.doc
        for item in run_items(dynamodb)
        for ps in decode_run(item["r"]["B"]).postings.values()
        for p in ps
    }
    keys = {i["pk"]["S"] for i in dynamodb.scan(TableName=TABLE)["Items"]}
    assert not {"i#a", "i#c"} & keys
    assert len(remaining) == 2
    assert index.search(SearchRequest(q="harbour centrifuges coast")).total == 0
    assert ids(index.search(SearchRequest(q="football"))) == ["b"]
    assert ids(index.search(SearchRequest(q="subsidies"))) == ["d"]


def test_near_duplicates_are_flagged_and_shown_once(index: DynamoDBSearchIndex) -> None:
    index.upsert([article("orig", HARBOUR), article("other", FOOTBALL)])
    edited = HARBOUR.replace("Tuesday", "Wednesday").replace("higher", "taller")
    outcomes = index.upsert(
        [
            article("copy", HARBOUR, title="Harbour wall to be rebuilt"),
            article("edited", edited),
            article("fresh", NUCLEAR),
            article("fresh-copy", NUCLEAR),
        ]
    )
    assert [(o.id, o.duplicate_of) for o in outcomes] == [
        ("copy", "orig"),
        ("edited", "orig"),
        ("fresh", None),
        ("fresh-copy", "fresh"),
    ]
    assert ids(index.search(SearchRequest(q="harbour wall"))) == ["orig"]
    assert ids(index.search(SearchRequest(q="centrifuges"))) == ["fresh"]


def test_retried_batch_does_not_duplicate(dynamodb: Any) -> None:
    index = DynamoDBSearchIndex(dynamodb, TABLE, layout=SMALL_LAYOUT, clock=ticking_clock())
    batch = [article("a", HARBOUR), article("b", FOOTBALL)]
    index.upsert(batch)
    # A batch whose records were lost (a crash before the last write) is retried.
    for article_id in ("a", "b"):
        dynamodb.delete_item(
            TableName=TABLE, Key={"pk": {"S": f"i#{article_id}"}, "sk": {"S": "i"}}
        )
    outcomes = index.upsert(batch)
    assert [o.duplicate_of for o in outcomes] == [None, None]
    page = index.search(SearchRequest(q="harbour football"))
    assert sorted(ids(page)) == ["a", "b"] and page.total == 2


def test_related_finds_the_closest_story(index: DynamoDBSearchIndex) -> None:
    index.upsert(
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
    related = index.related("harbour", limit=2)
    assert related[0].id == "harbour-2"
    assert "harbour" not in [hit.id for hit in related]
    with pytest.raises(ArticleNotIndexedError):
        index.related("nope")


def test_compaction_keeps_results(index: DynamoDBSearchIndex, dynamodb: Any) -> None:
    texts = [HARBOUR, NUCLEAR, SCATTERED, FOOTBALL, RUSSIAN]
    for i, text in enumerate(texts):
        index.upsert([article(f"a{i}", text + f" Update {i}.")])
    queries = ["harbour council", "nuclear deal", "football goal", "мост", "update"]
    before = [index.search(SearchRequest(q=q)) for q in queries]
    index.compact()
    after = [index.search(SearchRequest(q=q)) for q in queries]
    assert [ids(p) for p in after] == [ids(p) for p in before]
    assert [p.total for p in after] == [p.total for p in before]
    levels = {i["pk"]["S"].split("#")[0] for i in run_items(dynamodb)}
    assert levels == {"p1"}
    # After compaction each last-level bucket holds one run.
    pks = [i["pk"]["S"] for i in run_items(dynamodb)]
    assert len(pks) == len(set(pks))


class RecordingClient:
    """Passes calls to DynamoDB and keeps every read's request and response."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.reads: list[tuple[str, dict[str, Any], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        call = getattr(self._client, name)
        if name not in ("query", "batch_get_item"):
            return call

        def recorded(**kwargs: Any) -> Any:
            response = call(**kwargs)
            self.reads.append((name, kwargs, response))
            return response

        return recorded


def billed_read_units(reads: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> float:
    """What DynamoDB bills for these reads: a Query page per started 4 KB of its items, a
    batch get per started 4 KB of each item, half for eventually consistent reads, and the
    minimum for a key with no item."""
    units = 0.0
    for name, request, response in reads:
        if name == "query":
            size = sum(item_size(i) for i in response["Items"])
            units += math.ceil(max(size, 1) / 4096) * (1.0 if request["ConsistentRead"] else 0.5)
        else:
            ((table, asked),) = request["RequestItems"].items()
            got = response["Responses"].get(table, [])
            units += sum(math.ceil(max(item_size(i), 1) / 4096) * 0.5 for i in got)
            left = len(response.get("UnprocessedKeys", {}).get(table, {}).get("Keys", []))
            units += 0.5 * (len(asked["Keys"]) - len(got) - left)
    return units


def test_capacity_is_metered_per_key(dynamodb: Any) -> None:
    client = RecordingClient(dynamodb)
    index = dynamodb_index(client, TABLE)
    batch = [
        article("h", HARBOUR),
        article("n", NUCLEAR),
        article("f", FOOTBALL),
        article("s", SCATTERED),
    ]
    index.upsert(batch)
    meter = index.meter
    # Each article writes its record and its stored text, at least a unit each.
    assert meter.write_units_by_kind["record"] == len(batch)
    assert meter.write_units_by_kind["article"] >= len(batch)
    # One level-0 run item per bucket per batch: no posting key took more than a run's worth.
    postings_keys = {k: v for k, v in meter.write_units_by_key.items() if k.startswith("p")}
    assert postings_keys and max(postings_keys.values()) <= 2
    reads_before = meter.read_units
    requests_before = meter.requests["Query"] + meter.requests["BatchGetItem"]
    client.reads.clear()
    page = index.search(SearchRequest(q="harbour nuclear football"))
    # SCATTERED has the three words apart.
    assert set(ids(page)) == {"h", "n", "f", "s"}
    requests = meter.requests["Query"] + meter.requests["BatchGetItem"] - requests_before
    # The postings of three terms, then the hits' records.
    assert requests == len(client.reads)
    assert {name for name, _, _ in client.reads} == {"query", "batch_get_item"}
    assert meter.read_units - reads_before == billed_read_units(client.reads)


def test_empty_and_unknown(index: DynamoDBSearchIndex) -> None:
    assert index.search(SearchRequest(q="anything")).total == 0
    index.delete(["never-indexed"])
    assert index.upsert([]) == []
    assert index.upsert([IndexDocument(id="blank")])[0].duplicate_of is None
    assert index.search(SearchRequest(q='""')).items == []
