"""The reader's pages, rendered on the server from what the service offers.

Every piece of article text goes through Jinja2's autoescaping; the pages carry no inline script,
so the Content-Security-Policy can forbid it. An article's page and its summary speak the article's
language; the other pages speak the reader's (``i18n.negotiate``).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from pydantic import ValidationError

from newsbrief.models import SearchHit, Status, SummaryLength
from newsbrief.reader.i18n import (
    DEFAULT_LANGUAGE,
    N_,
    local_date,
    supported,
    translations,
    widget_messages,
)
from newsbrief.service import NewsroomService, ServiceError
from newsbrief.storage.articles import READABLE

if TYPE_CHECKING:
    from jinja2 import Environment

HERE = Path(__file__).resolve().parent
ARTICLE_ID = re.compile(r"^[0-9a-f]{20}(-[0-9]{1,4})?$")
LANGUAGE = re.compile(r"^[a-z]{2}$")
LENGTHS = (("short", N_("Short")), ("medium", N_("Medium")), ("long", N_("Long")))
LANGUAGES = (("", N_("Any language")), ("en", N_("English")), ("ru", N_("Russian")))
# The states of an article that readers cannot see yet, as the page that says so names them.
STATUS_NAMES = {
    Status.QUEUED: N_("queued"),
    Status.PARSED: N_("parsed"),
    Status.SUMMARIZED: N_("summarized"),
    Status.INDEXED: N_("indexed"),
}
SORTS = ("relevance", "date")
FRONT_PAGE_SIZE = 20
RESULTS_PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
MAX_QUERY = 500
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
WIDGET_MESSAGES_SLOT = b"{/* the catalogue's strings */}"
STATIC_FILES = {
    "reader.js": "text/javascript; charset=utf-8",
    "reader.css": "text/css; charset=utf-8",
    "widget.js": "text/javascript; charset=utf-8",
}


@dataclass(frozen=True)
class Page:
    status: int
    html: str
    language: str


class BadRequestError(ValueError):
    """A page request with a parameter the page cannot use; ``message`` is a catalogue string,
    filled in with ``params`` once translated."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params)
        self.message = message
        self.params = params


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
def environment(language: str) -> Environment:
    """The templates with one language's strings (``_``, ``ngettext``, ``{% trans %}``)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # New-style gettext: placeholders are filled after translation and escaped like any value.
    # (The i18n extension adds the method at run time, hence the ignore.)
    env.install_gettext_translations(  # type: ignore[attr-defined]
        translations(language), newstyle=True
    )
    env.globals["page_language"] = language
    env.filters["local_date"] = local_date
    env.filters["snippet_parts"] = snippet_parts
    env.filters["ui_language"] = lambda code: supported(code) or language
    return env


@cache
def static_file(name: str) -> bytes | None:
    if name not in STATIC_FILES:
        return None
    content = (HERE / "static" / name).read_bytes()
    if name == "widget.js":
        # The widget gets every language's strings inside itself: no second request, no
        # inline script on the newsroom's page.
        content = content.replace(WIDGET_MESSAGES_SLOT, widget_messages().encode())
    return content


def page_size(value: str | None, default: int) -> int:
    if not value:
        return default
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE_SIZE:
        raise BadRequestError(N_("limit must be a number from 1 to %(most)s"), most=MAX_PAGE_SIZE)
    return int(value)


def optional(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


class Reader:
    """Renders each page; ``base`` is the path the API is served under (``/v1`` or empty), and
    ``language`` the reader's, which the pages not about one article speak; ``chosen`` says that
    the reader picked it with ``?lang=``, so the pages' own links and forms keep it."""

    def __init__(
        self,
        service: NewsroomService,
        base: str = "",
        language: str = DEFAULT_LANGUAGE,
        chosen: bool = False,
    ) -> None:
        self._service = service
        self._base = base
        self._language = language
        self._chosen = chosen

    def render(
        self, template: str, status: int = 200, language: str | None = None, **context: Any
    ) -> Page:
        language = language or self._language
        body = (
            environment(language)
            .get_template(template)
            .render(
                base=self._base,
                chosen_language=self._chosen_language(),
                keep_language=self._keep_language,
                **context,
            )
        )
        return Page(status, body, language)

    def _chosen_language(self) -> str | None:
        return self._language if self._chosen else None

    def _keep_language(self, separator: str) -> str:
        """What a link's query string ends with to keep the language the reader chose."""
        return f"{separator}lang={self._language}" if self._chosen else ""

    def _keeping_language(self, params: dict[str, str]) -> dict[str, str]:
        """A link's query parameters, with the language the reader chose."""
        return {**params, "lang": self._language} if self._chosen else params

    def notice(
        self,
        status: int,
        heading: str,
        message: str,
        params: dict[str, object] | None = None,
        kind: str = "error",
        detail: str | None = None,
        language: str | None = None,
    ) -> Page:
        """A page that says why there is nothing else to show; ``heading`` and ``message`` are
        catalogue strings, ``detail`` is shown as it is."""
        language = language or self._language
        text = translations(language).gettext
        return self.render(
            "status.html",
            status,
            language,
            heading=text(heading),
            message=text(message) % (params or {}),
            detail=detail,
            kind=kind,
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
            older_params=self._keeping_language(
                {"cursor": listing.next_cursor or "", "limit": str(size)}
            ),
        )

    def article(self, article_id: str) -> Page:
        self._check_id(article_id)
        article = self._service.article(article_id)
        language = supported(article.language) or self._language
        if article.status == Status.REJECTED:
            return self.notice(
                200,
                N_("This article could not be published"),
                N_("The uploaded file could not become an article."),
                kind="rejected",
                detail=article.reason,
                language=language,
            )
        if article.status not in READABLE or not article.paragraphs:
            return self.notice(
                200,
                N_("This article is still being processed"),
                N_("Its status is “%(status)s”. Try again in a moment."),
                {"status": translations(language).gettext(STATUS_NAMES[article.status])},
                kind="pending",
                language=language,
            )
        return self.render(
            "article.html",
            language=language,
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
            raise BadRequestError(N_("length must be short, medium or long"))
        article = self._service.article(article_id)
        language = supported(article.language) or self._language
        try:
            summary = self._service.summary(article_id, None, cast(SummaryLength, length))
        except ServiceError as exc:
            if exc.status != 409:
                raise
            return self.notice(
                200,
                N_("No summary yet"),
                N_("This article is still being processed. Try again in a moment."),
                kind="pending",
                language=language,
            )
        return self.render(
            "summary.html",
            language=language,
            summary=summary,
            length=length,
            lengths=LENGTHS,
            article_language=article.language,
        )

    def find(self, params: dict[str, str]) -> Page:
        from newsbrief.indexing import SearchRequest

        query = (params.get("q") or "").strip()
        language = optional(params.get("language"))
        if language is not None and not LANGUAGE.match(language):
            raise BadRequestError(N_("language must be a two-letter code such as en or ru"))
        sort = optional(params.get("sort")) or "relevance"
        if sort not in SORTS:
            raise BadRequestError(N_("sort must be relevance or date"))
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
        if len(query) > MAX_QUERY:
            raise BadRequestError(
                N_("the search is limited to %(most)s characters"), most=MAX_QUERY
            )
        try:
            request = SearchRequest.model_validate(
                {"q": query, "limit": size, "cursor": optional(params.get("cursor")), **filters}
            )
        except ValidationError as exc:
            raise BadRequestError(N_("dates must be written as YYYY-MM-DD")) from exc
        results = self._service.search(request)
        next_params = self._keeping_language(
            {
                "q": query,
                **{name: value for name, value in filters.items() if value},
                **({"limit": str(size)} if size != RESULTS_PAGE_SIZE else {}),
                "cursor": results.next_cursor or "",
            }
        )
        return self.render(
            "find.html",
            query=query,
            filters=filters,
            languages=LANGUAGES,
            results=results,
            next_params=next_params,
            unfiltered_params=self._keeping_language({"q": query}),
        )

    @staticmethod
    def _check_id(article_id: str) -> None:
        if not ARTICLE_ID.match(article_id):
            raise ServiceError(404, "not_found", f"no article with id {article_id}")
