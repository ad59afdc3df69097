"""Re-summarizing after an upgrade, rebuilding the index, learning a source's furniture."""

from __future__ import annotations

import json

from harness import Pipeline

from newsbrief import runtime
from newsbrief.summarizing import SUMMARIZER_VERSION
from newsbrief_cli import operations


def story(n: int) -> str:
    return json.dumps(
        {
            "title": f"Ferry timetable change {n}",
            "body": f"Timetable{n}code. The ferry operator will add {n + 2} crossings a day from "
            "June, the company said on Monday. Commuters had asked for earlier morning boats. "
            "The new timetable also adds a late service on Fridays and Saturdays.",
        }
    )


def test_resummarize_requeues_only_summaries_of_another_version(pipeline: Pipeline):
    keys = [pipeline.upload(f"ferry-{n}.json", story(n), "application/json") for n in range(3)]
    pipeline.drain()
    table = runtime.dynamodb().Table(pipeline.spec.environment["ARTICLES_TABLE"])
    old = pipeline.article_for(keys[0])["id"]
    table.update_item(
        Key={"id": old},
        UpdateExpression="SET summary_version = :old",
        ExpressionAttributeValues={":old": "0-old"},
    )
    queue = pipeline.sqs.get_queue_url(QueueName="newsbrief-SummarizeQueue")["QueueUrl"]

    queued = operations.resummarize(table, pipeline.sqs, queue, pipeline.bucket, SUMMARIZER_VERSION)
    assert queued == 1
    pipeline.drain()

    item = table.get_item(Key={"id": old})["Item"]
    assert item["summary_version"] == SUMMARIZER_VERSION
    assert item["status"] == "indexed"
    assert (
        operations.resummarize(table, pipeline.sqs, queue, pipeline.bucket, SUMMARIZER_VERSION) == 0
    )


def test_reindex_rebuilds_the_index_from_the_stored_summaries(pipeline: Pipeline):
    keys = [pipeline.upload(f"ferry-{n}.json", story(n), "application/json") for n in range(3)]
    pipeline.drain()
    ids = [pipeline.article_for(key)["id"] for key in keys]
    runtime.index_writer().delete(ids)
    assert pipeline.api.get("/search?q=timetable1code")["items"] == []

    queue = pipeline.sqs.get_queue_url(QueueName="newsbrief-IndexQueue")["QueueUrl"]
    assert operations.reindex(pipeline.s3, pipeline.sqs, queue, pipeline.bucket) == 3
    pipeline.drain()

    for n, article_id in enumerate(ids):
        assert [hit["id"] for hit in pipeline.api.get(f"/search?q=timetable{n}code")["items"]] == [
            article_id
        ]


def test_a_line_repeated_across_a_source_is_learned_as_furniture(pipeline: Pipeline):
    promo = "Harbour Weekly is printed every Thursday by Kestrel Bay Press"
    keys = []
    for n in range(4):
        text = (
            f"Harbour news {n}\n\n"
            f"The harbour board met for the {n + 1}th time this year and approved plan {n}. "
            "Members discussed new moorings for small boats and a longer fishing season.\n\n"
            f"{promo}\n\n"
            "The next meeting is planned for the first week of the coming month, officials said."
        )
        keys.append(pipeline.upload(f"harbourweekly/story-{n}.txt", text))
        pipeline.drain()

    first = pipeline.article_for(keys[0])
    last = pipeline.article_for(keys[-1])
    assert promo in first["paragraphs"]
    assert promo not in last["paragraphs"]
    assert last["paragraphs"][-1].startswith("The next meeting is planned")
