"""The domain's models: what flows between the pipeline's stages and out of the API."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PARSED_SCHEMA_VERSION = 1
SUMMARY_SCHEMA_VERSION = 1


class Status(StrEnum):
    QUEUED = "queued"
    PARSED = "parsed"
    SUMMARIZED = "summarized"
    INDEXED = "indexed"
    REJECTED = "rejected"


class SummaryOrigin(StrEnum):
    """Who made the summary readers see: the summarizer alone, the summarizer with an editor's
    approval, or an editor."""

    MACHINE = "machine"
    APPROVED = "approved"
    EDITOR = "editor"


class SourceRef(BaseModel):
    """The uploaded object an article came from."""

    bucket: str
    key: str
    content_type: str
    size: int
    version_id: str | None = None
    sequencer: str | None = None


class ArticleMetadata(BaseModel):
    """What is known of an article besides its text, all optional: what the parser finds, the
    parse stage stores, the articles table keeps and the API returns share these fields."""

    title: str | None = None
    author: str | None = None
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    url: str | None = None
    image: str | None = None
    section: str | None = None
    tags: list[str] = Field(default_factory=list)


class ArticleText(ArticleMetadata):
    """An article's metadata with its title and paragraphs, as every article has them."""

    title: str
    paragraphs: list[str]


class ExtractedArticle(ArticleText):
    """What the parser finds in one uploaded file, before the pipeline gives it an id."""

    content_type: str = "text/plain"


class LearnedFurniture(BaseModel):
    """A line that recurs across a source's uploads, and how many uploads carried it."""

    source: str
    text: str
    uploads: int


class ParsedArticle(ArticleText):
    """The parse stage's output, stored as JSON under the parsed prefix."""

    model_config = ConfigDict(extra="ignore")

    schema_version: int = PARSED_SCHEMA_VERSION
    id: str
    word_count: int
    reading_time_minutes: int
    content_sha256: str
    source: SourceRef
    parsed_at: str
    parser_version: str


class EditorialSummary(BaseModel):
    """A summary the newsroom owns: an editor's own bullets (origin ``editor``) or the machine's,
    approved (origin ``approved``). The pipeline never replaces it; a parse of changed text marks
    it ``stale`` until an editor writes or approves again."""

    origin: SummaryOrigin
    sentences: list[str]
    # How the machine made an approved summary (extractive, bedrock:…); None for an editor's own.
    method: str | None = None
    editor: str
    reviewed_at: str
    note: str | None = None
    # The digest of the article text the editor wrote or approved it against.
    source_sha256: str
    stale: bool = False


class ArticleRecord(ArticleMetadata):
    """An article's item in the articles table: where it is in the pipeline, the metadata and
    size of its latest parse, its summary."""

    model_config = ConfigDict(extra="ignore")

    id: str
    status: Status = Status.QUEUED
    source_key: str | None = None
    reason_code: str | None = None
    reason: str | None = None
    word_count: int | None = None
    content_sha256: str | None = None
    summary: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    summary_method: str | None = None
    summary_version: str | None = None
    # The newsroom's summary, when an editor wrote or approved one; kept across re-parses.
    editorial: EditorialSummary | None = None
    duplicate_of: str | None = None
    # The article's place in the listing (its date, then its id): newest first.
    listing_sort: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    indexed_at: str | None = None

    @property
    def parsed(self) -> bool:
        """Whether a parse of the article is stored (rejected and queued ones have none)."""
        return bool(self.content_sha256)


class Summary(BaseModel):
    """An article's summary as stored under the summaries prefix, one S3 version per change: the
    summarize stage's output, or the newsroom's summary (an editor's or an approved one, with
    who reviewed it, when, and the machine's keywords)."""

    schema_version: int = SUMMARY_SCHEMA_VERSION
    id: str
    sentences: list[str]
    keywords: list[str] = Field(default_factory=list)
    method: str
    version: str
    language: str | None = None
    source_sha256: str | None = None
    created_at: str | None = None
    origin: SummaryOrigin = SummaryOrigin.MACHINE
    editor: str | None = None
    reviewed_at: str | None = None
    note: str | None = None
    stale: bool = False


class Rejection(BaseModel):
    """Why an upload could not become an article; stored beside a copy of the upload."""

    id: str
    reason_code: str
    reason: str
    source: SourceRef
    rejected_at: str


class SearchHit(BaseModel):
    id: str
    title: str
    score: float
    snippet: str
    published: str | None = None


SummaryLength = Literal["short", "medium", "long"]
