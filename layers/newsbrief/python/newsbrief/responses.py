"""What the API returns: the bodies of its responses, errors included."""

from __future__ import annotations

from pydantic import BaseModel, Field

from newsbrief.models import ArticleMetadata, ArticleRecord, ParsedArticle, Status


class ArticleListItem(BaseModel):
    id: str
    title: str | None = None
    published: str | None = None
    language: str | None = None
    status: Status
    summary: list[str] = Field(default_factory=list)


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
    keywords: list[str] = Field(default_factory=list)
    duplicate_of: str | None = None
    updated_at: str | None = None


class ArticleSummary(BaseModel):
    id: str
    title: str | None
    summary: list[str]
    method: str


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
    "summary",
    "summary_method",
    "keywords",
    "duplicate_of",
    "updated_at",
}


def list_item(record: ArticleRecord) -> ArticleListItem:
    return ArticleListItem.model_validate(record, from_attributes=True)


def article_detail(record: ArticleRecord, parsed: ParsedArticle | None) -> ArticleDetail:
    """The metadata and text come from the stored parse alone, not from the record's copy (a
    rejected re-upload keeps the earlier parse's metadata in the table)."""
    detail = record.model_dump(include=_DETAIL_FROM_RECORD)
    if parsed is not None:
        detail |= parsed.model_dump(exclude={"source", "schema_version", "parsed_at"})
    return ArticleDetail.model_validate(detail)
