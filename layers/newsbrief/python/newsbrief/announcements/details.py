"""The events put on the stack's bus: one ``detail`` model per detail type.

The JSON Schema files under ``docs/events/`` are these models' schemas
(``scripts/event_schemas.py`` writes them); a test checks both against what the functions put.
Every detail names its article the same way and carries an ``event_id`` that stays the same
when an event is put again (a redelivered message, a rerun): a consumer drops repeats by it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

# The ``source`` of every event the stack puts; rules match it.
EVENT_SOURCE = "newsbrief"


class DetailType(StrEnum):
    ARTICLE_INDEXED = "Article Indexed"
    ARTICLE_REJECTED = "Article Rejected"
    ARTICLE_DELETED = "Article Deleted"
    SUMMARY_READY = "Summary Ready"
    SUMMARY_EDITED = "Summary Edited"
    SUMMARY_APPROVED = "Summary Approved"
    SUMMARY_STALE = "Summary Stale"


class ArticleEventDetail(BaseModel):
    """What every event says of its article."""

    # Undeclared fields are refused, so the schemas (additionalProperties: false) say all.
    model_config = ConfigDict(extra="forbid", frozen=True)
    detail_type: ClassVar[DetailType]

    event_id: str = Field(
        description="The same whenever this change is announced again: drop repeats by it.",
        pattern=r"^[0-9a-f]{32}$",
    )
    article_id: str = Field(description="The article's id in the API.")
    source_key: str = Field(description="The uploaded object's key in the articles bucket.")
    url: str | None = Field(description="The article's canonical URL, when the page gave one.")
    title: str | None = Field(description="The article's title (none for a rejected upload).")
    language: str | None = Field(description="The article's language (ISO 639-1).")
    resource_url: str = Field(description="The article's resource in the API.")


class ArticleIndexed(ArticleEventDetail):
    """The article is searchable and listed: its parse, summary and index entry are stored."""

    detail_type = DetailType.ARTICLE_INDEXED

    content_sha256: str = Field(description="Digest of the indexed text.")
    duplicate_of: str | None = Field(
        description="The article this one repeats (near-duplicate text), if any."
    )


class ArticleRejected(ArticleEventDetail):
    """An upload could not become an article; the API lists it as rejected, with the reason."""

    detail_type = DetailType.ARTICLE_REJECTED

    reason_code: str = Field(description="Why, as a code (empty, malformed, undecodable...).")
    reason: str = Field(description="Why, in words, for the upload's author.")


class ArticleDeleted(ArticleEventDetail):
    """The article and everything made from it are gone (its upload was deleted or replaced)."""

    detail_type = DetailType.ARTICLE_DELETED


class SummaryReady(ArticleEventDetail):
    """The pipeline stored a summary of the article's current text."""

    detail_type = DetailType.SUMMARY_READY

    summary: list[str] = Field(description="The summary's sentences.")
    method: str = Field(description="How it was made: extractive, or the Bedrock model.")


class SummaryEdited(ArticleEventDetail):
    """An editor stored a summary of their own."""

    detail_type = DetailType.SUMMARY_EDITED

    summary: list[str] = Field(description="The editor's bullets.")
    editor: str = Field(description="Who wrote it.")
    note: str | None = Field(description="The editor's note, if any.")
    version: str = Field(description="The stored version of the summary.")


class SummaryApproved(ArticleEventDetail):
    """An editor approved the machine summary as it stands."""

    detail_type = DetailType.SUMMARY_APPROVED

    summary: list[str] = Field(description="The approved sentences.")
    approved_by: str = Field(description="Who approved it.")
    version: str = Field(description="The stored version of the summary.")


class SummaryStale(ArticleEventDetail):
    """The article's text changed under an editor's or approved summary: it needs a look."""

    detail_type = DetailType.SUMMARY_STALE

    version: str = Field(description="The stored version of the summary that went stale.")
    editor: str | None = Field(description="Who wrote or approved that version.")
    content_sha256: str = Field(description="Digest of the article's new text.")


DETAIL_MODELS: dict[DetailType, type[ArticleEventDetail]] = {
    model.detail_type: model
    for model in (
        ArticleIndexed,
        ArticleRejected,
        ArticleDeleted,
        SummaryReady,
        SummaryEdited,
        SummaryApproved,
        SummaryStale,
    )
}


class BusEvent(BaseModel):
    """One event as it goes on the bus: its detail type, its detail (JSON), and when the change
    it announces was stored. Plain JSON, so a queue-fed stage's stored result can carry it."""

    model_config = ConfigDict(frozen=True)

    detail_type: DetailType
    detail: dict[str, Any]
    time: str

    @property
    def event_id(self) -> str:
        return str(self.detail["event_id"])

    @property
    def article_id(self) -> str:
        return str(self.detail["article_id"])


def detail_schema(detail_type: DetailType) -> dict[str, Any]:
    """The JSON Schema of one detail type, as the files under docs/events/ hold it."""
    model = DETAIL_MODELS[detail_type]
    schema = model.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://newsbrief.example/events/{schema_file_name(detail_type)}",
        **schema,
        "title": str(detail_type),
        "description": (
            f'The detail of the "{detail_type}" event (source "{EVENT_SOURCE}"): '
            + " ".join((model.__doc__ or "").split())
        ),
    }


def schema_file_name(detail_type: DetailType) -> str:
    return detail_type.lower().replace(" ", "-") + ".schema.json"
