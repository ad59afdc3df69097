"""Writing a batch so that only the records that fail on their own are reported failed.

A write that fails for a transient reason (throttling, a 5xx, a timeout, a bucket another
writer holds) is tried again after a wait drawn with full jitter, from zero up to
``base · 2^retry`` (capped). A batch that still fails is split in halves, each written (and
retried) on its own, down to single records. Nothing is started that the time left could not
finish: a part that does not fit is reported failed, and its messages come back from the queue.
Writes must be idempotent: a part is written again after a failure that may have come after
some of its writes.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from aws_lambda_powertools import Logger

from newsbrief import aws_errors
from newsbrief.backoff import Backoff
from newsbrief.indexing.leases import BucketBusyError

logger = Logger(child=True)

Item = TypeVar("Item")
Result = TypeVar("Result")


def is_transient(error: Exception) -> bool:
    """Whether the same write may succeed if tried again: what AWS calls transient (throttled,
    a server error, a lost connection or a timeout), or an index bucket leased by another
    writer."""
    return isinstance(error, BucketBusyError | ConnectionError | TimeoutError) or (
        aws_errors.is_transient(error)
    )


@dataclass
class PartialWrite(Generic[Item, Result]):
    """What a bisecting write achieved: the write's results, and the items that failed."""

    results: list[Result] = field(default_factory=list)
    failed: list[Item] = field(default_factory=list)


@dataclass
class BisectingWriter(Generic[Item, Result]):
    """Writes items with ``write`` (which takes a part of them and returns its results),
    retrying and bisecting as the module doc says, within ``remaining()`` seconds less
    ``reserve_seconds``."""

    write: Callable[[Sequence[Item]], list[Result]]
    remaining: Callable[[], float]
    backoff: Backoff = field(default_factory=Backoff)
    reserve_seconds: float = 2.0
    sleep: Callable[[float], None] = time.sleep
    draw: Callable[[], float] = random.random
    _seconds_per_item: float = field(default=0.0, init=False)

    def __call__(self, items: Sequence[Item]) -> PartialWrite[Item, Result]:
        outcome: PartialWrite[Item, Result] = PartialWrite()
        if items:
            self._write_part(items, outcome)
        return outcome

    def _write_part(self, part: Sequence[Item], outcome: PartialWrite[Item, Result]) -> None:
        error: Exception | None = None
        for attempt in range(self.backoff.attempts):
            wait = self.backoff.delay(attempt - 1, self.draw) if attempt else 0.0
            if not self._fits(part, wait):
                break
            if wait:
                self.sleep(wait)
            left = self.remaining()
            try:
                outcome.results += self.write(part)
                return
            except Exception as exc:
                error = exc
                logger.warning(
                    "a batch write failed",
                    extra={"records": len(part), "attempt": attempt + 1, "error": repr(exc)},
                )
                if not is_transient(exc):
                    break
            finally:
                spent = (left - self.remaining()) / len(part)
                self._seconds_per_item = max(self._seconds_per_item, spent)
        if len(part) == 1:
            logger.error(
                "a record failed on its own" if error else "no time left for a record",
                extra={"error": repr(error)},
            )
            outcome.failed += part
            return
        half = len(part) // 2
        self._write_part(part[:half], outcome)
        self._write_part(part[half:], outcome)

    def _fits(self, part: Sequence[Item], wait: float) -> bool:
        """Whether the wait and a write of this part, at the slowest rate seen, end in time."""
        needed = wait + self._seconds_per_item * len(part) + self.reserve_seconds
        return self.remaining() > needed
