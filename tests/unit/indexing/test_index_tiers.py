"""Size-tiered last-level merges: which runs a merge folds, and that searches cannot tell."""

from __future__ import annotations

import random
from typing import Any

from newsbrief.indexing import (
    DynamoDBIndexWriter,
    DynamoDBSearcher,
    IndexDocument,
    IndexLayout,
    IndexTable,
    SearchRequest,
)
from newsbrief.indexing.capacity import CapacityMeter, Item, item_size
from newsbrief.indexing.postings import decode_run
from newsbrief.indexing.writer import run_tier, runs_to_merge

from .support import FOOTBALL, HARBOUR, NUCLEAR, SCATTERED, TABLE, run_items, ticking_clock

# Appends of about 2 articles to the last level (full_batch 1 x merge_every 2), fan-out 2.
# One level-0 bucket, so that level 0 is merged down all at once and the corpus statistics of
# any state equal those of one batch (they count each level's articles once per level).
TIERED = IndexLayout(buckets=(1, 4), merge_every=(2, 2), full_batch=1)
SENTENCES = [s.strip() + "." for t in (HARBOUR, NUCLEAR, SCATTERED, FOOTBALL) for s in t.split(".")]
SENTENCES = [s for s in SENTENCES if len(s) > 1]


def test_run_tiers_grow_by_the_fan_out() -> None:
    assert [run_tier(n, 10, 4) for n in (1, 39, 40, 159, 160, 640)] == [0, 0, 1, 1, 2, 3]


def test_a_merge_takes_tier_zero_and_only_the_tiers_it_fills() -> None:
    # Appends of 10 articles, fan-out 4: tier 0 below 40 articles, tier 1 below 160.
    assert runs_to_merge({"a": 10, "b": 12, "big": 150}, 10, 4) == ["a", "b"]
    assert runs_to_merge({"a": 10, "big": 150}, 10, 4) == []
    # Tier 0 folds into a run of 40 (tier 1), where three runs wait: the four make tier 2.
    filled = {"a": 20, "b": 20, "c": 40, "d": 40, "e": 40, "top": 640}
    assert runs_to_merge(filled, 10, 4) == ["a", "b", "c", "d", "e"]
    # With two runs waiting in tier 1, the merged run only joins them.
    assert runs_to_merge({"a": 20, "b": 20, "c": 40, "d": 40}, 10, 4) == ["a", "b"]


def story(i: int) -> IndexDocument:
    """Distinct articles from the shared texts' sentences, some with tags, languages, dates."""
    rng = random.Random(i)
    body = " ".join(rng.sample(SENTENCES, 4)) + f" Reference number {1000 + i}."
    return IndexDocument(
        id=f"s{i}",
        title=f"Story {i}",
        body=[body],
        tags=["coast"] if i % 3 == 0 else [],
        language="en" if i % 2 else "fr",
        published=f"2025-01-{1 + i % 28:02d}",
    )


QUERIES = [
    SearchRequest(q="harbour wall council"),
    SearchRequest(q="nuclear deal -football"),
    SearchRequest(q='"winning goal" striker'),
    SearchRequest(q='council -"harbour wall"'),
    SearchRequest(q="nuclear", language="en"),
    SearchRequest(q="council", tag="coast", since="2025-01-10"),
    SearchRequest(q="deal", sort="date"),
    SearchRequest(q="reference", limit=5),
]


def pages(searcher: DynamoDBSearcher) -> list[Any]:
    """Each query's first two pages: ids with scores, totals, and the cursor's next page."""
    found = []
    for request in QUERIES:
        first = searcher.search(request)
        second = (
            searcher.search(request.model_copy(update={"cursor": first.next_cursor}))
            if first.next_cursor
            else None
        )
        found.append(
            (
                [(h.id, h.score) for h in first.items],
                first.total,
                [(h.id, h.score) for h in second.items] if second else None,
            )
        )
    return found


def index(client: Any, batches: list[list[IndexDocument]]) -> tuple[Any, DynamoDBSearcher]:
    table = IndexTable(client, TABLE, layout=TIERED)
    writer = DynamoDBIndexWriter(table, clock=ticking_clock())
    for batch in batches:
        writer.upsert(batch)
    return writer, DynamoDBSearcher(table, cursor_key=b"k")


def clear(client: Any) -> None:
    for item in client.scan(TableName=TABLE)["Items"]:
        client.delete_item(TableName=TABLE, Key={"pk": item["pk"], "sk": item["sk"]})


def test_tiered_merges_rank_as_one_batch_does(dynamodb: Any) -> None:
    """Articles merged through the tiers rank, filter, page and delete exactly as the same
    articles indexed in one batch (the same postings and corpus statistics)."""
    stories = [story(i) for i in range(40)]
    copy = stories[5].model_copy(update={"id": "copy-of-s5", "title": "Story 5 again"})
    writer, searcher = index(dynamodb, [[s] for s in [*stories, copy]])
    outcome = writer.upsert([copy])
    writer.delete(["s7", "s12"])
    tiered, tiered_duplicate = pages(searcher), outcome[0].duplicate_of
    last_level_runs = [i for i in run_items(dynamodb) if i["pk"]["S"].startswith("p1")]
    clear(dynamodb)

    writer, searcher = index(dynamodb, [[*stories, copy]])
    outcome = writer.upsert([copy])
    writer.delete(["s7", "s12"])
    assert tiered_duplicate == outcome[0].duplicate_of == "s5"
    assert tiered == pages(searcher)
    assert all(page for page, _, _ in tiered[:-1])
    # The tiers are what the one-batch index lacks: several runs per last-level bucket.
    assert len(last_level_runs) > len({i["pk"]["S"] for i in last_level_runs})


class BytesByKind(CapacityMeter):
    """The capacity meter, also summing the bytes written by kind."""

    def __init__(self) -> None:
        super().__init__()
        self.bytes_by_kind: dict[str, int] = {}

    def wrote(self, item: Item, kind: str, *, key: str | None = None) -> None:
        super().wrote(item, kind, key=key)
        self.bytes_by_kind[kind] = self.bytes_by_kind.get(kind, 0) + item_size(item)


def test_merge_bytes_per_article_stay_flat_as_the_index_grows(dynamodb: Any) -> None:
    """Compacting a bucket whole at every last-level merge rewrites bytes in proportion to
    the bucket, so merge bytes per article grow with the corpus; tiers rewrite each article
    once per tier. Three times the articles stay under twice the merge bytes per article."""
    meter = BytesByKind()
    table = IndexTable(dynamodb, TABLE, layout=TIERED, meter=meter)
    writer = DynamoDBIndexWriter(table, clock=ticking_clock())
    per_article = []
    for start, end in ((0, 24), (24, 96)):
        before = meter.bytes_by_kind.get("merge", 0)
        for i in range(start, end, 2):
            writer.upsert([story(i), story(i + 1)])
        per_article.append((meter.bytes_by_kind["merge"] - before) / (end - start))
    assert per_article[1] < 2 * per_article[0]
    # And a bucket keeps a few runs per tier, and tiers as many as the fan-out's powers in
    # the articles appended (96 in appends of about 2: 2**6 > 96 / 2).
    for bucket in range(TIERED.buckets[-1]):
        tiers: dict[int, int] = {}
        for item in table.partition(TIERED.last_level, bucket):
            if ":" in item["sk"]["S"] and not item["sk"]["S"].endswith(":0"):
                continue
            tier = run_tier(decode_run(item["r"]["B"]).doc_count, TIERED.last_level_run, 2)
            tiers[tier] = tiers.get(tier, 0) + 1
        assert sum(tiers.values()) <= 2 * len(tiers) and max(tiers) <= 6, (bucket, tiers)
