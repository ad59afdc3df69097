"""The whole chain in moto: upload → S3 event → parse → summarize → index → API."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from harness import Pipeline

from newsbrief.sentences import split_sentences

SEED_TITLE = "Russia and Uzbekistan discuss steps to strengthen regional stability"
FURNITURE = (
    "No time to read?",
    "Get a summary",
    "Previous Article",
    "Next Article",
    "Kokorin’s Cyprus Triumph",
    "Dmitry Puchkov on Petrosyan",
)


def test_seed_page_is_parsed_summarized_and_indexed(pipeline: Pipeline, seed_article: bytes):
    key = pipeline.upload("seed-article.txt", seed_article)
    pipeline.drain()

    article = pipeline.article_for(key)
    assert article["status"] == "indexed"
    assert article["title"] == SEED_TITLE
    assert article["language"] == "en"
    body = "\n\n".join(article["paragraphs"])
    assert body.startswith("In Moscow, top diplomats")
    assert body.endswith("all dimensions of the bilateral relationship.")
    for line in FURNITURE:
        assert line not in body
    assert article["word_count"] > 300
    assert article["reading_time_minutes"] >= 1
    assert re.fullmatch(r"[0-9a-f]{64}", article["content_sha256"])

    assert len(article["summary"]) == 3
    body_sentences = {s for p in article["paragraphs"] for s in split_sentences(p, "en")}
    assert set(article["summary"]) <= body_sentences
    assert article["keywords"]

    hits = pipeline.api.get("/search?q=Uzbekistan%20Afghanistan")["items"]
    assert hits[0]["id"] == article["id"]

    parsed = json.loads(
        pipeline.s3.get_object(Bucket=pipeline.bucket, Key=f"parsed/{article['id']}.json")[
            "Body"
        ].read()
    )
    assert parsed["schema_version"] == 1
    assert parsed["source"]["key"] == key
    assert parsed["source"]["bucket"] == pipeline.bucket


def test_reupload_updates_in_place_without_duplicate_hits(pipeline: Pipeline, seed_article: bytes):
    key = pipeline.upload("story.txt", seed_article)
    pipeline.drain()
    first = pipeline.article_for(key)

    edited = seed_article.replace(b"Russia and Uzbekistan discuss", b"Russia and Uzbekistan review")
    pipeline.upload("story.txt", edited)
    pipeline.drain()

    second = pipeline.article_for(key)
    assert second["id"] == first["id"]
    assert second["title"].startswith("Russia and Uzbekistan review")
    assert second["status"] == "indexed"
    hits = pipeline.api.get("/search?q=Uzbekistan")["items"]
    assert [hit["id"] for hit in hits] == [first["id"]]
    assert hits[0]["title"] == second["title"]


def test_deleting_the_upload_removes_every_trace(pipeline: Pipeline, seed_article: bytes):
    key = pipeline.upload("gone soon.txt", seed_article)
    pipeline.drain()
    article_id = pipeline.article_for(key)["id"]

    pipeline.s3.delete_object(Bucket=pipeline.bucket, Key=key)
    pipeline.drain()

    status, body = pipeline.api.request("GET", f"/articles/{article_id}")
    assert status == 404
    assert body["error"]["code"] == "not_found"
    assert pipeline.api.get("/search?q=Uzbekistan")["items"] == []
    assert pipeline.api.get(f"/articles?key={quote(key)}")["items"] == []
    listing = pipeline.s3.list_objects_v2(Bucket=pipeline.bucket, Prefix="parsed/")
    assert listing.get("KeyCount", 0) == 0
    summaries = pipeline.s3.list_objects_v2(Bucket=pipeline.bucket, Prefix="summaries/")
    assert summaries.get("KeyCount", 0) == 0


def test_unprocessable_uploads_end_rejected_with_a_copy(pipeline: Pipeline):
    empty = pipeline.upload("empty.txt", b"")
    junk = pipeline.upload("junk.html", bytes(range(256)) * 40, "text/html")
    pipeline.drain()

    for key, code in ((empty, "empty"), (junk, "binary")):
        items = pipeline.api.get(f"/articles?key={quote(key)}")["items"]
        assert [item["status"] for item in items] == ["rejected"]
        article = pipeline.api.get(f"/articles/{items[0]['id']}")
        assert article["reason_code"] == code
        assert article["reason"]
        reason = json.loads(
            pipeline.s3.get_object(
                Bucket=pipeline.bucket, Key=f"rejected/{items[0]['id']}/reason.json"
            )["Body"].read()
        )
        assert reason["reason_code"] == code
        assert reason["source"]["key"] == key
        copy = pipeline.s3.get_object(
            Bucket=pipeline.bucket, Key=f"rejected/{items[0]['id']}/original"
        )
        assert (
            copy["ContentLength"]
            == pipeline.s3.head_object(Bucket=pipeline.bucket, Key=key)["ContentLength"]
        )
    for queue in ("ParseDeadLetterQueue", "SummarizeDeadLetterQueue", "IndexDeadLetterQueue"):
        url = pipeline.sqs.get_queue_url(QueueName=f"newsbrief-{queue}")["QueueUrl"]
        attributes = pipeline.sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        assert attributes["ApproximateNumberOfMessages"] == "0"


def test_a_json_list_becomes_one_article_each(pipeline: Pipeline):
    stories = [
        {
            "title": f"Harbour report {n}",
            "body": f"The harbour authority said on Monday that ferry number {n} will resume "
            "service next week after repairs. Officials expect demand to recover quickly. "
            "Local businesses welcomed the decision and said tourism would benefit.",
            "published": f"2026-03-0{n}T08:00:00Z",
        }
        for n in (1, 2)
    ]
    key = pipeline.upload("batch.json", json.dumps(stories), "application/json")
    pipeline.drain()
    items = pipeline.api.get(f"/articles?key={quote(key)}")["items"]
    assert sorted(item["title"] for item in items) == ["Harbour report 1", "Harbour report 2"]
    assert {item["status"] for item in items} == {"indexed"}
    assert {item["published"][:10] for item in items} == {"2026-03-01", "2026-03-02"}


def test_keys_with_spaces_and_non_ascii_characters(pipeline: Pipeline, seed_article: bytes):
    key = pipeline.upload("Новости дня + report 100%.txt", seed_article)
    pipeline.drain()
    article = pipeline.article_for(key)
    assert article["status"] == "indexed"
    assert article["source_key"] == key
