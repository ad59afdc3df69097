"""The parse, summarize and index stages against in-memory fakes of the bucket, the articles
table and the search index: what each stage records, and what it leaves alone (events of
older uploads, parses that vanished, articles deleted meanwhile)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest

from newsbrief.announcements.details import BusEvent, DetailType
from newsbrief.announcements.newsroom import NewsroomEvents
from newsbrief.events import ObjectEvent, article_id_for
from newsbrief.indexing import IndexWriter
from newsbrief.models import Status
from newsbrief.pipeline.index import IndexStage
from newsbrief.pipeline.parse import ParseStage
from newsbrief.pipeline.summarize import SummarizeStage
from newsbrief.settings import INCOMING_PREFIX, PARSED_PREFIX, SUMMARIES_PREFIX
from newsbrief.storage.objects import parsed_key, summary_key
from tests.unit.fakes import FakeArticleRepository, FakeEventBus, FakeIndex, FakeObjectStore

BODY = (
    "The ferry operator will add four crossings a day from June, the company said on Monday. "
    "Commuters had asked for earlier morning boats for years. The new timetable also adds a "
    "late service on Fridays and Saturdays, when the last boat now leaves at ten."
)


JSON = "application/json"
API_URL = "https://api.example/v1"


def story(title: str, body: str = BODY, **metadata: str) -> str:
    return json.dumps({"title": title, "body": body, **metadata})


class Pipeline:
    """The three stages over one set of fakes, fed the events the bucket's writes cause."""

    def __init__(self, index: FakeIndex | None = None) -> None:
        self.objects = FakeObjectStore()
        self.articles = FakeArticleRepository()
        self.index = index or FakeIndex()
        self.bus = FakeEventBus()
        events = NewsroomEvents(API_URL)
        self.parse = ParseStage(self.objects, self.articles, events)
        self.summarize = SummarizeStage(self.objects, self.articles, events)
        writer: IndexWriter = self.index
        self.indexer = IndexStage(self.objects, self.articles, writer, events, self.bus)

    def run(self) -> None:
        """Hands each stage the events of the writes before it, until none are left."""
        while self.objects.events:
            summaries = self.parse_and_summarize()
            if summaries:
                self.indexer.collect("message-1", summaries)
                self.indexer.flush(lambda: 60.0)
            self.objects.take_events("")

    def parse_and_summarize(self) -> list[ObjectEvent]:
        """Runs the parse and summarize stages on their events, putting the events they announce
        on the bus as their queue does; returns the index stage's."""
        for event in self.objects.take_events(INCOMING_PREFIX):
            self.bus.put(self.parse.handle(event).events)
        for event in self.objects.take_events(PARSED_PREFIX):
            self.bus.put(self.summarize.handle(event).events)
        return self.objects.take_events(SUMMARIES_PREFIX)


@pytest.fixture
def pipeline() -> Pipeline:
    return Pipeline()


# Parse


def test_a_good_upload_is_parsed_recorded_and_stored(pipeline: Pipeline) -> None:
    event = pipeline.objects.upload("ferry.json", story("Ferry timetable", language="en"), JSON)
    article_id = article_id_for("incoming/ferry.json")

    outcome = pipeline.parse.handle(event)

    assert outcome.article_ids == [article_id]
    assert outcome.rejected is None
    parsed = pipeline.objects.get_parsed(article_id)
    assert parsed.title == "Ferry timetable"
    assert parsed.source.key == "incoming/ferry.json"
    assert parsed.source.sequencer == event.sequencer
    record = pipeline.articles.get(article_id)
    assert record is not None
    assert record.status is Status.PARSED
    assert (record.title, record.language) == ("Ferry timetable", "en")
    assert record.content_sha256 == parsed.content_sha256
    assert record.word_count == parsed.word_count == len(BODY.split())
    # Storing the parse is what queues the summary.
    assert [e.key for e in pipeline.objects.take_events(PARSED_PREFIX)] == [parsed_key(article_id)]


def test_a_rejected_upload_is_recorded_with_its_reason(pipeline: Pipeline) -> None:
    event = pipeline.objects.upload("empty.json", json.dumps({"title": "No body"}), JSON)
    article_id = article_id_for("incoming/empty.json")

    outcome = pipeline.parse.handle(event)

    assert (outcome.article_ids, outcome.rejected) == ([], "malformed")
    record = pipeline.articles.get(article_id)
    assert record is not None
    assert record.status is Status.REJECTED
    assert record.reason_code == "malformed"
    assert record.reason and "body or text field" in record.reason
    rejection = pipeline.objects.rejection(article_id)
    assert (rejection.reason_code, rejection.reason) == ("malformed", record.reason)
    assert pipeline.objects.keys(PARSED_PREFIX) == []
    # The upload is kept beside its reason.
    assert f"rejected/{article_id}/original" in pipeline.objects.keys("rejected/")


def test_a_rejected_reupload_retires_the_earlier_parse(pipeline: Pipeline) -> None:
    pipeline.parse.handle(pipeline.objects.upload("ferry.json", story("Ferry timetable"), JSON))
    article_id = article_id_for("incoming/ferry.json")
    assert pipeline.objects.keys(PARSED_PREFIX) == [parsed_key(article_id)]

    pipeline.parse.handle(pipeline.objects.upload("ferry.json", "{not json", JSON))

    record = pipeline.articles.get(article_id)
    assert record is not None
    assert (record.status, record.parsed) == (Status.REJECTED, False)
    assert pipeline.objects.keys(PARSED_PREFIX) == []


def test_the_event_of_an_older_upload_does_not_replace_a_newer_parse(pipeline: Pipeline) -> None:
    older = pipeline.objects.upload("ferry.json", story("First timetable"), JSON)
    newer = pipeline.objects.upload("ferry.json", story("Second timetable"), JSON)
    article_id = article_id_for("incoming/ferry.json")

    assert pipeline.parse.handle(newer).article_ids == [article_id]
    # Delivered late: it names the older version, which is still in the versioned bucket.
    assert pipeline.parse.handle(older).article_ids == []

    record = pipeline.articles.get(article_id)
    assert record is not None
    assert record.title == "Second timetable"
    assert pipeline.objects.get_parsed(article_id).title == "Second timetable"


def test_a_redelivered_event_records_the_article_once(pipeline: Pipeline) -> None:
    event = pipeline.objects.upload("ferry.json", story("Ferry timetable"), JSON)

    first = pipeline.parse.handle(event)
    second = pipeline.parse.handle(event)

    assert first.article_ids == second.article_ids == [article_id_for("incoming/ferry.json")]
    records, _ = pipeline.articles.list_records(10)
    assert [record.title for record in records] == ["Ferry timetable"]
    assert pipeline.objects.keys(PARSED_PREFIX) == [parsed_key(first.article_ids[0])]


def test_a_file_of_several_articles_numbers_them_and_a_shorter_reupload_retires_the_rest(
    pipeline: Pipeline,
) -> None:
    three = json.dumps([json.loads(story(f"Story {n}")) for n in range(1, 4)])
    outcome = pipeline.parse.handle(pipeline.objects.upload("digest.json", three, JSON))
    base = article_id_for("incoming/digest.json")
    assert outcome.article_ids == [f"{base}-1", f"{base}-2", f"{base}-3"]

    two = json.dumps([json.loads(story(f"Story {n}")) for n in range(1, 3)])
    pipeline.parse.handle(pipeline.objects.upload("digest.json", two, JSON))

    assert pipeline.articles.ids_for_source_key("incoming/digest.json") == [
        f"{base}-1",
        f"{base}-2",
    ]
    assert pipeline.objects.keys(PARSED_PREFIX) == [parsed_key(f"{base}-{n}") for n in (1, 2)]


def test_removing_the_upload_removes_its_article_and_parse(pipeline: Pipeline) -> None:
    pipeline.parse.handle(pipeline.objects.upload("ferry.json", story("Ferry timetable"), JSON))
    pipeline.objects.delete_upload("incoming/ferry.json")
    removal = pipeline.objects.events[-1]

    outcome = pipeline.parse.handle(removal)

    article_id = article_id_for("incoming/ferry.json")
    assert outcome.article_ids == [article_id]
    assert pipeline.articles.get(article_id) is None
    assert pipeline.objects.keys(PARSED_PREFIX) == []


# Summarize


def test_a_parsed_article_is_summarized_and_recorded(pipeline: Pipeline) -> None:
    pipeline.parse.handle(pipeline.objects.upload("ferry.json", story("Ferry timetable"), JSON))
    [parsed_event] = pipeline.objects.take_events(PARSED_PREFIX)
    article_id = article_id_for("incoming/ferry.json")

    outcome = pipeline.summarize.handle(parsed_event)

    assert outcome.article_id == article_id
    summary = pipeline.objects.get_summary(article_id)
    assert outcome.method == summary.method
    assert summary.sentences and all(sentence in BODY for sentence in summary.sentences)
    assert summary.source_sha256 == pipeline.objects.get_parsed(article_id).content_sha256
    record = pipeline.articles.get(article_id)
    assert record is not None
    assert record.status is Status.SUMMARIZED
    assert record.summary == summary.sentences
    assert record.summary_method == summary.method


def test_summarizing_a_parse_that_is_gone_stores_nothing(pipeline: Pipeline) -> None:
    pipeline.parse.handle(pipeline.objects.upload("ferry.json", story("Ferry timetable"), JSON))
    [parsed_event] = pipeline.objects.take_events(PARSED_PREFIX)
    article_id = article_id_for("incoming/ferry.json")
    pipeline.objects.delete_parsed(article_id)

    outcome = pipeline.summarize.handle(parsed_event)

    assert outcome.article_id is None
    assert not pipeline.objects.summary_exists(article_id)
    record = pipeline.articles.get(article_id)
    assert record is not None
    assert record.status is Status.PARSED


def test_a_superseded_parse_is_not_summarized(pipeline: Pipeline) -> None:
    pipeline.parse.handle(pipeline.objects.upload("ferry.json", story("Ferry timetable"), JSON))
    [parsed_event] = pipeline.objects.take_events(PARSED_PREFIX)
    article_id = article_id_for("incoming/ferry.json")
    # A newer upload's parse is recorded; its object is not written yet.
    record = pipeline.articles.records[article_id]
    pipeline.articles.put(record.model_copy(update={"content_sha256": "a newer parse"}))

    assert pipeline.summarize.handle(parsed_event).article_id is None
    assert not pipeline.objects.summary_exists(article_id)


def test_removing_a_parse_removes_its_summary(pipeline: Pipeline) -> None:
    pipeline.objects.upload("ferry.json", story("Ferry timetable"), JSON)
    pipeline.run()
    article_id = article_id_for("incoming/ferry.json")
    assert pipeline.objects.summary_exists(article_id)

    pipeline.objects.delete_parsed(article_id)
    [removal] = pipeline.objects.take_events(PARSED_PREFIX)
    pipeline.summarize.handle(removal)

    assert not pipeline.objects.summary_exists(article_id)
    assert [e.key for e in pipeline.objects.take_events(SUMMARIES_PREFIX)] == [
        summary_key(article_id)
    ]


# Index


def test_a_summarized_article_is_indexed_and_recorded(pipeline: Pipeline) -> None:
    pipeline.objects.upload("ferry.json", story("Ferry timetable"), JSON)
    pipeline.run()
    article_id = article_id_for("incoming/ferry.json")

    document = pipeline.index.documents[article_id]
    summary = pipeline.objects.get_summary(article_id)
    assert (document.title, document.summary, document.keywords) == (
        "Ferry timetable",
        summary.sentences,
        summary.keywords,
    )
    assert document.body == pipeline.objects.get_parsed(article_id).paragraphs
    record = pipeline.articles.get(article_id)
    assert record is not None
    assert (record.status, record.duplicate_of) == (Status.INDEXED, None)


def test_an_article_the_index_finds_a_duplicate_of_is_recorded_as_one() -> None:
    original, repeat = (article_id_for(f"incoming/{name}.json") for name in ("a", "b"))
    pipeline = Pipeline(FakeIndex(duplicates={repeat: original}))
    pipeline.objects.upload("a.json", story("Ferry timetable"), JSON)
    pipeline.objects.upload("b.json", story("Ferry timetable again"), JSON)
    pipeline.run()

    records = {pipeline.articles.records[i].duplicate_of for i in (original, repeat)}
    assert records == {None, original}


def test_removing_a_summary_takes_the_article_out_of_the_index(pipeline: Pipeline) -> None:
    pipeline.objects.upload("ferry.json", story("Ferry timetable"), JSON)
    pipeline.run()
    article_id = article_id_for("incoming/ferry.json")
    assert article_id in pipeline.index.documents

    pipeline.objects.delete_upload("incoming/ferry.json")
    pipeline.run()

    assert pipeline.index.documents == {}
    assert pipeline.articles.get(article_id) is None
    assert pipeline.objects.keys(INCOMING_PREFIX) == []
    assert pipeline.objects.keys(PARSED_PREFIX) == pipeline.objects.keys(SUMMARIES_PREFIX) == []


def test_an_article_deleted_while_it_was_indexed_leaves_nothing_in_the_index(
    pipeline: Pipeline,
) -> None:
    pipeline.objects.upload("ferry.json", story("Ferry timetable"), JSON)
    pipeline.indexer.collect("message-1", pipeline.parse_and_summarize())
    article_id = article_id_for("incoming/ferry.json")
    # The upload's removal deletes the record between the stage's read and its write.
    pipeline.objects.delete_upload("incoming/ferry.json")
    [removal] = pipeline.objects.take_events(INCOMING_PREFIX)
    assert pipeline.parse.handle(removal).article_ids == [article_id]

    outcome = pipeline.indexer.flush(lambda: 60.0)

    assert outcome.indexed == []
    assert outcome.failed_messages == []
    assert article_id not in pipeline.index.documents


def test_a_summary_of_a_superseded_parse_is_not_indexed(pipeline: Pipeline) -> None:
    pipeline.objects.upload("ferry.json", story("Ferry timetable"), JSON)
    summaries = pipeline.parse_and_summarize()
    article_id = article_id_for("incoming/ferry.json")
    record = pipeline.articles.records[article_id]
    pipeline.articles.put(record.model_copy(update={"content_sha256": "a newer parse"}))

    pipeline.indexer.collect("message-1", summaries)
    outcome = pipeline.indexer.flush(lambda: 60.0)

    assert outcome.indexed == []
    assert pipeline.index.documents == {}
    assert pipeline.articles.records[article_id].status is Status.SUMMARIZED


def test_a_summary_written_again_after_its_removal_keeps_the_article_indexed(
    pipeline: Pipeline,
) -> None:
    pipeline.objects.upload("ferry.json", story("Ferry timetable"), JSON)
    pipeline.run()
    article_id = article_id_for("incoming/ferry.json")
    summary = pipeline.objects.get_summary(article_id)
    pipeline.objects.delete_summary(article_id)
    pipeline.objects.put_summary(summary)
    removal, rewrite = pipeline.objects.take_events(SUMMARIES_PREFIX)

    pipeline.indexer.collect("message-1", [removal])
    pipeline.indexer.flush(lambda: 60.0)

    assert rewrite.removed is False
    assert article_id in pipeline.index.documents


# Events on the bus


class WatchedBus(FakeEventBus):
    """Notes the article's status in the table whenever one of its events is put."""

    def __init__(self, articles: FakeArticleRepository) -> None:
        super().__init__()
        self.articles = articles
        self.status_when_put: list[tuple[DetailType, Status | None]] = []

    def put(self, events: Sequence[BusEvent]) -> None:
        super().put(events)
        for event in events:
            record = self.articles.get(event.article_id)
            self.status_when_put.append((event.detail_type, record.status if record else None))


def watched(pipeline: Pipeline) -> WatchedBus:
    bus = WatchedBus(pipeline.articles)
    pipeline.bus = bus
    pipeline.indexer = IndexStage(
        pipeline.objects, pipeline.articles, pipeline.index, NewsroomEvents(API_URL), bus
    )
    return bus


def test_an_articles_life_is_announced_each_change_after_it_is_stored(pipeline: Pipeline) -> None:
    bus = watched(pipeline)
    document = story("Ferry timetable", language="en", url="https://news.example/ferry")
    pipeline.objects.upload("ferry.json", document, JSON)
    pipeline.run()
    article_id = article_id_for("incoming/ferry.json")

    assert bus.status_when_put == [
        (DetailType.SUMMARY_READY, Status.SUMMARIZED),
        (DetailType.ARTICLE_INDEXED, Status.INDEXED),
    ]
    [ready] = bus.details(DetailType.SUMMARY_READY)
    [indexed] = bus.details(DetailType.ARTICLE_INDEXED)
    assert ready["summary"] == pipeline.objects.get_summary(article_id).sentences
    for detail in (ready, indexed):
        assert detail["article_id"] == article_id
        assert detail["source_key"] == "incoming/ferry.json"
        assert (detail["title"], detail["language"]) == ("Ferry timetable", "en")
        assert detail["url"] == "https://news.example/ferry"
        assert detail["resource_url"] == f"{API_URL}/articles/{article_id}"

    pipeline.objects.delete_upload("incoming/ferry.json")
    pipeline.run()

    assert bus.status_when_put[2:] == [(DetailType.ARTICLE_DELETED, None)]
    [deleted] = bus.details(DetailType.ARTICLE_DELETED)
    assert (deleted["article_id"], deleted["title"]) == (article_id, "Ferry timetable")


def test_a_rejected_upload_is_announced_with_its_reason(pipeline: Pipeline) -> None:
    bus = watched(pipeline)
    pipeline.objects.upload("empty.json", json.dumps({"title": "No body"}), JSON)
    pipeline.run()

    assert bus.status_when_put == [(DetailType.ARTICLE_REJECTED, Status.REJECTED)]
    [rejected] = bus.details(DetailType.ARTICLE_REJECTED)
    record = pipeline.articles.get(article_id_for("incoming/empty.json"))
    assert record is not None
    assert (rejected["reason_code"], rejected["reason"]) == ("malformed", record.reason)
    assert (rejected["source_key"], rejected["title"]) == ("incoming/empty.json", None)


def test_a_shorter_reupload_announces_the_articles_it_retires(pipeline: Pipeline) -> None:
    three = json.dumps([json.loads(story(f"Story {n}")) for n in range(1, 4)])
    pipeline.parse.handle(pipeline.objects.upload("digest.json", three, JSON))
    two = json.dumps([json.loads(story(f"Story {n}")) for n in range(1, 3)])

    outcome = pipeline.parse.handle(pipeline.objects.upload("digest.json", two, JSON))

    base = article_id_for("incoming/digest.json")
    assert [(e.detail_type, e.article_id, e.detail["title"]) for e in outcome.events] == [
        (DetailType.ARTICLE_DELETED, f"{base}-3", "Story 3")
    ]


def test_an_event_handled_again_is_announced_with_the_same_id(pipeline: Pipeline) -> None:
    event = pipeline.objects.upload("empty.json", "{not json", JSON)
    rejected = [pipeline.parse.handle(event).events for _ in range(2)]
    assert [e.event_id for e in rejected[0]] == [e.event_id for e in rejected[1]]

    pipeline.parse.handle(pipeline.objects.upload("ferry.json", story("Ferry timetable"), JSON))
    [parsed] = pipeline.objects.take_events(PARSED_PREFIX)
    ready = [pipeline.summarize.handle(parsed).events for _ in range(2)]
    assert [e.event_id for e in ready[0]] == [e.event_id for e in ready[1]]
    assert len(ready[0]) == 1


def test_an_index_event_the_bus_refuses_fails_its_message_and_comes_again(
    pipeline: Pipeline,
) -> None:
    pipeline.objects.upload("ferry.json", story("Ferry timetable"), JSON)
    summaries = pipeline.parse_and_summarize()
    pipeline.bus.refuse = 1
    pipeline.indexer.collect("message-1", summaries)

    refused = pipeline.indexer.flush(lambda: 60.0)

    article_id = article_id_for("incoming/ferry.json")
    # The article is indexed all the same; only its message is handed back to the queue.
    assert (refused.indexed, refused.failed_messages) == ([article_id], ["message-1"])
    assert pipeline.bus.details(DetailType.ARTICLE_INDEXED) == []
    record = pipeline.articles.get(article_id)
    assert record is not None and record.status is Status.INDEXED

    pipeline.indexer.collect("message-1", summaries)
    retried = pipeline.indexer.flush(lambda: 60.0)

    assert retried.failed_messages == []
    [indexed] = pipeline.bus.details(DetailType.ARTICLE_INDEXED)
    assert indexed["article_id"] == article_id
    assert list(pipeline.index.documents) == [article_id]
