"""A newsroom system's subscription to the stack's bus, as the README shows one: a rule
matching the stack's events, with an SQS queue as its target; and the events read back.

Tests and the chaos bench use it to see what a CMS would receive."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from newsbrief.announcements.details import EVENT_SOURCE


@dataclass(frozen=True)
class Subscription:
    sqs: Any
    queue_url: str

    def received(self, wait_seconds: int = 0) -> list[dict[str, Any]]:
        """Every event the queue holds now (EventBridge's envelope, ``detail`` parsed), each
        deleted once read; waits up to ``wait_seconds`` for the first."""
        events: list[dict[str, Any]] = []
        while True:
            response = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=10,
                WaitTimeSeconds=0 if events else wait_seconds,
            )
            messages = response.get("Messages", [])
            if not messages:
                return events
            events += [json.loads(message["Body"]) for message in messages]
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": message["ReceiptHandle"]}
                    for n, message in enumerate(messages)
                ],
            )


def subscribe(events: Any, sqs: Any, bus_name: str, name: str) -> Subscription:
    """A queue ``name`` that receives every event the stack puts on ``bus_name``."""
    queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    rule_arn = events.put_rule(
        Name=name,
        EventBusName=bus_name,
        EventPattern=json.dumps({"source": [EVENT_SOURCE]}),
    )["RuleArn"]
    # The queue lets the rule send to it, as it must in AWS.
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(policy)})
    events.put_targets(
        Rule=name, EventBusName=bus_name, Targets=[{"Id": "newsroom-queue", "Arn": queue_arn}]
    )
    return Subscription(sqs, queue_url)
