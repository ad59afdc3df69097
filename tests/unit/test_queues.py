"""The queue-fed functions' batch handling: partial failures, and each object event handled once
however often the queue delivers it (idempotency records in the template's table, in moto)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from aws_lambda_powertools import Logger, Tracer
from moto import mock_aws

from local.functions import LambdaContext
from local.resources import create_resources
from local.template import StackSpec
from newsbrief import runtime
from newsbrief.events import ObjectEvent, created_event_message
from newsbrief.queues import ObjectEventQueue, QueueBatch


def notification(key: str, sequencer: str, event: str = "ObjectCreated:Copy") -> str:
    message = json.loads(created_event_message("articles", key, sequencer))
    message["Records"][0]["eventName"] = event
    return json.dumps(message)


def sqs_batch(*bodies: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": f"message-{number}",
                "receiptHandle": f"receipt-{number}",
                "body": body,
                "attributes": {},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:queue",
                "awsRegion": "us-east-1",
            }
            for number, body in enumerate(bodies)
        ]
    }


def context() -> Any:
    # Local's stand-in for Lambda's context object.
    return LambdaContext("ParseFunction", 512, 60)


@pytest.fixture
def aws(stack_spec: tuple[StackSpec, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    spec, _ = stack_spec
    for name, value in spec.environment.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        runtime.reset()
        session = boto3.session.Session()
        create_resources(
            spec,
            session.client("s3"),
            session.client("sqs"),
            session.client("dynamodb"),
            session.client("events"),
        )
        yield
        runtime.reset()


def failed(response: Any) -> list[str]:
    return [failure["itemIdentifier"] for failure in response["batchItemFailures"]]


def test_an_event_delivered_again_is_handled_once(aws: None) -> None:
    handled: list[ObjectEvent] = []

    def handle(event: ObjectEvent) -> dict[str, Any]:
        handled.append(event)
        return {}

    queue = ObjectEventQueue(handle, Logger(service="queue-test"), Tracer(disabled=True))
    story = notification("incoming/story.txt", "0A1")
    assert failed(queue(sqs_batch(story, story), context())) == []
    # A later batch (a redelivery after a timeout, a duplicate notification) finds the record.
    assert failed(queue(sqs_batch(story), context())) == []
    assert [event.key for event in handled] == ["incoming/story.txt"]
    assert isinstance(handled[0], ObjectEvent)

    # Another write of the same key, or its removal, is another event.
    queue(
        sqs_batch(
            notification("incoming/story.txt", "0A2"),
            notification("incoming/story.txt", "0A2", "ObjectRemoved:Delete"),
        ),
        context(),
    )
    assert [(event.sequencer, event.removed) for event in handled] == [
        ("0A1", False),
        ("0A2", False),
        ("0A2", True),
    ]


def test_a_failed_event_is_reported_and_handled_again_on_retry(aws: None) -> None:
    attempts: list[str] = []

    def handle(event: ObjectEvent) -> dict[str, Any]:
        attempts.append(event.key)
        if event.key == "incoming/bad.txt" and attempts.count(event.key) == 1:
            raise RuntimeError("S3 went away")
        return {}

    queue = ObjectEventQueue(handle, Logger(service="queue-test"), Tracer(disabled=True))
    batch = sqs_batch(
        notification("incoming/good.txt", "01"), notification("incoming/bad.txt", "02")
    )
    assert failed(queue(batch, context())) == ["message-1"]
    assert failed(queue(sqs_batch(notification("incoming/bad.txt", "02")), context())) == []
    assert attempts == ["incoming/good.txt", "incoming/bad.txt", "incoming/bad.txt"]


def test_a_record_that_fails_is_reported_alone(aws: None) -> None:
    seen: list[str] = []

    def record_handler(record: Any) -> None:
        if record.body == "not json":
            raise ValueError("not an event")
        seen.append(record.body)

    response = QueueBatch().process(sqs_batch("a", "not json", "b"), context(), record_handler)
    assert failed(response) == ["message-1"]
    assert seen == ["a", "b"]
