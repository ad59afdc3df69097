"""The events a newsroom's CMS receives through a rule on the stack's bus, in moto: an article's
whole life, a rejected upload, a redelivered message, and a bus that refuses events for a while.
Every detail is checked against its JSON Schema file under docs/events/."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from harness import Pipeline
from jsonschema import Draft202012Validator

from local.subscriptions import Subscription, subscribe
from newsbrief import runtime
from newsbrief.announcements.details import DetailType, schema_file_name
from newsbrief.announcements.newsroom import NewsroomEvents
from newsbrief.events import article_id_for
from newsbrief.models import ArticleRecord

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "events"
STORY = json.dumps(
    {
        "title": "Night trams return to the river line",
        "url": "https://northfield.example/night-trams",
        "language": "en",
        "published": "2026-05-01T08:00:00Z",
        "body": "Night trams will run on the river line again from June, the city said on "
        "Monday. The service stopped three years ago when the depot closed. Riders had asked "
        "for it at every council meeting since. Trams will leave every twenty minutes until "
        "two in the morning on Fridays and Saturdays.",
    }
)


@pytest.fixture
def cms(pipeline: Pipeline) -> Subscription:
    return subscribe(pipeline.events, pipeline.sqs, pipeline.spec.event_bus_name, "cms")


def checked(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events, each detail validated against its detail type's schema file."""
    for event in events:
        assert event["source"] == "newsbrief"
        detail_type = DetailType(event["detail-type"])
        schema = json.loads((SCHEMAS / schema_file_name(detail_type)).read_text())
        Draft202012Validator(schema).validate(event["detail"])
    return events


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [event["detail-type"] for event in events]


def parse_queue(pipeline: Pipeline) -> str:
    return str(pipeline.sqs.get_queue_url(QueueName="newsbrief-ParseQueue")["QueueUrl"])


def test_an_articles_life_reaches_the_cms(pipeline: Pipeline, cms: Subscription) -> None:
    key = pipeline.upload("night-trams.json", STORY, "application/json")
    pipeline.drain()
    article = pipeline.article_for(key)

    indexed = checked(cms.received())
    assert kinds(indexed) == ["Summary Ready", "Article Indexed"]
    api_url = pipeline.spec.environment["API_URL"]
    for event in indexed:
        detail = event["detail"]
        assert (detail["article_id"], detail["source_key"]) == (article["id"], key)
        assert (detail["title"], detail["language"]) == (article["title"], "en")
        assert detail["url"] == "https://northfield.example/night-trams"
        assert detail["resource_url"] == f"{api_url}/articles/{article['id']}"
        # The link is the API's resource of the article.
        path = detail["resource_url"].removeprefix(api_url)
        assert pipeline.api.get(path)["id"] == article["id"]
    assert indexed[0]["detail"]["summary"] == pipeline.api.get(path + "/summary")["summary"]
    assert indexed[1]["detail"]["duplicate_of"] is None

    status, _ = pipeline.api.request("DELETE", f"/articles/{article['id']}")
    assert status == 204
    pipeline.drain()

    [deleted] = checked(cms.received())
    assert deleted["detail-type"] == "Article Deleted"
    assert deleted["detail"]["article_id"] == article["id"]
    assert deleted["detail"]["title"] == article["title"]
    assert pipeline.api.request("GET", f"/articles/{article['id']}")[0] == 404


def test_a_rejected_upload_reaches_the_cms_and_a_redelivery_repeats_it_with_the_same_id(
    pipeline: Pipeline, cms: Subscription
) -> None:
    pipeline.drain()  # S3's test events, sent when the notifications were set up
    key = pipeline.upload("empty.txt", b"   \n")
    url = parse_queue(pipeline)
    [message] = pipeline.sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"]
    pipeline.drain()
    first = checked(cms.received())
    record = pipeline.api.get(f"/articles/{article_id_for(key)}")
    detail = first[0]["detail"]
    assert (detail["article_id"], detail["source_key"]) == (record["id"], key)
    assert (detail["reason_code"], detail["reason"]) == (record["reason_code"], record["reason"])
    assert detail["title"] is None

    pipeline.sqs.send_message(QueueUrl=url, MessageBody=message["Body"])
    pipeline.drain()
    again = checked(cms.received())

    assert kinds(first) == kinds(again) == ["Article Rejected"]
    assert first[0]["detail"] == again[0]["detail"]
    assert pipeline.api.get(f"/articles/{article_id_for(key)}")["status"] == "rejected"


class BusOutage:
    """EventBridge refusing every entry of the first ``calls`` PutEvents calls, as under
    throttling (``FailedEntryCount``), without putting any."""

    def __init__(self, calls: int) -> None:
        self.left = calls
        self.refused = 0

    def attach(self, session: Any) -> None:
        session.events.register_first("before-call.events.PutEvents", self._before_call)

    def _before_call(self, params: dict[str, Any], **kwargs: Any) -> tuple[Any, Any] | None:
        if self.left <= 0:
            return None
        self.left -= 1
        entries = json.loads(params["body"])["Entries"]
        self.refused += len(entries)
        refusal = {"ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded"}
        parsed = {
            "FailedEntryCount": len(entries),
            "Entries": [refusal] * len(entries),
            "ResponseMetadata": {"HTTPStatusCode": 200, "HTTPHeaders": {}},
        }
        return AWSResponse(str(params.get("url", "")), 200, {}, None), parsed


@pytest.fixture
def outage(monkeypatch: pytest.MonkeyPatch) -> Iterator[BusOutage]:
    """Refusals long enough to outlast the adapter's retries (5 tries) once, and part of a
    second round; no sleeping between the tries."""
    from newsbrief.backoff import Backoff

    monkeypatch.setattr(Backoff, "delay", lambda *_: 0.0)
    boto3.setup_default_session()
    runtime.reset()
    refusals = BusOutage(calls=7)
    refusals.attach(boto3.DEFAULT_SESSION)
    yield refusals
    boto3.DEFAULT_SESSION = None
    runtime.reset()


def versions(pipeline: Pipeline, key: str) -> int:
    listed = pipeline.s3.list_object_versions(Bucket=pipeline.bucket, Prefix=key)
    return len(listed.get("Versions", []))


def test_a_bus_that_refuses_events_delays_them_without_repeating_the_work(
    pipeline: Pipeline, cms: Subscription, outage: BusOutage
) -> None:
    pipeline.drain()  # S3's test events, sent when the notifications were set up
    keys = [
        pipeline.upload(f"trams-{n}.json", STORY.replace("June", f"June ({n})"), "application/json")
        for n in range(2)
    ]
    rejected_key = pipeline.upload("empty.txt", b"")
    pipeline.drain()

    assert outage.left == 0 and outage.refused >= 7
    # The refused messages came back from their queues: their work was not done again.
    assert sum(poller.failed_messages for poller in pipeline.pollers) > 0
    events = checked(cms.received())
    ids = [article_id_for(key) for key in keys]
    assert Counter((e["detail-type"], e["detail"]["article_id"]) for e in events) == Counter(
        [("Summary Ready", i) for i in ids]
        + [("Article Indexed", i) for i in ids]
        + [("Article Rejected", article_id_for(rejected_key))]
    )
    for article_id in ids:
        assert versions(pipeline, f"parsed/{article_id}") == 1
        assert versions(pipeline, f"summaries/{article_id}") == 1
        record = ArticleRecord.model_validate(pipeline.api.get(f"/articles/{article_id}"))
        assert record.status == "indexed"


def test_the_api_announces_an_editors_change_through_the_runtimes_publisher(
    pipeline: Pipeline, cms: Subscription
) -> None:
    """What the editorial routes call: one line per change, linked to the request's API URL."""
    key = pipeline.upload("night-trams.json", STORY, "application/json")
    pipeline.drain()
    cms.received()
    record = ArticleRecord.model_validate(pipeline.article_for(key))
    publisher = runtime.event_publisher("https://news-api.example/v1")

    assert publisher.summary_edited(record, ["Night trams are back."], "A. Editor", None, "2")
    assert publisher.summary_approved(record, record.summary, "B. Editor", "1")
    # Summary Stale comes from the summarize stage, which returns it for its queue to put.
    stale = NewsroomEvents("https://news-api.example/v1").summary_stale(record, "2", "A. Editor")
    assert publisher.announce(stale)

    received = checked(cms.received())
    assert kinds(received) == ["Summary Edited", "Summary Approved", "Summary Stale"]
    assert {event["detail"]["resource_url"] for event in received} == {
        f"https://news-api.example/v1/articles/{record.id}"
    }
    assert received[0]["detail"]["editor"] == "A. Editor"
