"""What the API returns: the bodies of its responses, errors included."""

from __future__ import annotations

from pydantic import BaseModel, Field

from newsbrief.editorial import shown_summary
from newsbrief.models import (
    ArticleMetadata,
    ArticleRecord,
    ParsedArticle,
    Status,
    Summary,
    SummaryOrigin,
)
from newsbrief.storage.objects import StoredSummary


class ArticleListItem(BaseModel):
    """An article in a listing, with the summary readers are shown (``summary_origin`` None:
    none yet, or one pending review)."""

    id: str
    title: str | None = None
    published: str | None = None
    language: str | None = None
    status: Status
    summary: list[str] = Field(default_factory=list)
    summary_origin: SummaryOrigin | None = None
    summary_stale: bool = False


class Submission(BaseModel):
    id: str
    key: str
    status: Status


class PresignedUpload(BaseModel):
    """A form upload straight to S3: POST ``fields`` plus the file to ``url`` before expiry."""

    id: str
    key: str
    url: str
    fields: dict[str, str]
    expires_in: int
    max_bytes: int


class ArticleDetail(ArticleMetadata):
    """A parsed article with its pipeline status; fields are null until the stage that sets them."""

    id: str
    status: Status
    source_key: str | None = None
    reason_code: str | None = None
    reason: str | None = None
    paragraphs: list[str] = Field(default_factory=list)
    word_count: int | None = None
    reading_time_minutes: int | None = None
    content_sha256: str | None = None
    summary: list[str] = Field(default_factory=list)
    summary_method: str | None = None
    summary_origin: SummaryOrigin | None = None
    summary_stale: bool = False
    summary_pending_review: bool = False
    keywords: list[str] = Field(default_factory=list)
    duplicate_of: str | None = None
    updated_at: str | None = None


class AttributedSummary(BaseModel):
    """A summary and where it came from: the machine's (``method`` says how), the machine's
    approved by ``editor``, or an ``editor``'s own (``method`` null), with when it was written
    or approved. ``stale``: the article's text changed after the review."""

    summary: list[str]
    origin: SummaryOrigin
    method: str | None
    editor: str | None = None
    reviewed_at: str | None = None
    note: str | None = None
    stale: bool = False


class ArticleSummary(AttributedSummary):
    """The summary readers are shown. ``pending_review``: review is required and no editor has
    written or approved one, so ``summary`` is empty."""

    id: str
    title: str | None
    pending_review: bool = False


class SummaryVersion(AttributedSummary):
    """One stored version of an article's summary (``version_id``: its S3 version)."""

    version_id: str | None
    written_at: str


class SummaryHistory(BaseModel):
    """Every version of an article's summary that changed it, newest first: the machine's,
    the editors' and the approvals, and when a change of text made the newsroom's stale."""

    id: str
    versions: list[SummaryVersion]


class ArticlePage(BaseModel):
    items: list[ArticleListItem]
    next_cursor: str | None


class ArticleNeighbors(BaseModel):
    """The readable articles published just before (``previous``) and after (``next``)."""

    id: str
    previous: ArticleListItem | None
    next: ArticleListItem | None


class ParsePreview(BaseModel):
    articles: list[ParsedArticle]


class SummaryPreview(BaseModel):
    title: str
    language: str | None
    summary: list[str]
    keywords: list[str]
    method: str


class ApiError(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ApiError


# What an article's detail takes from its record; the rest comes from its stored parse.
_DETAIL_FROM_RECORD = {
    "id",
    "status",
    "source_key",
    "reason_code",
    "reason",
    "keywords",
    "duplicate_of",
    "updated_at",
}


def _shown(record: ArticleRecord, review_required: bool) -> dict[str, object]:
    """The summary fields of a listing item or a detail (an item has no method or pending)."""
    shown = shown_summary(record, review_required)
    return {
        "summary": shown.sentences,
        "summary_origin": shown.origin,
        "summary_method": shown.method,
        "summary_stale": bool(record.editorial and record.editorial.stale),
        "summary_pending_review": shown.pending_review,
    }


def list_item(record: ArticleRecord, review_required: bool = False) -> ArticleListItem:
    return ArticleListItem.model_validate(
        record.model_dump(include=set(ArticleListItem.model_fields))
        | _shown(record, review_required)
    )


def article_detail(
    record: ArticleRecord, parsed: ParsedArticle | None, review_required: bool = False
) -> ArticleDetail:
    """The metadata and text come from the stored parse alone, not from the record's copy (a
    rejected re-upload keeps the earlier parse's metadata in the table)."""
    detail = record.model_dump(include=_DETAIL_FROM_RECORD) | _shown(record, review_required)
    if parsed is not None:
        detail |= parsed.model_dump(exclude={"source", "schema_version", "parsed_at"})
    return ArticleDetail.model_validate(detail)


def newsroom_summary(record: ArticleRecord) -> ArticleSummary | None:
    """The newsroom's summary of ``record``, when it has one."""
    editorial = record.editorial
    if editorial is None:
        return None
    return ArticleSummary(
        id=record.id,
        title=record.title,
        summary=editorial.sentences,
        **editorial.model_dump(include={"origin", "method", "editor", "reviewed_at", "note"}),
        stale=editorial.stale,
    )


def summary_version(stored: StoredSummary) -> SummaryVersion:
    summary: Summary = stored.summary
    return SummaryVersion(
        version_id=stored.version_id,
        written_at=summary.created_at or stored.written_at,
        summary=summary.sentences,
        origin=summary.origin,
        method=None if summary.origin is SummaryOrigin.EDITOR else summary.method,
        **summary.model_dump(include={"editor", "reviewed_at", "note", "stale"}),
    )
