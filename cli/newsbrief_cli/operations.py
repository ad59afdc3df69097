"""Operations on a running stack: run a stage again on stored objects, send dead letters back.

Re-summarizing and re-indexing re-queue existing objects to the stage that should run again, so
the work is done by the functions themselves, with their retries and dead-letter queues.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

from newsbrief.events import created_event_message
from newsbrief.settings import SUMMARIES_PREFIX
from newsbrief.storage.objects import parsed_key

SQS_BATCH = 10


def stale_summaries(articles_table: Any, version: str) -> Iterator[str]:
    """Ids of summarized articles whose summary was made by another summarizer version."""
    kwargs: dict[str, Any] = {
        "FilterExpression": "kind = :kind AND attribute_exists(summary_version) "
        "AND summary_version <> :version",
        "ExpressionAttributeValues": {":kind": "article", ":version": version},
        "ProjectionExpression": "id",
    }
    while True:
        response = articles_table.scan(**kwargs)
        for item in response.get("Items", []):
            yield str(item["id"])
        if "LastEvaluatedKey" not in response:
            return
        kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def summary_keys(s3: Any, bucket: str) -> Iterator[str]:
    for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=SUMMARIES_PREFIX
    ):
        for entry in page.get("Contents", []):
            yield str(entry["Key"])


def requeue(sqs: Any, queue_url: str, bucket: str, keys: Iterable[str]) -> int:
    """Sends each key's ``ObjectCreated`` event to the queue; returns how many were sent."""
    # A fresh sequencer per run: the stage's idempotency must not take it for a repeat.
    sequencer = f"{time.time_ns():X}"
    sent = 0
    batch: list[dict[str, str]] = []
    for key in keys:
        batch.append(
            {
                "Id": str(len(batch)),
                "MessageBody": created_event_message(bucket, key, sequencer),
            }
        )
        if len(batch) == SQS_BATCH:
            sent += _send(sqs, queue_url, batch)
            batch = []
    if batch:
        sent += _send(sqs, queue_url, batch)
    return sent


def _send(sqs: Any, queue_url: str, batch: list[dict[str, Any]]) -> int:
    response = sqs.send_message_batch(QueueUrl=queue_url, Entries=batch)
    failed = response.get("Failed", [])
    if failed:
        raise RuntimeError(f"{len(failed)} messages were not queued: {failed[0]}")
    return len(batch)


def resummarize(
    articles_table: Any, sqs: Any, summarize_queue_url: str, bucket: str, version: str
) -> int:
    keys = (parsed_key(article_id) for article_id in stale_summaries(articles_table, version))
    return requeue(sqs, summarize_queue_url, bucket, keys)


def reindex(s3: Any, sqs: Any, index_queue_url: str, bucket: str) -> int:
    return requeue(sqs, index_queue_url, bucket, summary_keys(s3, bucket))


def redrive(sqs: Any, dead_letter_url: str, queue_url: str, limit: int | None = None) -> int:
    """Moves messages from a dead-letter queue back to its stage's queue; returns how many.

    Each message is deleted from the dead-letter queue only once its copy is queued, so a stop
    half-way loses nothing (a message may at worst be sent twice, which the stages absorb)."""
    moved = 0
    while limit is None or moved < limit:
        wanted = SQS_BATCH if limit is None else min(SQS_BATCH, limit - moved)
        messages = sqs.receive_message(
            QueueUrl=dead_letter_url,
            MaxNumberOfMessages=wanted,
            WaitTimeSeconds=1,
            VisibilityTimeout=60,
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            break
        entries = []
        for n, message in enumerate(messages):
            entry: dict[str, Any] = {"Id": str(n), "MessageBody": message["Body"]}
            if message.get("MessageAttributes"):
                entry["MessageAttributes"] = message["MessageAttributes"]
            entries.append(entry)
        _send(sqs, queue_url, entries)
        sqs.delete_message_batch(
            QueueUrl=dead_letter_url,
            Entries=[
                {"Id": str(n), "ReceiptHandle": message["ReceiptHandle"]}
                for n, message in enumerate(messages)
            ],
        )
        moved += len(messages)
    return moved
