"""At-least-once delivery, partial batches, odd events and injected AWS faults: nothing is lost,
nothing is duplicated."""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import boto3
import botocore.retries.standard
import pytest
from harness import Pipeline

from local.faults import FaultInjector, PoisonInjector
from newsbrief import runtime
from newsbrief.backoff import Backoff
from newsbrief.events import article_id_for


def story(n: int) -> str:
    return json.dumps(
        {
            "title": f"Harbour bulletin number {n}",
            "published": "2026-05-01T08:00:00Z",
            "body": f"Marker{n}xyz. The harbour master published bulletin {n} on Friday with new "
            "berthing rules for fishing boats. Skippers must now book a berth a day ahead. "
            f"The port expects {n + 20} boats at the spring festival, officials said.",
        }
    )


WORDS = [
    "harbour",
    "ferry",
    "council",
    "budget",
    "school",
    "river",
    "bridge",
    "market",
    "festival",
    "museum",
    "station",
    "library",
    "hospital",
    "airport",
    "stadium",
    "orchestra",
    "theatre",
    "factory",
    "vineyard",
    "forest",
    "glacier",
    "island",
    "valley",
    "railway",
    "tunnel",
    "canal",
    "lighthouse",
    "quarry",
    "meadow",
    "orchard",
    "bakery",
    "brewery",
    "garage",
    "pharmacy",
    "cathedral",
    "castle",
    "harvest",
    "election",
    "referendum",
    "strike",
    "drought",
    "flood",
    "storm",
    "blizzard",
    "heatwave",
    "earthquake",
    "landslide",
    "wildfire",
    "auction",
    "lottery",
    "marathon",
    "regatta",
    "tournament",
    "exhibition",
]


def distinct_story(n: int) -> str:
    """A story of its own words, so that no two of a hundred are near-duplicates."""
    rng = random.Random(n)
    sentences = [
        " ".join(rng.sample(WORDS, 9)).capitalize() + f" {n * 7 + k} reported." for k in range(6)
    ]
    return json.dumps(
        {
            "title": f"Bulletin {n}: " + " ".join(rng.sample(WORDS, 4)),
            "published": "2026-05-01T08:00:00Z",
            "body": f"Marker{n}xyz. " + " ".join(sentences),
        }
    )


def queue_url(pipeline: Pipeline, logical_id: str) -> str:
    return pipeline.sqs.get_queue_url(QueueName=f"newsbrief-{logical_id}")["QueueUrl"]


DEAD_LETTER_QUEUES = ("ParseDeadLetterQueue", "SummarizeDeadLetterQueue", "IndexDeadLetterQueue")


def dead_letters(pipeline: Pipeline) -> int:
    total = 0
    for name in DEAD_LETTER_QUEUES:
        attributes = pipeline.sqs.get_queue_attributes(
            QueueUrl=queue_url(pipeline, name), AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        total += int(attributes["ApproximateNumberOfMessages"])
    return total


def dead_letter_bodies(pipeline: Pipeline) -> dict[str, list[str]]:
    bodies: dict[str, list[str]] = {}
    for name in DEAD_LETTER_QUEUES:
        url = queue_url(pipeline, name)
        bodies[name] = []
        while messages := pipeline.sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60
        ).get("Messages", []):
            bodies[name] += [message["Body"] for message in messages]
    return bodies


def statuses(pipeline: Pipeline, keys: list[str]) -> dict[str, list[str]]:
    return {
        key: [item["status"] for item in pipeline.api.get(f"/articles?key={quote(key)}")["items"]]
        for key in keys
    }


def hits_for(pipeline: Pipeline, n: int) -> list[str]:
    return [hit["id"] for hit in pipeline.api.get(f"/search?q=marker{n}xyz")["items"]]


def test_every_message_delivered_twice_gives_identical_results(pipeline: Pipeline):
    keys = [pipeline.upload(f"twice-{n}.json", story(n), "application/json") for n in range(4)]
    # Copy every pending message once more before any is processed: at-least-once delivery.
    for name in ("ParseQueue",):
        url = queue_url(pipeline, name)
        messages = pipeline.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        for message in messages:
            pipeline.sqs.send_message(QueueUrl=url, MessageBody=message["Body"])
            pipeline.sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
    pipeline.drain()
    assert statuses(pipeline, keys) == {key: ["indexed"] for key in keys}
    for n in range(4):
        assert len(hits_for(pipeline, n)) == 1
    assert dead_letters(pipeline) == 0


def test_a_failing_message_does_not_reprocess_the_good_ones(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
):
    from newsbrief.pipeline import parse

    calls: list[str] = []
    real_extract = parse.extract_articles

    def flaky_extract(data: bytes, filename: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(filename)
        if filename.endswith("bad-1.json") and calls.count(filename) == 1:
            raise ConnectionError("transient failure on one record")
        return real_extract(data, filename, *args, **kwargs)

    monkeypatch.setattr(parse, "extract_articles", flaky_extract)
    keys = [pipeline.upload(f"good-{n}.json", story(n), "application/json") for n in range(3)]
    keys.append(pipeline.upload("bad-1.json", story(9), "application/json"))
    pipeline.drain()

    assert statuses(pipeline, keys) == {key: ["indexed"] for key in keys}
    # The good records ran once; only the failed one came back.
    for key in keys[:3]:
        assert calls.count(key) == 1
    assert calls.count(keys[3]) == 2


def test_odd_events_do_not_break_a_batch(pipeline: Pipeline):
    url = queue_url(pipeline, "ParseQueue")
    pipeline.sqs.send_message(
        QueueUrl=url, MessageBody=json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent"})
    )
    pipeline.sqs.send_message(QueueUrl=url, MessageBody="{not json")
    gone = pipeline.upload("deleted-before-parsing.json", story(1), "application/json")
    pipeline.s3.delete_object(Bucket=pipeline.bucket, Key=gone)
    kept = pipeline.upload("kept.json", story(2), "application/json")

    pipeline.drain()

    assert statuses(pipeline, [gone, kept]) == {gone: [], kept: ["indexed"]}
    # Only the malformed body is left, in the dead-letter queue, for someone to read.
    dlq = queue_url(pipeline, "ParseDeadLetterQueue")
    (letter,) = pipeline.sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
    assert letter["Body"] == "{not json"


def test_a_function_killed_mid_article_leaves_no_stuck_idempotency(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
):
    from newsbrief.pipeline import parse

    class FunctionTimedOut(BaseException):
        """Lambda stops a timed-out function without running its exception handlers."""

    real_extract = parse.extract_articles
    killed: list[str] = []

    def dies_once(data: bytes, filename: str, *args: Any, **kwargs: Any) -> Any:
        if not killed:
            killed.append(filename)
            raise FunctionTimedOut
        return real_extract(data, filename, *args, **kwargs)

    monkeypatch.setattr(parse, "extract_articles", dies_once)
    parse_poller = next(p for p in pipeline.pollers if p.mapping.function == "ParseFunction")
    # The message stays invisible for one second after it was received.
    monkeypatch.setattr(parse_poller.mapping, "timeout", 0)
    key = pipeline.upload("killed.json", story(3), "application/json")
    with pytest.raises(FunctionTimedOut):
        parse_poller.poll_once()
    assert statuses(pipeline, [key]) == {key: []}

    # SQS hands the message out again once its visibility timeout (here 1 s) has passed.
    time.sleep(1.1)
    pipeline.drain()
    assert statuses(pipeline, [key]) == {key: ["indexed"]}


@pytest.fixture
def no_waits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh default session for the functions, and no sleeping between retries (the SDK's
    or the index stage's): the faults, not the waiting, are under test."""
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda *_: 0)
    monkeypatch.setattr(Backoff, "delay", lambda *_: 0.0)
    boto3.setup_default_session()
    runtime.reset()
    yield
    boto3.DEFAULT_SESSION = None
    runtime.reset()


@pytest.fixture
def faults(no_waits: None) -> FaultInjector:
    injector = FaultInjector(rate=0.10, seed=11)
    injector.attach(boto3.DEFAULT_SESSION)
    return injector


def test_ten_percent_of_aws_calls_failing_loses_and_duplicates_nothing(
    pipeline: Pipeline, faults: FaultInjector
):
    keys = [pipeline.upload(f"chaos-{n}.json", story(n), "application/json") for n in range(12)]
    keys.append(pipeline.upload("chaos-empty.txt", b""))
    pipeline.drain(rounds=200)

    assert faults.total > 20, faults.injected
    assert set(faults.injected) >= {"throttle", "server_error", "timeout"}
    settled = statuses(pipeline, keys)
    assert settled[keys[-1]] == ["rejected"]
    assert {key: value for key, value in settled.items() if key != keys[-1]} == {
        key: ["indexed"] for key in keys[:-1]
    }
    for n in range(12):
        assert len(hits_for(pipeline, n)) == 1, n
    assert dead_letters(pipeline) == 0


def test_updates_arriving_out_of_order_end_with_the_newer_version(pipeline: Pipeline):
    key = pipeline.upload("ordered.json", story(1), "application/json")
    pipeline.upload("ordered.json", story(2), "application/json")
    url = queue_url(pipeline, "ParseQueue")
    messages = pipeline.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    bodies = [m["Body"] for m in messages if "ordered.json" in m["Body"]]
    assert len(bodies) == 2
    for message in messages:
        pipeline.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    # The newer upload's event is delivered first; the older one (whose object has changed
    # since) arrives after it.
    for body in reversed(bodies):
        pipeline.sqs.send_message(QueueUrl=url, MessageBody=body)
    pipeline.drain()

    article = pipeline.article_for(key)
    assert article["title"] == "Harbour bulletin number 2"
    assert hits_for(pipeline, 2) == [article["id"]]
    assert hits_for(pipeline, 1) == []


def test_the_index_takes_a_backlog_in_one_batch_of_up_to_its_batch_size(pipeline: Pipeline):
    pipeline.drain()  # S3's test events, sent when the notifications were set up
    keys = [pipeline.upload(f"backlog-{n}.json", story(n), "application/json") for n in range(25)]
    index_poller, *_ = [p for p in pipeline.pollers if p.mapping.function == "IndexFunction"]
    others = [p for p in pipeline.pollers if p is not index_poller]
    while sum(poller.poll_once() for poller in others):
        pass
    # 25 summaries wait; the index's batch size is 100, more than one receive (10) returns.
    assert index_poller.mapping.batch_size == 100
    assert index_poller.poll_once() == 25
    assert index_poller.failed_messages == 0
    assert index_poller.poll_once() == 0  # every message of the batch was deleted
    assert statuses(pipeline, keys) == {key: ["indexed"] for key in keys}
    assert len(pipeline.api.get("/search?q=berthing&limit=100")["items"]) == 25


# Bisected down to single records in six splits, one fewer than a full batch of 100, at under
# half its writes (moto's DynamoDB is the slow part of these tests).
BATCH = 40


def drain_all_but_the_index(pipeline: Pipeline) -> None:
    others = [p for p in pipeline.pollers if p.mapping.function != "IndexFunction"]
    while sum(poller.poll_once() for poller in others):
        pass


def test_faults_in_the_index_write_of_a_large_batch_dead_letter_nothing(
    pipeline: Pipeline, no_waits: None
):
    # Throttling and 500s on the index's batch writes, often enough that almost no write of
    # the whole batch gets through the SDK's own retries.
    faults = FaultInjector(
        rate=0.0,
        seed=3,
        kinds=("throttle", "server_error"),
        operations=("dynamodb.BatchWriteItem",),
    )
    faults.attach(boto3.DEFAULT_SESSION)
    pipeline.drain()  # S3's test events, sent when the notifications were set up
    keys = [
        pipeline.upload(f"large-{n}.json", distinct_story(n), "application/json")
        for n in range(BATCH)
    ]
    drain_all_but_the_index(pipeline)
    faults.rate = 0.4
    index_poller = next(p for p in pipeline.pollers if p.mapping.function == "IndexFunction")
    assert index_poller.poll_once() == BATCH
    pipeline.drain()

    # How many batch writes there are depends on how the batch was bisected and on which of the
    # SDK's retries got through (19 to 30 calls seen), so only a floor.
    assert faults.total >= 5, faults.injected
    settled = statuses(pipeline, keys)
    assert settled == {key: ["indexed"] for key in keys}, (
        Counter(str(value) for value in settled.values()),
        dead_letters(pipeline),
    )
    for n in range(BATCH):
        assert len(hits_for(pipeline, n)) == 1, n
    assert dead_letters(pipeline) == 0


def test_a_poison_record_in_a_large_index_batch_dead_letters_only_itself(
    pipeline: Pipeline, no_waits: None
):
    keys = [
        pipeline.upload(f"large-{n}.json", distinct_story(n), "application/json")
        for n in range(BATCH)
    ]
    poison = keys[37]
    # The index refuses every write of this article's record: it fails on its own.
    refusal = PoisonInjector("dynamodb.BatchWriteItem", f'"i#{article_id_for(poison)}"')
    refusal.attach(boto3.DEFAULT_SESSION)
    drain_all_but_the_index(pipeline)
    pipeline.drain()

    assert refusal.failures >= 5  # once per receive at least; then SQS dead-letters it
    settled = statuses(pipeline, keys)
    assert settled.pop(poison) == ["summarized"]
    assert settled == {key: ["indexed"] for key in keys if key != poison}, (
        Counter(str(value) for value in settled.values()),
        dead_letters(pipeline),
    )
    for n in range(BATCH):
        if n != 37:
            assert len(hits_for(pipeline, n)) == 1, n
    letters = dead_letter_bodies(pipeline)
    (letter,) = letters.pop("IndexDeadLetterQueue")
    assert f"summaries%2F{article_id_for(poison)}.json" in letter
    assert letters == {"ParseDeadLetterQueue": [], "SummarizeDeadLetterQueue": []}


@pytest.mark.parametrize(
    ("stage", "object_key"),
    [
        ("Parse", lambda key: key),
        ("Summarize", lambda key: f"parsed/{article_id_for(key)}.json"),
    ],
)
def test_parse_and_summarize_dead_letter_only_the_record_that_fails_alone(
    pipeline: Pipeline, no_waits: None, stage: str, object_key: Any
):
    keys = [pipeline.upload(f"batch-{n}.json", story(n), "application/json") for n in range(20)]
    poison = keys[4]
    refusal = PoisonInjector("s3.GetObject", object_key(poison))
    refusal.attach(boto3.DEFAULT_SESSION)
    pipeline.drain()

    assert refusal.failures == 5  # a client error: not retried by the SDK, once per receive
    settled = statuses(pipeline, keys)
    assert settled.pop(poison) == ([] if stage == "Parse" else ["parsed"])
    assert settled == {key: ["indexed"] for key in keys if key != poison}
    letters = dead_letter_bodies(pipeline)
    (letter,) = letters.pop(f"{stage}DeadLetterQueue")
    assert (quote(poison, safe="") if stage == "Parse" else article_id_for(poison)) in letter
    assert all(not bodies for bodies in letters.values()), letters
