"""Two index writers on one table: merges and removals of a bucket do not interleave."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import pytest

from newsbrief.indexing import IndexLayout, SearchRequest
from newsbrief.indexing.capacity import CapacityMeter
from newsbrief.indexing.leases import LEASE_SECONDS, BucketBusyError, BucketLeases
from newsbrief.indexing.postings import decode_run

from .support import (
    FOOTBALL,
    HARBOUR,
    NUCLEAR,
    SCATTERED,
    TABLE,
    article,
    run_items,
    writer_and_searcher,
)

# Merges only when asked (compact), so each test decides when a bucket is rewritten.
NO_AUTO_MERGE = IndexLayout(buckets=(4, 16), merge_every=(10_000, 10_000))


class PausingClient:
    """A DynamoDB client that stops its first strongly consistent Query (the start of a
    merge) until the test lets it go on."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.paused = threading.Event()
        self.go_on = threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def query(self, **kwargs: Any) -> Any:
        response = self._client.query(**kwargs)
        if kwargs.get("ConsistentRead") and not self.paused.is_set():
            self.paused.set()
            assert self.go_on.wait(30)
        return response


class WatchedClient:
    """A DynamoDB client that reports when one of its lease takes finds the lease held."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.refused = threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def put_item(self, **kwargs: Any) -> Any:
        try:
            return self._client.put_item(**kwargs)
        except self._client.exceptions.ConditionalCheckFailedException:
            if kwargs["Item"]["pk"]["S"].startswith("l"):
                self.refused.set()
            raise


def postings_per_term_and_doc(dynamodb: Any) -> Counter[tuple[str, int]]:
    return Counter(
        (term, posting.doc)
        for item in run_items(dynamodb)
        for term, postings in decode_run(item["r"]["B"]).postings.items()
        for posting in postings
    )


def in_thread(action: Any) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


def test_a_removal_waits_for_a_merge_of_the_same_bucket(dynamodb: Any) -> None:
    pausing = PausingClient(dynamodb)
    merging, _ = writer_and_searcher(pausing, NO_AUTO_MERGE, clock=time.time)
    watched = WatchedClient(dynamodb)
    removing, searcher = writer_and_searcher(watched, NO_AUTO_MERGE, clock=time.time)
    removing.upsert([article("a", HARBOUR, tags=["coast"]), article("b", FOOTBALL)])

    merge, merge_errors = in_thread(merging.compact)
    assert pausing.paused.wait(30)
    # The merge has read a bucket holding "a" and not yet written it down a level.
    removal, removal_errors = in_thread(lambda: removing.delete(["a"]))
    assert watched.refused.wait(30)
    pausing.go_on.set()
    merge.join(30)
    removal.join(30)

    assert not merge_errors and not removal_errors
    docs = {doc for _, doc in postings_per_term_and_doc(dynamodb)}
    assert len(docs) == 1  # only "b"'s postings are left
    assert searcher.search(SearchRequest(q="harbour coast")).total == 0
    assert [hit.id for hit in searcher.search(SearchRequest(q="football")).items] == ["b"]


def test_a_merge_leaves_a_bucket_another_writer_is_merging(dynamodb: Any) -> None:
    pausing = PausingClient(dynamodb)
    first, _ = writer_and_searcher(pausing, NO_AUTO_MERGE, clock=time.time)
    second, searcher = writer_and_searcher(dynamodb, NO_AUTO_MERGE, clock=time.time)
    second.upsert([article("a", HARBOUR), article("b", FOOTBALL)])

    merge, errors = in_thread(first.compact)
    assert pausing.paused.wait(30)
    # A batch appends runs, then a second writer merges everything it may.
    second.upsert([article("c", NUCLEAR), article("d", SCATTERED)])
    second.compact()
    pausing.go_on.set()
    merge.join(30)
    second.compact()

    assert not errors
    counts = postings_per_term_and_doc(dynamodb)
    assert len({doc for _, doc in counts}) == 4
    assert set(counts.values()) == {1}
    # No run was folded in twice: the corpus statistics count four articles.
    documents_by_bucket: Counter[str] = Counter()
    for item in run_items(dynamodb):
        documents_by_bucket[item["pk"]["S"]] += decode_run(item["r"]["B"]).doc_count
    assert max(documents_by_bucket.values()) == 4
    page = searcher.search(SearchRequest(q="harbour football nuclear subsidies"))
    assert page.total == 4


def test_leases_run_out_and_are_given_back_only_by_their_holder(dynamodb: Any) -> None:
    now = [1_750_000_000.0]
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        now[0] += seconds

    meter = CapacityMeter()
    holder = BucketLeases(dynamodb, TABLE, meter, lambda: now[0], sleep)
    other = BucketLeases(dynamodb, TABLE, meter, lambda: now[0], sleep)
    assert holder.try_take(0, 5)
    assert not other.try_take(0, 5)
    assert other.try_take(0, 6)  # another bucket is free
    waited_from = now[0]
    with pytest.raises(BucketBusyError), other.held(0, 5, wait_seconds=3.0):
        pass
    # It waited on the injected clock, backing off, and gave up within the time it was given.
    assert 1.5 < now[0] - waited_from <= 3.0
    assert pauses == sorted(pauses) and pauses[0] < pauses[-1] <= 1.0
    # The holder died: once its lease runs out another writer takes the bucket.
    now[0] += LEASE_SECONDS + 1
    assert other.try_take(0, 5)
    holder.give_back(0, 5)  # too late: the lease is no longer its own
    assert not holder.try_take(0, 5)
    # Refused takes are billed too.
    assert meter.write_units_by_kind["lease"] >= 7


def test_a_removal_blocked_too_long_fails_for_a_retry(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsbrief.indexing import writer as writer_module

    monkeypatch.setattr(writer_module, "REMOVAL_WAIT_SECONDS", 0.2)
    writer, searcher = writer_and_searcher(dynamodb, NO_AUTO_MERGE, clock=time.time)
    writer.upsert([article("a", HARBOUR)])
    stuck = BucketLeases(dynamodb, TABLE, writer.meter)
    for bucket in range(NO_AUTO_MERGE.buckets[0]):
        stuck.try_take(0, bucket)
    started = time.monotonic()
    with pytest.raises(BucketBusyError):
        writer.delete(["a"])
    assert time.monotonic() - started < 5
    # Nothing was lost: the article is still indexed and the retry, once free, removes it.
    assert searcher.search(SearchRequest(q="harbour")).total == 1
    for bucket in range(NO_AUTO_MERGE.buckets[0]):
        stuck.give_back(0, bucket)
    writer.delete(["a"])
    assert searcher.search(SearchRequest(q="harbour")).total == 0
