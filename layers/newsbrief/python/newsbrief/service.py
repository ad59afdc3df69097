"""What the API offers readers and editors, independent of HTTP."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from newsbrief.articles import extract_articles, parsed_articles, summarize_article
from newsbrief.editorial import (
    SummaryApproval,
    SummaryEdit,
    already_approved,
    approved_summary,
    edited_summary,
    record_summary,
    summary_document,
)
from newsbrief.errors import RejectedUploadError
from newsbrief.events import article_id_for
from newsbrief.models import (
    ArticleRecord,
    EditorialSummary,
    SearchHit,
    SourceRef,
    Status,
    SummaryLength,
    SummaryOrigin,
)
from newsbrief.parsing.limits import MAX_UPLOAD_BYTES
from newsbrief.responses import (
    ArticleDetail,
    ArticleListItem,
    ArticleNeighbors,
    ArticlePage,
    ArticleSummary,
    ParsePreview,
    PresignedUpload,
    Submission,
    SummaryHistory,
    SummaryPreview,
    SummaryVersion,
    article_detail,
    list_item,
    newsroom_summary,
    summary_version,
)
from newsbrief.settings import INCOMING_PREFIX, MAX_API_UPLOAD_BYTES
from newsbrief.storage.articles import ArticleRepository, StaleUpdateError, now_iso
from newsbrief.storage.objects import ObjectMissingError, ObjectStore

if TYPE_CHECKING:
    from newsbrief.announcements.publisher import EventPublisher
    from newsbrief.indexing import SearchIndex, SearchPage, SearchRequest

ACCEPTED_TYPES: dict[str, str] = {
    "text/html": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/json": ".json",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
PRESIGNED_UPLOAD_SECONDS = 900
_UNSAFE_FILENAME = re.compile(r"[^\w.\- ]+", re.UNICODE)
_CHARSET = re.compile(r"""(?i)(?:^|;)\s*charset\s*=\s*["']?([A-Za-z0-9._:\-]{1,40})""")


class ServiceError(Exception):
    """A request the service cannot serve; ``status`` is the HTTP status it maps to."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def with_charset(kind: str, content_type: str | None) -> str:
    """The media type with the request's charset parameter, which the parser decodes by."""
    charset = _CHARSET.search(content_type or "")
    return f"{kind}; charset={charset.group(1)}" if charset else kind


def upload_name(filename: str | None, content_type: str) -> str:
    """A safe object name under ``incoming/``: the caller's file name, or a fresh one."""
    extension = ACCEPTED_TYPES[content_type]
    if not filename:
        return f"{uuid.uuid4().hex}{extension}"
    name = _UNSAFE_FILENAME.sub("-", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .-")
    if not name:
        raise ServiceError(400, "invalid_filename", "filename has no usable characters")
    return name[:200]


def accepted_type(content_type: str | None, parameter: str) -> str:
    """The media type of an upload, or a 415 naming the types the pipeline parses."""
    kind = media_type(content_type)
    if kind not in ACCEPTED_TYPES:
        accepted = ", ".join(sorted(ACCEPTED_TYPES))
        raise ServiceError(415, "unsupported_media_type", f"{parameter} must be one of: {accepted}")
    return kind


def check_upload(data: bytes, content_type: str | None) -> str:
    kind = accepted_type(content_type, "Content-Type")
    if len(data) > MAX_API_UPLOAD_BYTES:
        raise ServiceError(
            413,
            "payload_too_large",
            f"request bodies are limited to {MAX_API_UPLOAD_BYTES} bytes; upload files of up to "
            f"{MAX_UPLOAD_BYTES} bytes through POST /uploads",
        )
    if not data.strip():
        raise ServiceError(400, "empty_body", "the request body is empty")
    return kind


class NewsroomService:
    def __init__(
        self,
        objects: ObjectStore,
        articles: ArticleRepository,
        index_factory: Callable[[], SearchIndex],
        review_required: bool = False,
        publisher: EventPublisher | None = None,
    ) -> None:
        self._objects = objects
        # Announces an editor's change once it is stored (the API's, not the reader's).
        self._publisher = publisher
        self._articles = articles
        self._index_factory = index_factory
        self._index: SearchIndex | None = None
        # SummaryReview=required: readers see only summaries an editor wrote or approved.
        self._review_required = review_required

    @property
    def index(self) -> SearchIndex:
        if self._index is None:
            self._index = self._index_factory()
        return self._index

    def submit(self, data: bytes, content_type: str | None, filename: str | None) -> Submission:
        kind = check_upload(data, content_type)
        key = f"{INCOMING_PREFIX}{upload_name(filename, kind)}"
        article_id = article_id_for(key)
        self._articles.mark_queued(article_id, key)
        self._objects.put_upload(
            key.removeprefix(INCOMING_PREFIX), data, with_charset(kind, content_type)
        )
        return Submission(id=article_id, key=key, status=Status.QUEUED)

    def presign_upload(self, filename: str | None, content_type: str | None) -> PresignedUpload:
        kind = accepted_type(content_type or "text/html", "content_type")
        key = f"{INCOMING_PREFIX}{upload_name(filename, kind)}"
        article_id = article_id_for(key)
        # The form goes straight to S3, past the API's event limit: up to what the parser takes.
        url, fields = self._objects.presign_upload(
            key, kind, MAX_UPLOAD_BYTES, PRESIGNED_UPLOAD_SECONDS
        )
        self._articles.mark_queued(article_id, key)
        return PresignedUpload(
            id=article_id,
            key=key,
            url=url,
            fields=fields,
            expires_in=PRESIGNED_UPLOAD_SECONDS,
            max_bytes=MAX_UPLOAD_BYTES,
        )

    def list_articles(
        self,
        limit: int,
        cursor: str | None,
        language: str | None,
        key: str | None,
        url: str | None = None,
        stale_summaries: bool = False,
    ) -> ArticlePage:
        """Newest first; ``stale_summaries``: only articles whose newsroom summary is stale
        (the text changed after an editor wrote or approved it)."""
        if key is not None and url is not None:
            raise ServiceError(400, "invalid_request", "give key or url, not both")
        if key is not None or url is not None:
            ids = (
                self._articles.ids_for_source_key(key)
                if key is not None
                else self._articles.ids_for_url(str(url))
            )
            records = [
                record
                for record in map(self._articles.get, ids)
                if record is not None
                and (not stale_summaries or (record.editorial and record.editorial.stale))
            ]
            return ArticlePage(items=self._list_items(records[:limit]), next_cursor=None)
        records, next_cursor = self._articles.list_records(
            limit, cursor, language, stale_only=stale_summaries
        )
        return ArticlePage(items=self._list_items(records), next_cursor=next_cursor)

    def _list_items(self, records: list[ArticleRecord]) -> list[ArticleListItem]:
        return [list_item(record, self._review_required) for record in records]

    def article(self, article_id: str) -> ArticleDetail:
        record = self._require(article_id)
        parsed = None
        if record.parsed:
            try:
                parsed = self._objects.get_parsed(article_id)
            except ObjectMissingError:
                parsed = None
        return article_detail(record, parsed, self._review_required)

    def summary(
        self, article_id: str, sentences: int | None, length: SummaryLength | None
    ) -> ArticleSummary:
        """The summary readers are shown. The newsroom's is the summary at every length; the
        machine's is made at the length asked for, unless review is required."""
        record = self._require_parsed(article_id)
        if (editorial := newsroom_summary(record)) is not None:
            return editorial
        if self._review_required:
            return ArticleSummary(
                id=article_id,
                title=record.title,
                summary=[],
                origin=SummaryOrigin.MACHINE,
                method=record.summary_method,
                pending_review=True,
            )
        if record.summary and sentences is None and length is None:
            return ArticleSummary(
                id=article_id,
                title=record.title,
                summary=record.summary,
                origin=SummaryOrigin.MACHINE,
                method=record.summary_method,
            )
        article = self._objects.get_parsed(article_id)
        summary = summarize_article(article, now_iso(), sentences=sentences, length=length)
        return ArticleSummary(
            id=article_id,
            title=article.title,
            summary=summary.sentences,
            origin=SummaryOrigin.MACHINE,
            method=summary.method,
        )

    def edit_summary(self, article_id: str, edit: SummaryEdit) -> ArticleSummary:
        """An editor's own summary replaces the one readers see, until an editor changes it."""
        record = self._require_parsed(article_id)
        return self._store_editorial(
            record, edited_summary(edit, str(record.content_sha256), now_iso())
        )

    def approve_summary(self, article_id: str, approval: SummaryApproval) -> ArticleSummary:
        """The current machine summary becomes the newsroom's, approved by ``approval.editor``;
        approving it again as it is changes nothing."""
        record = self._require_parsed(article_id)
        if not record.summary:
            raise ServiceError(
                409,
                "not_summarized",
                f"article {article_id} is {record.status}: no machine summary to approve yet",
            )
        if already_approved(record):
            return self._shown_editorial(record)
        return self._store_editorial(record, approved_summary(record, approval, now_iso()))

    def _store_editorial(
        self, record: ArticleRecord, editorial: EditorialSummary
    ) -> ArticleSummary:
        """Records the newsroom's summary, then writes it as a new version of the summaries/
        object (its history; the index stage re-indexes the article from it), then puts Summary
        Edited or Summary Approved (its version: when the editor wrote or approved it)."""
        try:
            stored = self._articles.record_editorial(record.id, editorial)
        except StaleUpdateError as changed:
            raise ServiceError(
                409,
                "article_changed",
                f"article {record.id} changed or was removed meanwhile: read it and try again",
            ) from changed
        self._objects.put_summary(summary_document(record_summary(stored, now_iso()), editorial))
        if self._publisher is not None:
            version = editorial.reviewed_at
            if editorial.origin is SummaryOrigin.EDITOR:
                self._publisher.summary_edited(
                    stored, editorial.sentences, editorial.editor, editorial.note, version
                )
            else:
                self._publisher.summary_approved(
                    stored, editorial.sentences, editorial.editor, version
                )
        return self._shown_editorial(stored)

    @staticmethod
    def _shown_editorial(record: ArticleRecord) -> ArticleSummary:
        view = newsroom_summary(record)
        if view is None:
            raise ValueError(f"article {record.id} has no newsroom summary")
        return view

    def summary_history(self, article_id: str, limit: int) -> SummaryHistory:
        """Every stored version of the summary that changed what it said or who stood behind it
        (a redelivered or unchanged re-summary writes a version equal to the one before)."""
        self._require(article_id)
        versions: list[SummaryVersion] = []
        for stored in reversed(self._objects.summary_versions(article_id, limit)):
            version = summary_version(stored)
            if versions and _same_summary(versions[-1], version):
                continue
            versions.append(version)
        return SummaryHistory(id=article_id, versions=versions[::-1])

    def neighbors(self, article_id: str) -> ArticleNeighbors:
        previous, following = self._articles.neighbors(self._require(article_id))
        return ArticleNeighbors(
            id=article_id,
            previous=list_item(previous, self._review_required) if previous else None,
            next=list_item(following, self._review_required) if following else None,
        )

    def delete(self, article_id: str) -> None:
        record = self._require(article_id)
        self._objects.delete_upload(str(record.source_key))

    def search(self, request: SearchRequest) -> SearchPage:
        return self.index.search(request)

    def related(self, article_id: str, limit: int) -> list[SearchHit]:
        from newsbrief.indexing import ArticleNotIndexedError

        record = self._require(article_id)
        try:
            return self.index.related(article_id, limit)
        except ArticleNotIndexedError as missing:
            raise ServiceError(
                409,
                "not_indexed",
                f"article {article_id} is {record.status}: not in the search index yet",
            ) from missing

    def _require(self, article_id: str) -> ArticleRecord:
        record = self._articles.get(article_id)
        if record is None:
            raise ServiceError(404, "not_found", f"no article with id {article_id}")
        return record

    def _require_parsed(self, article_id: str) -> ArticleRecord:
        record = self._require(article_id)
        if not record.parsed:
            raise ServiceError(
                409, "not_parsed", f"article {article_id} is {record.status}: no summary yet"
            )
        return record


_VERSION_CONTENT = {"summary", "origin", "method", "editor", "reviewed_at", "note", "stale"}


def _same_summary(earlier: SummaryVersion, later: SummaryVersion) -> bool:
    return earlier.model_dump(include=_VERSION_CONTENT) == later.model_dump(
        include=_VERSION_CONTENT
    )


def preview_parse(data: bytes, content_type: str | None, filename: str | None) -> ParsePreview:
    """Runs the parse stage on a request body without storing anything."""
    kind = check_upload(data, content_type)
    name = f"{INCOMING_PREFIX}{upload_name(filename, kind)}"
    try:
        extracted = extract_articles(data, name, with_charset(kind, content_type))
    except RejectedUploadError as rejection:
        raise ServiceError(422, rejection.code, rejection.message) from rejection
    source = SourceRef(bucket="", key=name, content_type=kind, size=len(data))
    return ParsePreview(articles=parsed_articles(extracted, source, now_iso()))


def preview_summary(
    data: bytes,
    content_type: str | None,
    filename: str | None,
    sentences: int | None,
    length: SummaryLength | None,
) -> SummaryPreview:
    article = preview_parse(data, content_type, filename).articles[0]
    summary = summarize_article(article, now_iso(), sentences=sentences, length=length)
    return SummaryPreview(
        title=article.title,
        language=article.language,
        summary=summary.sentences,
        keywords=summary.keywords,
        method=summary.method,
    )
