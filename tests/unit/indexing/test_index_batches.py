from typing import Any

import pytest

from newsbrief.indexing.batches import BatchIO, UnprocessedItemsError
from newsbrief.indexing.capacity import CapacityMeter

TABLE = "index"


def item(n: int) -> dict[str, Any]:
    return {"pk": {"S": f"d#{n}"}, "sk": {"S": "d"}, "v": {"S": "x" * 10}}


class ThrottlingClient:
    """Leaves the last request of each batch undone for ``throttled_rounds`` calls."""

    def __init__(self, throttled_rounds: int) -> None:
        self.throttled_rounds = throttled_rounds
        self.stored: dict[str, dict[str, Any]] = {}
        self.calls: list[int] = []

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        requests = RequestItems[TABLE]
        self.calls.append(len(requests))
        done, undone = requests, []
        if self.throttled_rounds:
            self.throttled_rounds -= 1
            done, undone = requests[:-1], requests[-1:]
        for request in done:
            stored = request["PutRequest"]["Item"]
            self.stored[stored["pk"]["S"]] = stored
        return {"UnprocessedItems": {TABLE: undone} if undone else {}}

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        keys = RequestItems[TABLE]["Keys"]
        self.calls.append(len(keys))
        done, undone = keys, []
        if self.throttled_rounds:
            self.throttled_rounds -= 1
            done, undone = keys[:-1], keys[-1:]
        found = [self.stored[k["pk"]["S"]] for k in done if k["pk"]["S"] in self.stored]
        unprocessed = {TABLE: {"Keys": undone}} if undone else {}
        return {"Responses": {TABLE: found}, "UnprocessedKeys": unprocessed}


def batch_io(client: ThrottlingClient, waits: list[float], **kwargs: Any) -> BatchIO:
    return BatchIO(client, TABLE, CapacityMeter(), sleep=waits.append, jitter=lambda: 1.0, **kwargs)


def test_unprocessed_writes_are_retried_with_growing_waits() -> None:
    client = ThrottlingClient(throttled_rounds=3)
    waits: list[float] = []
    batch_io(client, waits).put([item(n) for n in range(30)], kind="article")
    assert sorted(client.stored) == sorted(f"d#{n}" for n in range(30))
    # 25 then the one left over, three times; then the last 5.
    assert client.calls == [25, 1, 1, 1, 5]
    assert waits == [0.05, 0.1, 0.2]


def test_unprocessed_keys_are_retried_and_every_item_read_once() -> None:
    client = ThrottlingClient(throttled_rounds=0)
    waits: list[float] = []
    io = batch_io(client, waits)
    io.put([item(n) for n in range(3)], kind="article")
    client.throttled_rounds = 2
    keys = [{"pk": {"S": f"d#{n}"}, "sk": {"S": "d"}} for n in range(4)]
    got = list(io.get(keys, kind="article"))
    assert sorted(i["pk"]["S"] for i in got) == ["d#0", "d#1", "d#2"]
    assert len(waits) == 2


def test_jitter_spreads_the_wait_below_its_bound() -> None:
    client = ThrottlingClient(throttled_rounds=1)
    waits: list[float] = []
    BatchIO(client, TABLE, CapacityMeter(), sleep=waits.append, jitter=lambda: 0.25).put(
        [item(0), item(1)], kind="article"
    )
    assert waits == [pytest.approx(0.05 * 0.25)]


def test_a_batch_left_undone_after_every_round_fails() -> None:
    client = ThrottlingClient(throttled_rounds=100)
    waits: list[float] = []
    with pytest.raises(UnprocessedItemsError):
        batch_io(client, waits, max_rounds=4).put([item(0), item(1)], kind="article")
    assert len(waits) == 3
