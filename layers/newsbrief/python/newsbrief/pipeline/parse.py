"""Parse stage: an upload under ``incoming/`` → parsed article JSON, or a recorded rejection."""

from __future__ import annotations

from dataclasses import dataclass, field

from aws_lambda_powertools import Logger

from newsbrief.announcements.details import BusEvent
from newsbrief.announcements.newsroom import NewsroomEvents
from newsbrief.articles import extract_articles, parsed_articles
from newsbrief.errors import RejectedUploadError
from newsbrief.events import ObjectEvent, article_id_for
from newsbrief.models import ExtractedArticle, Rejection, SourceRef, Status
from newsbrief.settings import INCOMING_PREFIX
from newsbrief.storage.articles import (
    ArticleRepository,
    FurnitureRepository,
    StaleUpdateError,
    now_iso,
)
from newsbrief.storage.objects import ObjectMissingError, ObjectStore

logger = Logger(child=True)


@dataclass(frozen=True)
class ParseOutcome:
    """The articles an event concerned, the rejection's code, and the events to put once the
    outcome is stored (the queue puts them, and again on a redelivery)."""

    article_ids: list[str]
    rejected: str | None = None
    events: list[BusEvent] = field(default_factory=list)


class ParseStage:
    def __init__(
        self,
        objects: ObjectStore,
        articles: ArticleRepository,
        events: NewsroomEvents,
        furniture: FurnitureRepository | None = None,
    ) -> None:
        self._objects = objects
        self._articles = articles
        self._events = events
        self._furniture = furniture

    def handle(self, event: ObjectEvent) -> ParseOutcome:
        if not event.key.startswith(INCOMING_PREFIX):
            logger.warning(
                "ignoring an object outside the incoming prefix", extra={"key": event.key}
            )
            return ParseOutcome(article_ids=[])
        if event.removed:
            return self._remove(event)
        return self._parse(event)

    def _parse(self, event: ObjectEvent) -> ParseOutcome:
        try:
            upload = self._objects.get_upload(event.key, event.version_id)
        except ObjectMissingError:
            # Deleted (or replaced) before it was read: its removal event cleans up.
            logger.info("upload vanished before parsing", extra={"key": event.key})
            return ParseOutcome(article_ids=[])
        source = SourceRef(
            bucket=event.bucket,
            key=event.key,
            content_type=upload.content_type or "application/octet-stream",
            size=upload.size,
            version_id=upload.version_id or event.version_id,
            sequencer=event.sequencer,
        )
        try:
            extracted = extract_articles(
                upload.data, event.key, upload.content_type, received=event.event_time
            )
            extracted = self._without_learned_furniture(
                upload.data, upload.content_type, event, extracted
            )
        except RejectedUploadError as rejection:
            return self._reject(event, source, rejection)

        recorded: list[str] = []
        articles = parsed_articles(extracted, source, now_iso())
        for article in articles:
            try:
                self._articles.record_parsed(article)
            except StaleUpdateError:
                logger.info("a newer upload of this key is recorded", extra={"id": article.id})
                continue
            self._objects.put_parsed(article)
            recorded.append(article.id)
        deleted = []
        if recorded:
            deleted = self._retire_articles_not_in(event, {article.id for article in articles})
        return ParseOutcome(article_ids=recorded, events=deleted)

    def _without_learned_furniture(
        self,
        data: bytes,
        content_type: str | None,
        event: ObjectEvent,
        extracted: list[ExtractedArticle],
    ) -> list[ExtractedArticle]:
        """Lines that recur across uploads of one source are boilerplate for that source."""
        if self._furniture is None:
            return extracted
        from newsbrief.parsing import furniture_candidates, source_of

        upload_id = article_id_for(event.key)
        known: set[str] = set()
        for article in extracted:
            source = source_of(event.key, article.url)
            candidates = furniture_candidates(article)
            known |= self._furniture.known(source, candidates, upload_id)
            self._furniture.remember(source, candidates, upload_id)
        if not known:
            return extracted
        return extract_articles(
            data, event.key, content_type, known_furniture=known, received=event.event_time
        )

    def _reject(
        self, event: ObjectEvent, source: SourceRef, rejection: RejectedUploadError
    ) -> ParseOutcome:
        article_id = article_id_for(event.key)
        logger.warning(
            "upload rejected",
            extra={"key": event.key, "reason_code": rejection.code, "reason": rejection.message},
        )
        previous = self._articles.get(article_id)
        try:
            self._articles.record_rejected(
                article_id, event.key, event.sequencer, rejection.code, rejection.message
            )
        except StaleUpdateError:
            return ParseOutcome(article_ids=[])
        self._objects.put_rejection(
            Rejection(
                id=article_id,
                reason_code=rejection.code,
                reason=rejection.message,
                source=source,
                rejected_at=now_iso(),
            )
        )
        if previous is not None and previous.parsed:
            # The key's earlier version was an article: its removal cascades to the index.
            self._objects.delete_parsed(article_id)
        deleted = self._retire_articles_not_in(event, {article_id})
        rejected = self._events.article_rejected(
            article_id, source, rejection.code, rejection.message
        )
        return ParseOutcome(article_ids=[], rejected=rejection.code, events=[rejected, *deleted])

    def _retire_articles_not_in(self, event: ObjectEvent, current: set[str]) -> list[BusEvent]:
        """A re-upload that holds fewer articles than before retires the rest."""
        return [
            deleted
            for article_id in self._articles.ids_for_source_key(event.key)
            if article_id not in current
            if (deleted := self._delete_article(article_id, event.sequencer))
        ]

    def _remove(self, event: ObjectEvent) -> ParseOutcome:
        deleted = [
            announced
            for article_id in self._articles.ids_for_source_key(event.key)
            if (announced := self._delete_article(article_id, event.sequencer))
        ]
        return ParseOutcome(article_ids=[e.article_id for e in deleted], events=deleted)

    def _delete_article(self, article_id: str, sequencer: str | None) -> BusEvent | None:
        """Deletes the article and what was made of it; returns its ``Article Deleted`` event
        (None: it was gone already, or a newer upload of its key is recorded)."""
        record = self._articles.get(article_id)
        if record is None or not self._articles.delete(article_id, sequencer):
            return None
        if record.parsed:
            self._objects.delete_parsed(article_id)
        if record.status is Status.REJECTED:
            self._objects.delete_rejection(article_id)
        return self._events.article_deleted(record, sequencer)
