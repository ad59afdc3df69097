"""Objects deleted while the pipeline or a reader still needs them: each read of the missing
key learns that it is missing (S3's 404, which the roles' s3:ListBucket allows; without it S3
answers 403) and the stage or page goes on without it."""

from __future__ import annotations

import json
from urllib.parse import quote

from harness import Pipeline

STORY = json.dumps(
    {
        "title": "Ferry timetable changes for the winter",
        "published": "2026-10-01T08:00:00Z",
        "body": "The island ferry will sail four times a day from November, the operator said. "
        "The first departure moves to seven in the morning. Tickets bought for the summer "
        "timetable stay valid until the end of the year, a spokeswoman added.",
    }
)


def dead_letters(pipeline: Pipeline) -> int:
    total = 0
    for name in ("ParseDeadLetterQueue", "SummarizeDeadLetterQueue", "IndexDeadLetterQueue"):
        url = pipeline.sqs.get_queue_url(QueueName=pipeline.spec.queues[name].name)["QueueUrl"]
        attributes = pipeline.sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        total += int(attributes["ApproximateNumberOfMessages"])
    return total


def keys_under(pipeline: Pipeline, prefix: str) -> list[str]:
    listed = pipeline.s3.list_objects_v2(Bucket=pipeline.bucket, Prefix=prefix)
    return [item["Key"] for item in listed.get("Contents", [])]


def items_of(pipeline: Pipeline, key: str) -> list[dict[str, str]]:
    items: list[dict[str, str]] = pipeline.api.get(f"/articles?key={quote(key)}")["items"]
    return items


def test_an_article_whose_parsed_text_is_gone_still_answers(pipeline: Pipeline):
    key = pipeline.upload("ferry.json", STORY, "application/json")
    pipeline.drain()
    article_id = pipeline.article_for(key)["id"]
    # Deleted behind the record's back; its removal events are not delivered yet.
    pipeline.s3.delete_object(Bucket=pipeline.bucket, Key=f"parsed/{article_id}.json")

    # The record answers without the text, not with a 500.
    article = pipeline.api.get(f"/articles/{article_id}")
    assert (article["id"], article["status"]) == (article_id, "indexed")
    assert not article.get("paragraphs")
    status, _, page = pipeline.api.gateway.handle("GET", f"/read/{article_id}", {}, b"")
    assert status == 200
    assert "This article is still being processed" in page.decode()


def test_a_parsed_article_deleted_before_its_summary_is_skipped(pipeline: Pipeline):
    key = pipeline.upload("ferry.json", STORY, "application/json")
    parse = next(p for p in pipeline.pollers if p.mapping.function == "ParseFunction")
    while parse.poll_once():
        pass
    (item,) = items_of(pipeline, key)
    pipeline.s3.delete_object(Bucket=pipeline.bucket, Key=f"parsed/{item['id']}.json")
    # The summarize stage gets the creation's event (the object is gone) and the removal's
    # (there is no summary to remove).
    pipeline.drain()

    assert [entry["status"] for entry in items_of(pipeline, key)] == ["parsed"]
    assert keys_under(pipeline, "summaries/") == []
    assert dead_letters(pipeline) == 0


def test_a_deleted_rejected_upload_takes_its_rejection_with_it(pipeline: Pipeline):
    key = pipeline.upload("empty.txt", b"")
    pipeline.drain()
    (item,) = items_of(pipeline, key)
    assert item["status"] == "rejected"
    assert sorted(keys_under(pipeline, f"rejected/{item['id']}/")) == [
        f"rejected/{item['id']}/original",
        f"rejected/{item['id']}/reason.json",
    ]

    pipeline.s3.delete_object(Bucket=pipeline.bucket, Key=key)
    pipeline.drain()
    assert items_of(pipeline, key) == []
    assert keys_under(pipeline, "rejected/") == []
    assert dead_letters(pipeline) == 0
