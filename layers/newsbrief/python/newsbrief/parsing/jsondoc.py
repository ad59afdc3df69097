"""JSON uploads: one article object, or a list of them."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from newsbrief.errors import RejectedUploadError
from newsbrief.models import ExtractedArticle
from newsbrief.parsing.article import Metadata, blocks_from_lines, build_article
from newsbrief.parsing.dates import normalize_date
from newsbrief.parsing.furniture import remove_furniture
from newsbrief.parsing.limits import MAX_JSON_ARTICLES

_BODY_FIELDS = ("body", "text", "content", "articleBody")
_HTML_HINT = ("<p", "<div", "<br", "</")


def parse_json(text: str, *, known_furniture: Collection[str]) -> list[ExtractedArticle]:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise RejectedUploadError("malformed", f"The JSON document is not valid ({exc}).") from exc
    items = document if isinstance(document, list) else [document]
    if not items:
        raise RejectedUploadError("no_article_content", "The JSON list holds no articles.")
    if len(items) > MAX_JSON_ARTICLES:
        raise RejectedUploadError(
            "too_large",
            f"The JSON list holds {len(items)} articles; at most {MAX_JSON_ARTICLES} are accepted.",
        )
    articles = []
    for position, item in enumerate(items, start=1):
        where = f"item {position} of the list" if isinstance(document, list) else "the object"
        articles.append(_article_from_object(item, where, known_furniture))
    return articles


def _article_from_object(
    item: Any, where: str, known_furniture: Collection[str]
) -> ExtractedArticle:
    if not isinstance(item, dict):
        raise RejectedUploadError(
            "malformed", f"In the JSON upload, {where} is not an object with a body or text field."
        )
    body = next((item[key] for key in _BODY_FIELDS if isinstance(item.get(key), str)), None)
    if body is None or not body.strip():
        raise RejectedUploadError(
            "malformed" if body is None else "no_article_content",
            f"In the JSON upload, {where} has no text in a body or text field.",
        )
    metadata = Metadata(
        title=_string(item.get("title") or item.get("headline")),
        author=_author(item.get("author")),
        published=normalize_date(_string(item.get("published") or item.get("date"))),
        modified=normalize_date(_string(item.get("modified"))),
        language=_string(item.get("language")),
        url=_string(item.get("url")),
        image=_string(item.get("image")),
        section=_string(item.get("section")),
        tags=[tag for tag in item.get("tags") or [] if isinstance(tag, str)]
        if isinstance(item.get("tags"), list)
        else [],
    )
    if any(hint in body for hint in _HTML_HINT):
        from newsbrief.parsing.html import html_fragment_paragraphs

        blocks = html_fragment_paragraphs(body)
        keep = remove_furniture(blocks)
        paragraphs = [block for block, kept in zip(blocks, keep, strict=True) if kept]
    else:
        lines = body.replace("\r\n", "\n").split("\n")
        paragraphs = blocks_from_lines(lines)
    return build_article(
        paragraphs, metadata, content_type="application/json", known_furniture=known_furniture
    )


def _string(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _author(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _string(value.get("name"))
    if isinstance(value, list):
        names = [name for name in (_author(entry) for entry in value) if name]
        return ", ".join(names) or None
    return None
