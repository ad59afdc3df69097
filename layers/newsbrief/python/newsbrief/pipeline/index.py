"""Index stage: a batch of summaries → the search index and the articles' final status."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from newsbrief.announcements.details import BusEvent
from newsbrief.announcements.newsroom import NewsroomEvents
from newsbrief.articles import index_document
from newsbrief.editorial import shown_summary
from newsbrief.events import ObjectEvent
from newsbrief.models import ParsedArticle
from newsbrief.settings import SUMMARIES_PREFIX
from newsbrief.storage.articles import ArticleRepository, StaleUpdateError
from newsbrief.storage.event_bus import EventBus, EventsNotPutError
from newsbrief.storage.objects import ObjectMissingError, ObjectStore, article_id_from_key

if TYPE_CHECKING:
    from newsbrief.indexing import IndexDocument, IndexWriter

logger = Logger(child=True)


@dataclass
class _Pending:
    """What the batch's latest event of one article asks of the index: its document and the
    parse it was made from, or neither (take the article out); and the messages that asked it."""

    document: IndexDocument | None
    article: ParsedArticle | None
    messages: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class FlushOutcome:
    indexed: list[str]
    failed_messages: list[str]


class IndexStage:
    """Collects a queue batch, then writes it to the index in one go (the index packs batches);
    a write that keeps failing is bisected, so only the messages of records that fail on their
    own are reported failed. Each article recorded indexed is announced on the bus; an event
    the bus does not take fails its messages, whose redelivery writes the same entries again
    and puts the event with the same id."""

    def __init__(
        self,
        objects: ObjectStore,
        articles: ArticleRepository,
        index: IndexWriter,
        events: NewsroomEvents,
        bus: EventBus,
        review_required: bool = False,
    ) -> None:
        self._objects = objects
        self._articles = articles
        self._index = index
        self._events = events
        self._bus = bus
        # Search uses the summary readers are shown, as the record has it now.
        self._review_required = review_required
        self._pending: dict[str, _Pending] = {}

    def collect(self, message_id: str, events: Iterable[ObjectEvent]) -> None:
        """Reads what one message's events ask; if one of them fails, none of it is kept."""
        changes = [found for event in events if (found := self._change_for(event))]
        for article_id, change in changes:
            earlier = self._pending.pop(article_id, None)
            change.messages = (earlier.messages if earlier else set()) | {message_id}
            self._pending[article_id] = change

    def _change_for(self, event: ObjectEvent) -> tuple[str, _Pending] | None:
        if not event.key.startswith(SUMMARIES_PREFIX):
            logger.warning(
                "ignoring an object outside the summaries prefix", extra={"key": event.key}
            )
            return None
        article_id = article_id_from_key(event.key)
        if event.removed:
            # A summary written again after the removal means the article is back.
            if self._objects.summary_exists(article_id):
                return None
            return article_id, _Pending(None, None)
        try:
            summary = self._objects.get_summary(article_id)
            article = self._objects.get_parsed(article_id)
        except ObjectMissingError:
            logger.info("summary or article vanished before indexing", extra={"id": article_id})
            return None
        record = self._articles.get(article_id)
        if (
            summary.source_sha256 != article.content_sha256
            or record is None
            or record.content_sha256 != article.content_sha256
        ):
            logger.info("skipping a superseded summary", extra={"id": article_id})
            return None
        shown = shown_summary(record, self._review_required).sentences
        document = index_document(article, summary.model_copy(update={"sentences": shown}))
        return article_id, _Pending(document, article)

    def flush(self, remaining: Callable[[], float]) -> FlushOutcome:
        """Writes what the batch collected within ``remaining()`` seconds, then announces it."""
        from newsbrief.pipeline.batches import BisectingWriter

        pending = list(self._pending.items())
        self._pending = {}
        written = BisectingWriter(self._write, remaining)(pending)
        failed = {message for _, change in written.failed for message in change.messages}
        try:
            self._bus.put(written.results)
        except EventsNotPutError as error:
            by_article = dict(pending)
            failed |= {m for event in error.unsent for m in by_article[event.article_id].messages}
        indexed = [event.article_id for event in written.results]
        return FlushOutcome(indexed=indexed, failed_messages=sorted(failed))

    def _write(self, part: Sequence[tuple[str, _Pending]]) -> list[BusEvent]:
        """Writes part of the batch; idempotent, so a part may be written again after a failure.
        Returns the ``Article Indexed`` events of the articles it recorded indexed."""
        deletes = sorted(article_id for article_id, change in part if change.document is None)
        upserts = {
            article_id: (change.document, change.article)
            for article_id, change in part
            if change.document is not None and change.article is not None
        }
        if deletes:
            self._index.delete(deletes)
        if not upserts:
            return []
        outcomes = self._index.upsert([document for document, _ in upserts.values()])
        indexed = []
        retired = []
        for outcome in outcomes:
            article = upserts[outcome.id][1]
            try:
                self._articles.record_indexed(
                    outcome.id, article.content_sha256, outcome.duplicate_of
                )
            except StaleUpdateError:
                if self._articles.get(outcome.id) is None:
                    retired.append(outcome.id)
                continue
            indexed.append(self._events.article_indexed(article, outcome.duplicate_of))
        if retired:
            # Deleted while it was being indexed: leave no posting behind.
            self._index.delete(retired)
        return indexed
