"""`newsbrief status`: articles by status and rejection reason, each stage's queue and
dead-letter queue."""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from newsbrief.models import Status
from newsbrief_cli.target import Target

# The stale summaries status names one by one; `GET /articles?summary=stale` pages through all.
STALE_LISTED = 20


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "status",
        help="articles by status, queues and dead-letter queues",
        description="Counts the articles by status (reading the whole articles table) and "
        "rejected uploads by reason, and shows each stage's queue and dead-letter queue: "
        "messages waiting, in flight, and the age of the oldest (from CloudWatch, when it has "
        "the metric).",
    )
    parser.set_defaults(run=run)


@dataclass
class ArticleCounts:
    """Articles by status, rejections by reason, the oldest update of each unfinished status,
    and the articles whose newsroom summary went stale (their text changed after the review)."""

    statuses: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    oldest: dict[str, str] = field(default_factory=dict)
    # (article id, title) of each
    stale_summaries: list[tuple[str, str]] = field(default_factory=list)


def article_counts(target: Target) -> ArticleCounts:

    in_flight = {Status.QUEUED.value, Status.PARSED.value, Status.SUMMARIZED.value}
    table = target.table("ArticlesTableName")
    kwargs: dict[str, Any] = {
        "FilterExpression": "kind = :kind",
        "ProjectionExpression": "id, title, #s, reason_code, updated_at, editorial.stale",
        "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": {":kind": "article"},
    }
    counts = ArticleCounts()
    while True:
        response = table.scan(**kwargs)
        for item in response.get("Items", []):
            status = str(item.get("status", ""))
            counts.statuses[status] += 1
            if status == Status.REJECTED.value:
                counts.reasons[str(item.get("reason_code", ""))] += 1
            updated = str(item.get("updated_at", ""))
            if status in in_flight and updated and updated < counts.oldest.get(status, "~"):
                counts.oldest[status] = updated
            if (item.get("editorial") or {}).get("stale"):
                counts.stale_summaries.append((str(item["id"]), str(item.get("title") or "")))
        if "LastEvaluatedKey" not in response:
            counts.stale_summaries.sort()
            return counts
        kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def queue_depths(target: Target, queue_url: str) -> tuple[int, int, int]:
    """Messages visible, in flight and delayed (SQS's approximate counts)."""
    attributes = target.client("sqs").get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=[
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ],
    )["Attributes"]
    return (
        int(attributes.get("ApproximateNumberOfMessages", 0)),
        int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)),
        int(attributes.get("ApproximateNumberOfMessagesDelayed", 0)),
    )


def oldest_message_age(target: Target, queue_url: str) -> float | None:
    """SQS's ApproximateAgeOfOldestMessage over the last minutes, when CloudWatch has it."""
    now = datetime.now(UTC)
    response = target.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/SQS",
        MetricName="ApproximateAgeOfOldestMessage",
        Dimensions=[{"Name": "QueueName", "Value": queue_url.rsplit("/", 1)[-1]}],
        StartTime=now - timedelta(minutes=15),
        EndTime=now,
        Period=60,
        Statistics=["Maximum"],
    )
    points = sorted(response.get("Datapoints", []), key=lambda point: point["Timestamp"])
    return float(points[-1]["Maximum"]) if points else None


def age(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


def _since(timestamp: str | None) -> float | None:
    if not timestamp:
        return None
    updated = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return max(0.0, (datetime.now(UTC) - updated).total_seconds())


def run(args: argparse.Namespace, target: Target) -> int:

    console = Console()
    counts = article_counts(target)
    statuses, reasons, oldest = counts.statuses, counts.reasons, counts.oldest
    articles = Table(title=f"Articles in {target.name}", title_justify="left")
    articles.add_column("status")
    articles.add_column("articles", justify="right")
    articles.add_column("oldest unchanged for", justify="right")
    for status in Status:
        articles.add_row(
            status.value, str(statuses.get(status.value, 0)), age(_since(oldest.get(status.value)))
        )
    articles.add_row("total", str(sum(statuses.values())), "")
    console.print(articles)

    if reasons:
        rejected = Table(title="Rejected uploads by reason", title_justify="left")
        rejected.add_column("reason")
        rejected.add_column("uploads", justify="right")
        for reason, count in reasons.most_common():
            rejected.add_row(reason, str(count))
        console.print(rejected)

    console.print(
        f"Stale summaries: {len(counts.stale_summaries)}"
        + (
            " (the text changed after an editor wrote or approved the summary: "
            "`newsbrief summary show ID`, then edit or approve)"
            if counts.stale_summaries
            else ""
        ),
        highlight=False,
    )
    if counts.stale_summaries:
        stale = Table()
        stale.add_column("article")
        stale.add_column("title", overflow="fold")
        for article_id, title in counts.stale_summaries[:STALE_LISTED]:
            stale.add_row(article_id, escape(title))
        if len(counts.stale_summaries) > STALE_LISTED:
            stale.add_row(f"… and {len(counts.stale_summaries) - STALE_LISTED} more", "")
        console.print(stale)

    queues = Table(title="Queues", title_justify="left")
    for column in ("stage", "queue", "waiting", "in flight", "delayed", "oldest"):
        queues.add_column(column, justify="left" if column in ("stage", "queue") else "right")
    dead_letters = 0
    for stage in target.stages():
        for label, output in (
            ("queue", f"{stage}QueueUrl"),
            ("dead letters", f"{stage}DeadLetterQueueUrl"),
        ):
            url = target.output(output)
            waiting, in_flight, delayed = queue_depths(target, url)
            if label == "dead letters":
                dead_letters += waiting + in_flight + delayed
            queues.add_row(
                stage.lower(),
                label,
                str(waiting),
                str(in_flight),
                str(delayed),
                age(oldest_message_age(target, url)),
            )
    console.print(queues)
    if dead_letters:
        console.print(
            f"{dead_letters} messages in dead-letter queues: once their cause is fixed, "
            "`newsbrief redrive` sends them back to their stage."
        )
    return 0
