"""Leases on index buckets, so that one writer at a time rewrites a bucket's runs.

Appending a run needs no lease: its key is new. Merging and removal read a bucket's runs, then
write their replacements and delete what they read; two of them on one bucket at once could
delete a run the other has not folded in, or write back postings the other just removed.

A lease is one small item per bucket, taken with a conditional put and given back with a
conditional delete. It runs out after ``LEASE_SECONDS`` (longer than the index function may
run), so a writer that dies holding one delays that bucket's merges; it loses nothing.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from newsbrief.indexing.capacity import CapacityMeter

LEASE_SECONDS = 120
_TAKE_IF_FREE = "attribute_not_exists(pk) OR #until < :now"
_GIVE_BACK_IF_MINE = "#owner = :owner"


class BucketBusyError(RuntimeError):
    """Another writer held the bucket's lease for longer than this one could wait."""


class BucketLeases:
    """Leases taken by one index writer (each instance is its own owner)."""

    def __init__(
        self,
        client: Any,
        table_name: str,
        meter: CapacityMeter,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._table = table_name
        self._meter = meter
        self._clock = clock
        self._sleep = sleep
        self._owner = uuid.uuid4().hex

    def try_take(self, level: int, bucket: int) -> bool:
        """Takes the bucket's lease if no one holds it; False if someone does."""
        now = self._clock()
        item = {
            **self._key(level, bucket),
            "owner": {"S": self._owner},
            "until": {"N": str(int(now + LEASE_SECONDS))},
        }
        self._meter.wrote(item, "lease")
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression=_TAKE_IF_FREE,
                ExpressionAttributeNames={"#until": "until"},
                ExpressionAttributeValues={":now": {"N": str(int(now))}},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        finally:
            self._meter.requests["PutItem"] += 1
        return True

    def give_back(self, level: int, bucket: int) -> None:
        key = self._key(level, bucket)
        self._meter.wrote({**key, "owner": {"S": self._owner}}, "lease")
        self._meter.requests["DeleteItem"] += 1
        # Refused when the lease ran out and another writer holds it now.
        with suppress(self._client.exceptions.ConditionalCheckFailedException):
            self._client.delete_item(
                TableName=self._table,
                Key=key,
                ConditionExpression=_GIVE_BACK_IF_MINE,
                ExpressionAttributeNames={"#owner": "owner"},
                ExpressionAttributeValues={":owner": {"S": self._owner}},
            )

    @contextmanager
    def held(self, level: int, bucket: int, *, wait_seconds: float) -> Iterator[None]:
        """Holds the bucket's lease, waiting up to ``wait_seconds`` for it; raises
        :class:`BucketBusyError` if it stays taken (the caller's message is retried)."""
        deadline = self._clock() + wait_seconds
        pause = 0.05
        while not self.try_take(level, bucket):
            if self._clock() + pause > deadline:
                raise BucketBusyError(f"index bucket {level}/{bucket:x} stayed leased")
            self._sleep(pause)
            pause = min(pause * 2, 1.0)
        try:
            yield
        finally:
            self.give_back(level, bucket)

    @staticmethod
    def _key(level: int, bucket: int) -> dict[str, Any]:
        return {"pk": {"S": f"l{level}#{bucket:x}"}, "sk": {"S": "l"}}
