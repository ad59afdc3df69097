"""Summarize stage: a parsed article → its summary and keywords."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from newsbrief.announcements.details import BusEvent
from newsbrief.announcements.newsroom import NewsroomEvents
from newsbrief.articles import summarize_article
from newsbrief.editorial import summary_document
from newsbrief.events import ObjectEvent
from newsbrief.models import ArticleRecord, EditorialSummary
from newsbrief.settings import PARSED_PREFIX
from newsbrief.storage.articles import ArticleRepository, StaleUpdateError, now_iso
from newsbrief.storage.objects import ObjectMissingError, ObjectStore, article_id_from_key

if TYPE_CHECKING:
    from newsbrief.summarizing.bedrock import ConverseClient

logger = Logger(child=True)


@dataclass(frozen=True)
class SummarizeOutcome:
    """The article an event concerned, how its new summary was made (None: none stored), and
    the events to put once the outcome is stored (the queue puts them)."""

    article_id: str | None
    method: str | None = None
    events: list[BusEvent] = field(default_factory=list)


class SummarizeStage:
    def __init__(
        self,
        objects: ObjectStore,
        articles: ArticleRepository,
        events: NewsroomEvents,
        bedrock_client: ConverseClient | None = None,
        bedrock_model_id: str = "",
    ) -> None:
        self._objects = objects
        self._articles = articles
        self._events = events
        self._bedrock_client = bedrock_client
        self._bedrock_model_id = bedrock_model_id

    def handle(self, event: ObjectEvent) -> SummarizeOutcome:
        if not event.key.startswith(PARSED_PREFIX):
            logger.warning("ignoring an object outside the parsed prefix", extra={"key": event.key})
            return SummarizeOutcome(None)
        article_id = article_id_from_key(event.key)
        if event.removed:
            if self._objects.summary_exists(article_id):
                self._objects.delete_summary(article_id)
            return SummarizeOutcome(article_id)
        try:
            article = self._objects.get_parsed(article_id)
        except ObjectMissingError:
            logger.info("parsed article vanished", extra={"id": article_id})
            return SummarizeOutcome(None)
        if not self._articles.is_current(article.id, article.content_sha256):
            logger.info("skipping a superseded parse", extra={"id": article_id})
            return SummarizeOutcome(None)
        summary = summarize_article(
            article,
            now_iso(),
            bedrock_client=self._bedrock_client,
            bedrock_model_id=self._bedrock_model_id,
        )
        try:
            record = self._articles.record_summarized(summary)
        except StaleUpdateError:
            return SummarizeOutcome(None)
        # The newsroom's summary is never replaced: the stored document carries it over the new
        # machine summary (a redelivery, a resummarize, a re-upload), marked stale if the text
        # it was written against changed.
        editorial, stale = self._newsroom_summary(record)
        self._objects.put_summary(summary_document(summary, editorial))
        ready = self._events.summary_ready(article, summary)
        return SummarizeOutcome(article_id, summary.method, [ready, *stale])

    def _newsroom_summary(
        self, record: ArticleRecord
    ) -> tuple[EditorialSummary | None, list[BusEvent]]:
        """The newsroom's summary to keep, and the Summary Stale event if this parse made it
        stale."""
        editorial = record.editorial
        if editorial is None or editorial.stale:
            return editorial, []
        if editorial.source_sha256 == record.content_sha256:
            return editorial, []
        marked = self._articles.mark_summary_stale(record.id, str(record.content_sha256))
        if marked is None or marked.editorial is None:
            # A newer parse or an editor got there first; what the record holds now counts.
            current = self._articles.get(record.id)
            return (current.editorial if current else None), []
        logger.info("the newsroom's summary is stale", extra={"id": record.id})
        stale = self._events.summary_stale(
            marked, marked.editorial.reviewed_at, marked.editorial.editor
        )
        return marked.editorial, [stale]
