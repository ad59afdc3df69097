"""The newsroom's hand on summaries: what an editor sends, the summary an edit or an approval
makes, and which summary readers are shown (with ``SummaryReview=required``, only the
newsroom's)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, field_validator

from newsbrief.models import ArticleRecord, EditorialSummary, Summary, SummaryOrigin

MAX_BULLETS = 10
MAX_BULLET_CHARS = 500
MAX_EDITOR_CHARS = 100
MAX_NOTE_CHARS = 1000
# What the summaries/ document says made an editor's own summary (the machine's say extractive…).
EDITOR_METHOD = "editor"


def _one_line(value: str) -> str:
    """Trimmed text of one line: no control characters, no unpaired surrogates (which JSON can
    carry but no store can keep), not blank."""
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in value):
        raise ValueError("must be one line of text, without control characters or lone surrogates")
    return value


OneLine = Annotated[str, AfterValidator(_one_line)]
Bullet = Annotated[OneLine, Field(min_length=1, max_length=MAX_BULLET_CHARS)]
EditorName = Annotated[
    OneLine, Field(min_length=1, max_length=MAX_EDITOR_CHARS, description="Who reviewed it")
]


class SummaryEdit(BaseModel):
    """An editor's own summary of an article: its bullets, in order."""

    summary: list[Bullet] = Field(min_length=1, max_length=MAX_BULLETS)
    editor: EditorName
    note: Annotated[OneLine, Field(max_length=MAX_NOTE_CHARS)] | None = None

    @field_validator("note", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


class SummaryApproval(BaseModel):
    """An editor's approval of the article's current machine summary."""

    editor: EditorName


@dataclass(frozen=True)
class ShownSummary:
    """The summary readers see; ``pending_review`` when review is required and the newsroom has
    not written or approved one yet (then nothing is shown)."""

    sentences: list[str]
    origin: SummaryOrigin | None
    method: str | None
    pending_review: bool = False


def shown_summary(record: ArticleRecord, review_required: bool) -> ShownSummary:
    if record.editorial is not None:
        editorial = record.editorial
        return ShownSummary(editorial.sentences, editorial.origin, editorial.method)
    if review_required:
        return ShownSummary([], None, None, pending_review=bool(record.parsed))
    if not record.summary:
        return ShownSummary([], None, None)
    return ShownSummary(record.summary, SummaryOrigin.MACHINE, record.summary_method)


def edited_summary(edit: SummaryEdit, content_sha256: str, now: str) -> EditorialSummary:
    return EditorialSummary(
        origin=SummaryOrigin.EDITOR,
        sentences=list(edit.summary),
        editor=edit.editor,
        reviewed_at=now,
        note=edit.note,
        source_sha256=content_sha256,
    )


def approved_summary(
    record: ArticleRecord, approval: SummaryApproval, now: str
) -> EditorialSummary:
    """The record's machine summary, approved; the caller checks that there is one."""
    return EditorialSummary(
        origin=SummaryOrigin.APPROVED,
        sentences=list(record.summary),
        method=record.summary_method,
        editor=approval.editor,
        reviewed_at=now,
        source_sha256=str(record.content_sha256),
    )


def already_approved(record: ArticleRecord) -> bool:
    """Whether approving again would change nothing: the machine summary is approved as it is."""
    editorial = record.editorial
    return (
        editorial is not None
        and editorial.origin is SummaryOrigin.APPROVED
        and not editorial.stale
        and editorial.sentences == record.summary
        and editorial.source_sha256 == record.content_sha256
    )


def summary_document(machine: Summary, editorial: EditorialSummary | None) -> Summary:
    """What the summaries/ object holds: the machine's summary, or the newsroom's in its place
    (with the machine's keywords, tied to the text the machine summarized)."""
    if editorial is None:
        return machine
    return machine.model_copy(
        update={
            "sentences": editorial.sentences,
            "method": editorial.method or EDITOR_METHOD,
            "origin": editorial.origin,
            "editor": editorial.editor,
            "reviewed_at": editorial.reviewed_at,
            "note": editorial.note,
            "stale": editorial.stale,
        }
    )


def record_summary(record: ArticleRecord, created_at: str) -> Summary:
    """The machine summary as the article's record keeps it (empty before the summarize stage
    has run), for a document written beside the newsroom's."""
    return Summary(
        id=record.id,
        sentences=record.summary,
        keywords=record.keywords,
        method=record.summary_method or EDITOR_METHOD,
        version=record.summary_version or "",
        language=record.language,
        source_sha256=record.content_sha256,
        created_at=created_at,
    )
