"""The events put on the bus: each detail type's JSON Schema file is current and holds a sample
detail as the stages and the API make it; ids stay the same for the same change; the bus
adapter retries what EventBridge refused, and only that."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from jsonschema import Draft202012Validator

from newsbrief.announcements.details import (
    DETAIL_MODELS,
    BusEvent,
    DetailType,
    detail_schema,
    schema_file_name,
)
from newsbrief.announcements.newsroom import NewsroomEvents
from newsbrief.announcements.publisher import EventPublisher
from newsbrief.backoff import Backoff
from newsbrief.models import ArticleRecord, ParsedArticle, SourceRef, Status, Summary
from newsbrief.storage.event_bus import EventBus, EventsNotPutError
from tests.unit.fakes import FakeEventBus

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "docs" / "events"
API_URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/v1"
SOURCE = SourceRef(
    bucket="articles",
    key="incoming/ferry.html",
    content_type="text/html",
    size=2048,
    version_id="v1",
    sequencer="0062E99A88DC407460",
)
ARTICLE = ParsedArticle(
    id="4c1f0e2a9b7d3e5f6a8b",
    title="Ferry adds early crossings",
    paragraphs=["The ferry operator will add four crossings a day from June."],
    language="en",
    url="https://news.example/ferry",
    word_count=11,
    reading_time_minutes=1,
    content_sha256="ab" * 32,
    source=SOURCE,
    parsed_at="2026-12-05T10:00:00Z",
    parser_version="1",
)
SUMMARY = Summary(
    id=ARTICLE.id,
    sentences=["The ferry operator will add four crossings a day from June."],
    method="extractive",
    version="1",
    source_sha256=ARTICLE.content_sha256,
)
RECORD = ArticleRecord(
    id=ARTICLE.id,
    status=Status.INDEXED,
    source_key=SOURCE.key,
    title=ARTICLE.title,
    language="en",
    url=ARTICLE.url,
    content_sha256=ARTICLE.content_sha256,
)


def validator(detail_type: DetailType) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / schema_file_name(detail_type)).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def samples(events: NewsroomEvents) -> dict[DetailType, BusEvent]:
    """One event of each detail type, as the stages and the API make them."""
    return {
        DetailType.ARTICLE_INDEXED: events.article_indexed(ARTICLE, None),
        DetailType.ARTICLE_REJECTED: events.article_rejected(
            ARTICLE.id, SOURCE, "malformed", "In the JSON upload, the object has no body."
        ),
        DetailType.ARTICLE_DELETED: events.article_deleted(RECORD, "0062E99A88DC4074FF"),
        DetailType.SUMMARY_READY: events.summary_ready(ARTICLE, SUMMARY),
        DetailType.SUMMARY_EDITED: events.summary_edited(
            RECORD, ["Four more crossings a day from June."], "A. Editor", "shorter", "3"
        ),
        DetailType.SUMMARY_APPROVED: events.summary_approved(
            RECORD, SUMMARY.sentences, "A. Editor", "2"
        ),
        DetailType.SUMMARY_STALE: events.summary_stale(RECORD, "3", "A. Editor"),
    }


def test_every_detail_type_has_a_current_schema_file() -> None:
    files = {path.name for path in SCHEMAS.glob("*.schema.json")}
    assert files == {schema_file_name(detail_type) for detail_type in DetailType}
    for detail_type in DetailType:
        written = json.loads((SCHEMAS / schema_file_name(detail_type)).read_text())
        assert written == detail_schema(detail_type), (
            f"{detail_type}: run .venv/bin/python scripts/event_schemas.py"
        )


@pytest.mark.parametrize("detail_type", list(DetailType), ids=str)
def test_a_sample_detail_of_each_type_matches_its_schema(detail_type: DetailType) -> None:
    event = samples(NewsroomEvents(API_URL))[detail_type]
    assert event.detail_type is detail_type
    validator(detail_type).validate(event.detail)
    assert event.detail["article_id"] == ARTICLE.id
    assert event.detail["source_key"] == SOURCE.key
    assert event.detail["resource_url"] == f"{API_URL}/articles/{ARTICLE.id}"
    # The model reads its own output back: the detail is all the model declares.
    DETAIL_MODELS[detail_type].model_validate(event.detail)


@pytest.mark.parametrize("detail_type", list(DetailType), ids=str)
def test_a_schema_refuses_a_detail_that_lacks_or_adds_a_field(detail_type: DetailType) -> None:
    detail = samples(NewsroomEvents(API_URL))[detail_type].detail
    schema = validator(detail_type)
    assert not schema.is_valid({**detail, "surprise": 1})
    assert not schema.is_valid({k: v for k, v in detail.items() if k != "article_id"})
    assert not schema.is_valid({**detail, "event_id": "not-a-digest"})


def test_the_same_change_has_the_same_id_and_another_change_another() -> None:
    first = samples(NewsroomEvents(API_URL, clock=lambda: "2026-12-05T10:00:00Z"))
    again = samples(NewsroomEvents(API_URL + "/", clock=lambda: "2026-12-05T11:30:00Z"))
    assert {t: e.event_id for t, e in first.items()} == {t: e.event_id for t, e in again.items()}
    assert len({event.event_id for event in first.values()}) == len(DetailType)

    events = NewsroomEvents(API_URL)
    reupload = ARTICLE.model_copy(
        update={"source": SOURCE.model_copy(update={"sequencer": "0062E99A88DC4075AA"})}
    )
    assert (
        events.article_indexed(reupload, None).event_id
        != first[DetailType.ARTICLE_INDEXED].event_id
    )
    resummarized = SUMMARY.model_copy(update={"sentences": ["Another summary."]})
    assert (
        events.summary_ready(ARTICLE, resummarized).event_id
        != first[DetailType.SUMMARY_READY].event_id
    )


class StubEvents:
    """An EventBridge client answering each PutEvents call from a script: a response (whose
    entries refuse those listed by position), or an exception."""

    def __init__(self, *script: list[str | None] | Exception) -> None:
        self.script = list(script)
        self.calls: list[list[dict[str, Any]]] = []

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        self.calls.append(Entries)
        step = self.script.pop(0) if self.script else [None] * len(Entries)
        if isinstance(step, Exception):
            raise step
        results = [{"ErrorCode": code} if code else {"EventId": "e"} for code in step]
        return {"FailedEntryCount": sum(1 for code in step if code), "Entries": results}


def client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "PutEvents",
    )


def bus(client: StubEvents) -> tuple[EventBus, list[float]]:
    waits: list[float] = []
    adapter = EventBus(
        client,
        "newsbrief-newsroom",
        backoff=Backoff(0.1, 2.0, 4),
        sleep=waits.append,
        draw=lambda: 1.0,
    )
    return adapter, waits


def some_events(count: int) -> list[BusEvent]:
    events = NewsroomEvents(API_URL)
    return [
        events.article_deleted(RECORD.model_copy(update={"id": f"article-{n}"}), "01")
        for n in range(count)
    ]


def test_entries_refused_in_part_are_sent_again_alone_after_a_wait() -> None:
    client = StubEvents([None, "ThrottlingException", None], ["InternalFailure"], [None])
    adapter, waits = bus(client)
    events = some_events(3)
    adapter.put(events)
    sent = [[json.loads(entry["Detail"])["article_id"] for entry in call] for call in client.calls]
    assert sent == [["article-0", "article-1", "article-2"], ["article-1"], ["article-1"]]
    assert waits == [0.1, 0.2]
    entry = client.calls[0][0]
    assert (entry["Source"], entry["DetailType"], entry["EventBusName"]) == (
        "newsbrief",
        "Article Deleted",
        "newsbrief-newsroom",
    )


def test_a_request_holds_at_most_ten_entries() -> None:
    client = StubEvents()
    adapter, _ = bus(client)
    adapter.put(some_events(23))
    assert [len(call) for call in client.calls] == [10, 10, 3]


def test_events_still_refused_after_the_last_try_are_named() -> None:
    client = StubEvents(*[["ThrottlingException", None]] + [["ThrottlingException"]] * 3)
    adapter, waits = bus(client)
    events = some_events(2)
    with pytest.raises(EventsNotPutError) as raised:
        adapter.put(events)
    assert raised.value.unsent == [events[0]]
    assert len(client.calls) == 4 and len(waits) == 3


def test_a_refusal_no_retry_can_help_is_not_retried() -> None:
    client = StubEvents(["MalformedDetail", None])
    adapter, _ = bus(client)
    events = some_events(2)
    with pytest.raises(EventsNotPutError) as raised:
        adapter.put(events)
    assert raised.value.unsent == [events[0]]
    assert len(client.calls) == 1


def test_a_failed_call_is_retried_when_transient_and_not_when_denied() -> None:
    client = StubEvents(client_error("ServiceUnavailable", 503), [None])
    adapter, waits = bus(client)
    adapter.put(some_events(1))
    assert len(client.calls) == 2 and waits == [0.1]

    denied = StubEvents(client_error("AccessDeniedException", 400))
    adapter, _ = bus(denied)
    with pytest.raises(EventsNotPutError, match="AccessDeniedException"):
        adapter.put(some_events(1))
    assert len(denied.calls) == 1


def test_the_api_announces_an_editors_change_in_one_call() -> None:
    fake = FakeEventBus()
    events = NewsroomEvents(API_URL)
    publisher = EventPublisher(fake, events)
    assert publisher.summary_edited(RECORD, ["Shorter."], "A. Editor", None, "4")
    assert publisher.summary_approved(RECORD, SUMMARY.sentences, "B. Editor", "5")
    # Summary Stale comes from the summarize stage, which returns it for its queue to put.
    assert publisher.announce(events.summary_stale(RECORD, "5", "B. Editor"))
    assert [event.detail_type for event in fake.put_events] == [
        DetailType.SUMMARY_EDITED,
        DetailType.SUMMARY_APPROVED,
        DetailType.SUMMARY_STALE,
    ]
    # A change that was stored is not undone by a bus that refuses its event.
    fake.refuse = 1
    assert not publisher.summary_edited(RECORD, ["Shorter still."], "A. Editor", None, "6")
