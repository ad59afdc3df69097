"""What the API offers readers and editors, independent of HTTP."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from newsbrief.articles import extract_articles, parsed_articles, summarize_article
from newsbrief.errors import RejectedUploadError
from newsbrief.events import article_id_for
from newsbrief.models import ArticleRecord, SearchHit, SourceRef, Status, SummaryLength
from newsbrief.parsing.limits import MAX_UPLOAD_BYTES
from newsbrief.responses import (
    ArticleDetail,
    ArticleNeighbors,
    ArticlePage,
    ArticleSummary,
    ParsePreview,
    PresignedUpload,
    Submission,
    SummaryPreview,
    article_detail,
    list_item,
)
from newsbrief.settings import INCOMING_PREFIX, MAX_API_UPLOAD_BYTES
from newsbrief.storage.articles import ArticleRepository, now_iso
from newsbrief.storage.objects import ObjectMissingError, ObjectStore

if TYPE_CHECKING:
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
    ) -> None:
        self._objects = objects
        self._articles = articles
        self._index_factory = index_factory
        self._index: SearchIndex | None = None

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
    ) -> ArticlePage:
        if key is not None and url is not None:
            raise ServiceError(400, "invalid_request", "give key or url, not both")
        if key is not None or url is not None:
            ids = (
                self._articles.ids_for_source_key(key)
                if key is not None
                else self._articles.ids_for_url(str(url))
            )
            records = [record for record in map(self._articles.get, ids) if record is not None]
            return ArticlePage(
                items=[list_item(record) for record in records[:limit]], next_cursor=None
            )
        records, next_cursor = self._articles.list_records(limit, cursor, language)
        return ArticlePage(items=[list_item(record) for record in records], next_cursor=next_cursor)

    def article(self, article_id: str) -> ArticleDetail:
        record = self._require(article_id)
        parsed = None
        if record.parsed:
            try:
                parsed = self._objects.get_parsed(article_id)
            except ObjectMissingError:
                parsed = None
        return article_detail(record, parsed)

    def summary(
        self, article_id: str, sentences: int | None, length: SummaryLength | None
    ) -> ArticleSummary:
        record = self._require(article_id)
        if not record.parsed:
            raise ServiceError(
                409, "not_parsed", f"article {article_id} is {record.status}: no summary yet"
            )
        if record.summary and sentences is None and length is None:
            return ArticleSummary(
                id=article_id,
                title=record.title,
                summary=record.summary,
                method=str(record.summary_method),
            )
        article = self._objects.get_parsed(article_id)
        summary = summarize_article(article, now_iso(), sentences=sentences, length=length)
        return ArticleSummary(
            id=article_id, title=article.title, summary=summary.sentences, method=summary.method
        )

    def neighbors(self, article_id: str) -> ArticleNeighbors:
        previous, following = self._articles.neighbors(self._require(article_id))
        return ArticleNeighbors(
            id=article_id,
            previous=list_item(previous) if previous else None,
            next=list_item(following) if following else None,
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
