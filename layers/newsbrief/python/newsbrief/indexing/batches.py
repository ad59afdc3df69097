"""Batched reads and writes on the index table, metered, with backoff on unprocessed items.

DynamoDB answers a throttled batch partly: what it did not do comes back as ``UnprocessedKeys``
or ``UnprocessedItems``, and retrying those at once would meet the same throttling. Each retry
waits a random time up to an exponentially growing bound ("full jitter"), so that writers
throttled together do not retry together; after ``max_rounds`` the batch fails and its message
is retried by the queue.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from newsbrief.backoff import Backoff
from newsbrief.indexing.capacity import CapacityMeter, Item, item_size

BATCH_GET_KEYS = 100
BATCH_WRITE_ITEMS = 25
BACKOFF_BASE_SECONDS = 0.05
BACKOFF_CAP_SECONDS = 2.0
MAX_ROUNDS = 10


class UnprocessedItemsError(RuntimeError):
    """DynamoDB left part of a batch undone after every retry."""


class BatchIO:
    def __init__(
        self,
        client: Any,
        table_name: str,
        meter: CapacityMeter,
        *,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        max_rounds: int = MAX_ROUNDS,
    ) -> None:
        self._client = client
        self._table = table_name
        self._meter = meter
        self._sleep = sleep
        self._jitter = jitter
        self._backoff = Backoff(BACKOFF_BASE_SECONDS, BACKOFF_CAP_SECONDS, attempts=max_rounds)

    def _back_off(self, round_number: int, operation: str) -> None:
        if round_number >= self._backoff.attempts:
            raise UnprocessedItemsError(
                f"{operation} on {self._table} still unprocessed after {round_number} rounds"
            )
        self._sleep(self._backoff.delay(round_number - 1, self._jitter))

    def _responses(
        self, operation: str, call: Callable[..., Any], request: dict[str, Any], leftover: str
    ) -> Iterator[dict[str, Any]]:
        """Each response of one batch request, sent again with what DynamoDB left undone
        (``leftover``) after a wait, until nothing is left."""
        pending = request
        rounds = 0
        while pending:
            if rounds:
                self._back_off(rounds, operation)
            rounds += 1
            response: dict[str, Any] = call(RequestItems=pending)
            self._meter.requests[operation] += 1
            yield response
            pending = response.get(leftover) or {}

    def get(self, keys: list[dict[str, Any]], kind: str) -> Iterator[dict[str, Any]]:
        for start in range(0, len(keys), BATCH_GET_KEYS):
            request = {self._table: {"Keys": keys[start : start + BATCH_GET_KEYS]}}
            requested = len(request[self._table]["Keys"])
            returned = 0
            for response in self._responses(
                "BatchGetItem", self._client.batch_get_item, request, "UnprocessedKeys"
            ):
                for item in response.get("Responses", {}).get(self._table, []):
                    returned += 1
                    self._meter.read(item_size(item), kind)
                    yield item
            # A key with no item still costs the minimum read.
            for _ in range(requested - returned):
                self._meter.read(0, kind)

    def put(self, items: Sequence[Item], kind: str) -> None:
        self._write([{"PutRequest": {"Item": item}} for item in items])
        for item in items:
            self._meter.wrote(item, kind)

    def delete(self, items: Sequence[Item], kind: str) -> None:
        """Delete items; ``items`` carry their attributes so the delete is costed by size."""
        self._write([{"DeleteRequest": {"Key": {"pk": i["pk"], "sk": i["sk"]}}} for i in items])
        for item in items:
            self._meter.wrote(item, kind)

    def _write(self, requests: list[dict[str, Any]]) -> None:
        for start in range(0, len(requests), BATCH_WRITE_ITEMS):
            request = {self._table: requests[start : start + BATCH_WRITE_ITEMS]}
            for _ in self._responses(
                "BatchWriteItem", self._client.batch_write_item, request, "UnprocessedItems"
            ):
                pass
