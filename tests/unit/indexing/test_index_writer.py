"""Writes: replacing and deleting articles, near-duplicates, retried batches, merges."""

from __future__ import annotations

from typing import Any

from newsbrief.indexing import DynamoDBIndexWriter, DynamoDBSearcher, SearchRequest
from newsbrief.indexing.postings import decode_run

from .support import (
    FOOTBALL,
    HARBOUR,
    NUCLEAR,
    RUSSIAN,
    SCATTERED,
    TABLE,
    article,
    ids,
    run_items,
    writer_and_searcher,
)


def test_reupsert_replaces_postings(
    writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher, dynamodb: Any
) -> None:
    writer.upsert([article("a", HARBOUR), article("b", FOOTBALL)])
    writer.upsert([article("a", NUCLEAR)])
    assert searcher.search(SearchRequest(q="harbour")).total == 0
    page = searcher.search(SearchRequest(q="nuclear centrifuges"))
    assert (ids(page), page.total) == (["a"], 1)
    # The same content again changes nothing.
    before = {(i["pk"]["S"], i["sk"]["S"]) for i in dynamodb.scan(TableName=TABLE)["Items"]}
    assert [o.duplicate_of for o in writer.upsert([article("a", NUCLEAR)])] == [None]
    after = {(i["pk"]["S"], i["sk"]["S"]) for i in dynamodb.scan(TableName=TABLE)["Items"]}
    assert after == before


def test_delete_leaves_no_posting_behind(
    writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher, dynamodb: Any
) -> None:
    writer.upsert([article("a", HARBOUR, tags=["coast"]), article("b", FOOTBALL)])
    writer.upsert([article("c", NUCLEAR)])
    writer.compact()
    writer.upsert([article("d", SCATTERED)])
    writer.delete(["a", "c", "missing"])
    remaining = {
        p.doc
        for item in run_items(dynamodb)
        for ps in decode_run(item["r"]["B"]).postings.values()
        for p in ps
    }
    keys = {i["pk"]["S"] for i in dynamodb.scan(TableName=TABLE)["Items"]}
    assert not {"i#a", "i#c"} & keys
    assert len(remaining) == 2
    assert searcher.search(SearchRequest(q="harbour centrifuges coast")).total == 0
    assert ids(searcher.search(SearchRequest(q="football"))) == ["b"]
    assert ids(searcher.search(SearchRequest(q="subsidies"))) == ["d"]


def test_near_duplicates_are_flagged_and_shown_once(
    writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher
) -> None:
    writer.upsert([article("orig", HARBOUR), article("other", FOOTBALL)])
    edited = HARBOUR.replace("Tuesday", "Wednesday").replace("higher", "taller")
    outcomes = writer.upsert(
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
    assert ids(searcher.search(SearchRequest(q="harbour wall"))) == ["orig"]
    assert ids(searcher.search(SearchRequest(q="centrifuges"))) == ["fresh"]


def test_retried_batch_does_not_duplicate(dynamodb: Any) -> None:
    writer, searcher = writer_and_searcher(dynamodb)
    batch = [article("a", HARBOUR), article("b", FOOTBALL)]
    writer.upsert(batch)
    # A batch whose records were lost (a crash before the last write) is retried.
    for article_id in ("a", "b"):
        dynamodb.delete_item(
            TableName=TABLE, Key={"pk": {"S": f"i#{article_id}"}, "sk": {"S": "i"}}
        )
    outcomes = writer.upsert(batch)
    assert [o.duplicate_of for o in outcomes] == [None, None]
    page = searcher.search(SearchRequest(q="harbour football"))
    assert sorted(ids(page)) == ["a", "b"] and page.total == 2


def test_compaction_keeps_results(
    writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher, dynamodb: Any
) -> None:
    texts = [HARBOUR, NUCLEAR, SCATTERED, FOOTBALL, RUSSIAN]
    for i, text in enumerate(texts):
        writer.upsert([article(f"a{i}", text + f" Update {i}.")])
    queries = ["harbour council", "nuclear deal", "football goal", "мост", "update"]
    before = [searcher.search(SearchRequest(q=q)) for q in queries]
    writer.compact()
    after = [searcher.search(SearchRequest(q=q)) for q in queries]
    assert [ids(p) for p in after] == [ids(p) for p in before]
    assert [p.total for p in after] == [p.total for p in before]
    levels = {i["pk"]["S"].split("#")[0] for i in run_items(dynamodb)}
    assert levels == {"p1"}
    # After compaction each last-level bucket holds one run.
    pks = [i["pk"]["S"] for i in run_items(dynamodb)]
    assert len(pks) == len(set(pks))
