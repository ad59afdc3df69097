"""Operations on a running stack: re-summarize after a summarizer upgrade, rebuild the index.

    python -m newsbrief.operations --stack newsbrief resummarize
    python -m newsbrief.operations --stack newsbrief reindex

Both re-queue existing objects to the stage that should run again, so the work is done by the
functions themselves, with their retries and dead-letter queues.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterable, Iterator
from typing import Any

from newsbrief.events import created_event_message
from newsbrief.settings import SUMMARIES_PREFIX
from newsbrief.storage.objects import parsed_key

REQUEUE_BATCH = 10


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
        if len(batch) == REQUEUE_BATCH:
            sent += _send(sqs, queue_url, batch)
            batch = []
    if batch:
        sent += _send(sqs, queue_url, batch)
    return sent


def _send(sqs: Any, queue_url: str, batch: list[dict[str, str]]) -> int:
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


def _stack_outputs(cloudformation: Any, stack: str) -> dict[str, str]:
    description = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in description["Outputs"]}


def main(argv: list[str] | None = None) -> int:
    import boto3

    from newsbrief.summarizing import SUMMARIZER_VERSION

    parser = argparse.ArgumentParser(prog="python -m newsbrief.operations", description=__doc__)
    parser.add_argument("--stack", default="newsbrief", help="the deployed stack's name")
    parser.add_argument("command", choices=["resummarize", "reindex"])
    args = parser.parse_args(argv)

    outputs = _stack_outputs(boto3.client("cloudformation"), args.stack)
    bucket = outputs["ArticlesBucketName"]
    sqs = boto3.client("sqs")
    if args.command == "resummarize":
        table = boto3.resource("dynamodb").Table(outputs["ArticlesTableName"])
        count = resummarize(table, sqs, outputs["SummarizeQueueUrl"], bucket, SUMMARIZER_VERSION)
        print(f"queued {count} articles for summarizer {SUMMARIZER_VERSION}")
    else:
        count = reindex(boto3.client("s3"), sqs, outputs["IndexQueueUrl"], bucket)
        print(f"queued {count} summaries for indexing")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
