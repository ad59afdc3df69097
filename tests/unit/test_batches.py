"""Bisecting batch writes: retries with jittered backoff, bisection, the time limit."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from newsbrief.backoff import Backoff
from newsbrief.indexing.leases import BucketBusyError
from newsbrief.pipeline.batches import BisectingWriter, is_transient


def client_error(code: str, status: int = 400) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "BatchWriteItem",
    )


class Clock:
    """Time that passes only when the writer sleeps or a write says so."""

    def __init__(self, seconds_left: float) -> None:
        self.left = seconds_left
        self.sleeps: list[float] = []

    def remaining(self) -> float:
        return self.left

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.left -= seconds


class Store:
    """Writes parts of a batch; fails the writes named by ``fail``."""

    def __init__(self, clock: Clock, seconds_per_item: float = 0.0) -> None:
        self.clock = clock
        self.seconds_per_item = seconds_per_item
        self.written: list[int] = []
        self.parts: list[list[int]] = []
        self.failures: list[Exception] = []
        self.poison: set[int] = set()

    def write(self, part: Sequence[int]) -> list[int]:
        self.parts.append(list(part))
        self.clock.left -= self.seconds_per_item * len(part)
        if self.failures:
            raise self.failures.pop(0)
        if self.poison & set(part):
            raise client_error("ValidationException")
        self.written += part
        return list(part)


def writer(store: Store, clock: Clock, **kwargs: object) -> BisectingWriter[int, int]:
    return BisectingWriter(
        store.write, clock.remaining, sleep=clock.sleep, draw=lambda: 0.5, **kwargs
    )


def test_transient_failures_are_retried_after_jittered_exponential_waits():
    clock = Clock(60)
    store = Store(clock)
    store.failures = [client_error("ThrottlingException"), client_error("InternalError", 500)]
    outcome = writer(store, clock, backoff=Backoff(base_seconds=0.2, cap_seconds=5))(range(100))

    assert outcome.results == list(range(100))
    assert outcome.failed == []
    assert [len(part) for part in store.parts] == [100, 100, 100]
    # Full jitter: a draw (here 0.5) of the cap, which doubles per retry.
    assert clock.sleeps == [pytest.approx(0.1), pytest.approx(0.2)]


def test_the_wait_is_capped():
    backoff = Backoff(base_seconds=0.2, cap_seconds=1.0)
    assert [backoff.delay(retry, lambda: 1.0) for retry in range(5)] == pytest.approx(
        [0.2, 0.4, 0.8, 1.0, 1.0]
    )


def test_a_poison_record_is_bisected_out_without_waiting_and_fails_alone():
    clock = Clock(60)
    store = Store(clock)
    store.poison = {37}
    outcome = writer(store, clock)(list(range(100)))

    assert outcome.failed == [37]
    assert sorted(outcome.results) == sorted(store.written) == [n for n in range(100) if n != 37]
    assert clock.sleeps == []  # a client error is not retried, only split
    # About two writes per halving: log2(100) levels down to the record itself.
    assert len(store.parts) <= 2 * 7 + 1


def test_a_batch_that_keeps_failing_transiently_is_split_and_the_halves_retried():
    clock = Clock(60)
    store = Store(clock)
    # The whole batch fails on every try; then the writes go through.
    store.failures = [client_error("ProvisionedThroughputExceededException")] * 4
    outcome = writer(store, clock, backoff=Backoff(attempts=4))(list(range(10)))

    assert outcome.failed == []
    assert sorted(outcome.results) == list(range(10))
    assert [len(part) for part in store.parts] == [10, 10, 10, 10, 5, 5]
    assert len(clock.sleeps) == 3


def test_nothing_is_started_that_the_remaining_time_cannot_finish():
    clock = Clock(10)
    store = Store(clock, seconds_per_item=0.1)
    store.failures = [ReadTimeoutError(endpoint_url="http://dynamodb")] * 100
    outcome = writer(store, clock, reserve_seconds=2.0, backoff=Backoff(cap_seconds=5))(
        list(range(40))
    )

    # Everything fails (nothing was written), and the time kept in reserve is still there.
    assert outcome.results == []
    assert sorted(outcome.failed) == list(range(40))
    assert clock.left > 2.0 - 1e-9


def test_the_records_of_a_part_that_does_not_fit_are_reported_failed_untried():
    clock = Clock(1.0)  # less than the reserve
    store = Store(clock)
    outcome = writer(store, clock, reserve_seconds=2.0)(list(range(4)))
    assert outcome.failed == [0, 1, 2, 3]
    assert store.parts == []


def test_transient_and_permanent_errors():
    assert is_transient(client_error("ThrottlingException"))
    assert is_transient(client_error("ProvisionedThroughputExceededException"))
    assert is_transient(client_error("SlowDown", 503))
    assert is_transient(client_error("Whatever", 500))
    assert is_transient(ReadTimeoutError(endpoint_url="http://dynamodb"))
    assert is_transient(BucketBusyError("leased"))
    assert is_transient(client_error("TransactionConflictException"))
    assert not is_transient(client_error("AccessDeniedException"))
    assert not is_transient(client_error("ResourceNotFoundException"))
    assert not is_transient(client_error("ValidationException"))
    assert not is_transient(client_error("ConditionalCheckFailedException"))
    assert not is_transient(ValueError("bad document"))
