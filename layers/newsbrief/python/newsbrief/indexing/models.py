"""The search index's interface: what goes in, what comes out, and the protocols backends meet."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal, Protocol

from pydantic import BaseModel, Field, field_validator

from newsbrief.models import SearchHit

MAX_PAGE_SIZE = 100


class IndexDocument(BaseModel):
    """An article as the index sees it. ``published`` is ISO 8601 (a date or a timestamp)."""

    id: str = Field(min_length=1, max_length=256)
    title: str = ""
    body: list[str] = Field(default_factory=list)
    summary: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    language: str | None = None
    published: str | None = None
    tags: list[str] = Field(default_factory=list)
    url: str | None = None


class SearchRequest(BaseModel):
    """A search. ``q`` syntax: words (ranked, any may match), ``"a phrase"`` (required),
    ``-word`` / ``-"a phrase"`` (excluded). ``since``/``until`` are inclusive ISO dates
    compared with the article's publication day; articles without one never pass them."""

    q: str = Field(max_length=1000)
    limit: int = Field(default=10, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = None
    language: str | None = None
    since: str | None = None
    until: str | None = None
    tag: str | None = None
    sort: Literal["relevance", "date"] = "relevance"

    @field_validator("since", "until")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is not None:
            date.fromisoformat(value[:10])
        return value


class SearchPage(BaseModel):
    """One page of hits. ``total`` counts every matching article, not just this page's."""

    query: str
    total: int
    total_exact: bool = Field(
        default=True,
        description="False when total is estimated: a phrase query with more candidates than "
        "were checked for the phrase counts the rest at the rate of those checked.",
    )
    items: list[SearchHit]
    next_cursor: str | None = None


class IndexOutcome(BaseModel):
    """What indexing did with one article: ``duplicate_of`` names the earlier article it
    repeats, in which case it is recorded but not added to search results."""

    id: str
    duplicate_of: str | None = None


class InvalidCursorError(ValueError):
    """A cursor that was not issued for this query by this index (garbled or tampered)."""


class IndexWriter(Protocol):
    """What the index stage writes: articles added or replaced, and taken out."""

    def upsert(self, docs: Sequence[IndexDocument]) -> list[IndexOutcome]: ...

    def delete(self, ids: Sequence[str]) -> None: ...


class SearchIndex(Protocol):
    """What the API and the reader pages ask of the index."""

    def search(self, request: SearchRequest) -> SearchPage: ...

    def related(self, article_id: str, limit: int = 5) -> list[SearchHit]: ...
