"""The reader's pages, rendered on the server from what the service offers.

Every piece of article text goes through Jinja2's autoescaping; the pages carry no inline script,
so the Content-Security-Policy can forbid it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from pydantic import ValidationError

from newsbrief.models import SearchHit, Status, SummaryLength
from newsbrief.service import NewsroomService, ServiceError
from newsbrief.storage.articles import READABLE

if TYPE_CHECKING:
    from jinja2 import Environment

HERE = Path(__file__).resolve().parent
ARTICLE_ID = re.compile(r"^[0-9a-f]{20}(-[0-9]{1,4})?$")
LANGUAGE = re.compile(r"^[a-z]{2}$")
LENGTHS = (("short", "Short"), ("medium", "Medium"), ("long", "Long"))
LANGUAGES = (("", "Any language"), ("en", "English"), ("ru", "Russian"))
SORTS = ("relevance", "date")
FRONT_PAGE_SIZE = 20
RESULTS_PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
RELATED = 5
_MARK = re.compile(r"(<mark>.*?</mark>)", re.DOTALL)

# script-src 'self' and no inline script: article text that slips a tag through stays inert.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
STATIC_FILES = {
    "reader.js": "text/javascript; charset=utf-8",
    "reader.css": "text/css; charset=utf-8",
    "widget.js": "text/javascript; charset=utf-8",
}


@dataclass(frozen=True)
class Page:
    status: int
    html: str


class BadRequestError(ValueError):
    """A page request with a parameter the page cannot use."""


def human_date(value: str) -> str:
    """``2026-03-05T09:00:00Z`` → ``5 March 2026``; anything else as it was."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return f"{moment.day} {moment:%B %Y}"


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet as (text, highlighted) pieces of plain text, for the template to escape.

    The index escapes the snippet and marks matches with ``<mark>``; taking it apart here
    means no text reaches the page unescaped, whatever the snippet holds.
    """
    parts = []
    for piece in _MARK.split(snippet):
        if not piece:
            continue
        marked = piece.startswith("<mark>") and piece.endswith("</mark>")
        text = piece[len("<mark>") : -len("</mark>")] if marked else piece
        parts.append((html.unescape(text), marked))
    return parts


@cache
def environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["human_date"] = human_date
    env.filters["snippet_parts"] = snippet_parts
    return env


@cache
def static_file(name: str) -> bytes | None:
    if name not in STATIC_FILES:
        return None
    return (HERE / "static" / name).read_bytes()


def page_size(value: str | None, default: int) -> int:
    if not value:
        return default
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE_SIZE:
        raise BadRequestError(f"limit must be a number from 1 to {MAX_PAGE_SIZE}")
    return int(value)


def optional(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


class Reader:
    """Renders each page; ``base`` is the path the API is served under (``/v1`` or empty)."""

    def __init__(self, service: NewsroomService, base: str = "") -> None:
        self._service = service
        self._base = base

    def render(self, template: str, status: int = 200, **context: Any) -> Page:
        body = environment().get_template(template).render(base=self._base, **context)
        return Page(status, body)

    def notice(self, status: int, heading: str, message: str, kind: str = "error") -> Page:
        return self.render(
            "status.html", status, heading=heading, message=message, detail=None, kind=kind
        )

    def front(self, cursor: str | None, limit: str | None) -> Page:
        size = page_size(limit, FRONT_PAGE_SIZE)
        listing = self._service.list_articles(size, optional(cursor), None, None)
        # Uploads still in the pipeline or rejected are the newsroom's business, not readers'.
        return self.render(
            "front.html",
            items=[item for item in listing.items if item.status in READABLE],
            next_cursor=listing.next_cursor,
            cursor=optional(cursor),
            limit=size,
        )

    def article(self, article_id: str) -> Page:
        self._check_id(article_id)
        article = self._service.article(article_id)
        if article.status == Status.REJECTED:
            return self.render(
                "status.html",
                heading="This article could not be published",
                message="The uploaded file could not become an article.",
                detail=article.reason,
                kind="rejected",
            )
        if article.status not in READABLE or not article.paragraphs:
            return self.render(
                "status.html",
                heading="This article is still being processed",
                message=f"Its status is “{article.status}”. Try again in a moment.",
                detail=None,
                kind="pending",
            )
        return self.render(
            "article.html",
            article=article,
            neighbors=self._service.neighbors(article_id),
            related=self._related(article_id) if article.status == Status.INDEXED else [],
            lengths=LENGTHS,
        )

    def _related(self, article_id: str) -> list[SearchHit]:
        try:
            hits = self._service.related(article_id, RELATED)
        except ServiceError:
            # Not in the index after all (a duplicate, or just removed): the page does without.
            return []
        return [hit for hit in hits if hit.id != article_id]

    def summary(self, article_id: str, length: str | None) -> Page:
        self._check_id(article_id)
        length = optional(length) or "medium"
        if length not in dict(LENGTHS):
            raise BadRequestError("length must be short, medium or long")
        try:
            summary = self._service.summary(article_id, None, cast(SummaryLength, length))
        except ServiceError as exc:
            if exc.status != 409:
                raise
            return self.render(
                "status.html",
                heading="No summary yet",
                message="This article is still being processed. Try again in a moment.",
                detail=None,
                kind="pending",
            )
        article = self._service.article(article_id)
        return self.render(
            "summary.html",
            summary=summary,
            length=length,
            lengths=LENGTHS,
            language=article.language,
        )

    def find(self, params: dict[str, str]) -> Page:
        from newsbrief.indexing import SearchRequest

        query = (params.get("q") or "").strip()
        language = optional(params.get("language"))
        if language is not None and not LANGUAGE.match(language):
            raise BadRequestError("language must be a two-letter code such as en or ru")
        sort = optional(params.get("sort")) or "relevance"
        if sort not in SORTS:
            raise BadRequestError("sort must be relevance or date")
        filters = {
            "language": language,
            "since": optional(params.get("since")),
            "until": optional(params.get("until")),
            "sort": sort,
        }
        size = page_size(params.get("limit"), RESULTS_PAGE_SIZE)
        if not query:
            return self.render(
                "find.html", query="", filters=filters, languages=LANGUAGES, results=None
            )
        if len(query) > 500:
            raise BadRequestError("the search is limited to 500 characters")
        try:
            request = SearchRequest.model_validate(
                {"q": query, "limit": size, "cursor": optional(params.get("cursor")), **filters}
            )
        except ValidationError as exc:
            raise BadRequestError("dates must be written as YYYY-MM-DD") from exc
        results = self._service.search(request)
        next_params = {
            "q": query,
            **{name: value for name, value in filters.items() if value},
            **({"limit": str(size)} if size != RESULTS_PAGE_SIZE else {}),
            "cursor": results.next_cursor or "",
        }
        return self.render(
            "find.html",
            query=query,
            filters=filters,
            languages=LANGUAGES,
            results=results,
            next_params=next_params,
        )

    @staticmethod
    def _check_id(article_id: str) -> None:
        if not ARTICLE_ID.match(article_id):
            raise ServiceError(404, "not_found", f"no article with id {article_id}")
