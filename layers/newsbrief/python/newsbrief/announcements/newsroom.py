"""The events of an article's life, made from what the stages and the API store.

Each event's id is a digest of its detail type, the article's id and the version of the state
it announces (the upload's sequencer or version, the text's digest, the summary's digest), so
the same change announced twice carries the same id, and a new change a new one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from newsbrief.announcements.details import (
    ArticleDeleted,
    ArticleEventDetail,
    ArticleIndexed,
    ArticleRejected,
    BusEvent,
    SummaryApproved,
    SummaryEdited,
    SummaryReady,
    SummaryStale,
)
from newsbrief.models import ArticleMetadata, ArticleRecord, ParsedArticle, SourceRef, Summary
from newsbrief.storage.articles import now_iso


def event_id(detail_type: str, article_id: str, *state: str | None) -> str:
    parts = [detail_type, article_id, *(part or "" for part in state)]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


def upload_version(source: SourceRef) -> str:
    """What tells one upload of a key from the next: S3's sequencer, else its version id."""
    return source.sequencer or source.version_id or ""


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


class NewsroomEvents:
    """Makes each event's detail; ``api_url`` is the API's base URL, which details link to."""

    def __init__(self, api_url: str, clock: Callable[[], str] = now_iso) -> None:
        self._api_url = api_url.rstrip("/")
        self._clock = clock

    def article_indexed(self, article: ParsedArticle, duplicate_of: str | None) -> BusEvent:
        return self._event(
            ArticleIndexed,
            article.id,
            article.source.key,
            article,
            (upload_version(article.source), article.content_sha256, duplicate_of),
            content_sha256=article.content_sha256,
            duplicate_of=duplicate_of,
        )

    def summary_ready(self, article: ParsedArticle, summary: Summary) -> BusEvent:
        return self._event(
            SummaryReady,
            article.id,
            article.source.key,
            article,
            (upload_version(article.source), article.content_sha256, _digest(summary.sentences)),
            summary=summary.sentences,
            method=summary.method,
        )

    def article_rejected(
        self, article_id: str, source: SourceRef, reason_code: str, reason: str
    ) -> BusEvent:
        return self._event(
            ArticleRejected,
            article_id,
            source.key,
            ArticleMetadata(),
            (upload_version(source), reason_code),
            reason_code=reason_code,
            reason=reason,
        )

    def article_deleted(self, record: ArticleRecord, removal: str | None) -> BusEvent:
        """``removal``: the sequencer of the S3 event that removed or replaced its upload."""
        return self._record_event(ArticleDeleted, record, (removal,))

    def summary_edited(
        self,
        record: ArticleRecord,
        summary: list[str],
        editor: str,
        note: str | None,
        version: str,
    ) -> BusEvent:
        return self._record_event(
            SummaryEdited,
            record,
            (version,),
            summary=summary,
            editor=editor,
            note=note,
            version=version,
        )

    def summary_approved(
        self, record: ArticleRecord, summary: list[str], approved_by: str, version: str
    ) -> BusEvent:
        return self._record_event(
            SummaryApproved,
            record,
            (version,),
            summary=summary,
            approved_by=approved_by,
            version=version,
        )

    def summary_stale(self, record: ArticleRecord, version: str, editor: str | None) -> BusEvent:
        """``record``: the article as stored after its text changed under summary ``version``."""
        content_sha256 = str(record.content_sha256 or "")
        return self._record_event(
            SummaryStale,
            record,
            (version, content_sha256),
            version=version,
            editor=editor,
            content_sha256=content_sha256,
        )

    def _record_event(
        self,
        model: type[ArticleEventDetail],
        record: ArticleRecord,
        state: tuple[str | None, ...],
        **fields: Any,
    ) -> BusEvent:
        """An event about an article as its record in the table has it."""
        return self._event(model, record.id, str(record.source_key or ""), record, state, **fields)

    def _event(
        self,
        model: type[ArticleEventDetail],
        article_id: str,
        source_key: str,
        metadata: ArticleMetadata,
        state: tuple[str | None, ...],
        **fields: Any,
    ) -> BusEvent:
        """``state``: what tells this version of the announced state from others."""
        detail = model(
            event_id=event_id(model.detail_type, article_id, *state),
            article_id=article_id,
            source_key=source_key,
            url=metadata.url,
            title=metadata.title,
            language=metadata.language,
            resource_url=f"{self._api_url}/articles/{article_id}",
            **fields,
        )
        return BusEvent(
            detail_type=model.detail_type, detail=detail.model_dump(mode="json"), time=self._clock()
        )
