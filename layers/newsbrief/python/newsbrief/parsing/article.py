"""From extracted title, text blocks and metadata to one clean ``ExtractedArticle``."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from datetime import date

from newsbrief.errors import RejectedUploadError

# The parsers call the metadata they find in a document by its short name.
from newsbrief.models import ArticleMetadata as Metadata
from newsbrief.models import ExtractedArticle
from newsbrief.parsing.credits import drop_closing_credits, strip_dateline, take_lead_credits
from newsbrief.parsing.furniture import drop_learned_furniture, normalize_line, remove_furniture
from newsbrief.parsing.limits import MAX_TEXT_CHARS
from newsbrief.parsing.paragraphs import clean_inline, clean_paragraph, wrapped_paragraphs

MIN_ARTICLE_WORDS = 15
TITLE_MAX_CHARS = 200
# A title made from the first sentence is cut to a headline's length.
DERIVED_TITLE_MAX_CHARS = 100
_CLAUSE_BREAKS = (", ", "; ", ": ", " — ", " – ")
_MIN_CLAUSE_SHARE = 0.4
_LONG_PARAGRAPH_WORDS = 20
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
_UNSPACED_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
_FIRST_SENTENCE = re.compile(r"^(.{10,}?[.!?])(?:\s|$)", re.DOTALL)


def blocks_from_lines(
    lines: Sequence[str],
    paragraphs_of: Callable[[Sequence[str]], list[str]] = wrapped_paragraphs,
) -> list[str]:
    """Paragraphs from text lines: blank lines separate blocks, furniture lines are dropped
    (and end a block), ``paragraphs_of`` turns each block's lines into paragraphs."""
    keep = remove_furniture(lines)
    paragraphs: list[str] = []
    block: list[str] = []
    for line, kept in zip(lines, keep, strict=True):
        if line.strip() and kept:
            block.append(line)
            continue
        paragraphs.extend(paragraphs_of(block))
        block.clear()
    paragraphs.extend(paragraphs_of(block))
    return [paragraph for paragraph in paragraphs if paragraph]


def title_from_text(paragraphs: list[str]) -> tuple[str, list[str]]:
    """A title for text that has none: its first paragraph when headline-like (then removed
    from the body), else its first sentence without a dateline, cut to headline length."""
    first = paragraphs[0]
    if len(first) <= TITLE_MAX_CHARS and not first.endswith((".", ",", ";", ":")):
        return strip_dateline(first), paragraphs[1:]
    sentence = _FIRST_SENTENCE.match(first)
    title = strip_dateline(sentence.group(1) if sentence else first)
    return shorten_title(title.removesuffix("."), DERIVED_TITLE_MAX_CHARS), paragraphs


def shorten_title(title: str, limit: int = TITLE_MAX_CHARS) -> str:
    """The title cut to ``limit`` characters: at the last clause boundary when that keeps
    most of it, else at a word boundary with an ellipsis."""
    if len(title) <= limit:
        return title
    head = title[: limit + 1]
    clause = max(head.rfind(mark) for mark in _CLAUSE_BREAKS)
    if clause >= limit * _MIN_CLAUSE_SHARE:
        return head[:clause].rstrip()
    return head.rsplit(" ", 1)[0].rstrip(" ,;:—–-") + "…"


def build_article(
    paragraphs: Sequence[str],
    metadata: Metadata,
    *,
    content_type: str,
    known_furniture: Collection[str] = (),
    received: date | None = None,
    guessed_published: str | None = None,
) -> ExtractedArticle:
    """Validate and assemble an article; rejects text too thin to be an article. ``received``,
    the day the document arrived, dates its relative datelines ("вчера, 14:32");
    ``guessed_published`` is a date found by heuristics, used when neither the metadata nor a
    dateline gives one."""
    body = [p for p in map(clean_paragraph, paragraphs) if p]
    body = drop_learned_furniture(body, known_furniture)
    # Bylines and datelines may open the text, before or after its title line.
    lead = take_lead_credits(body, received)
    title = clean_inline(metadata.title or "")
    rest = lead.body
    if not title and rest:
        title, rest = title_from_text(rest)
    rest = drop_title_lines(rest, title)
    lead = lead.followed_by(take_lead_credits(rest, received))
    body = drop_closing_credits(lead.body)
    chars = sum(len(paragraph) for paragraph in body)
    if chars > MAX_TEXT_CHARS:
        raise RejectedUploadError(
            "too_large",
            f"The document holds {chars:,} characters of text; an article has at most "
            f"{MAX_TEXT_CHARS:,}.",
        )
    words = prose_words(body)
    if words < MIN_ARTICLE_WORDS:
        raise RejectedUploadError(
            "no_article_content",
            f"No article text was found: {words} words of running text, at least "
            f"{MIN_ARTICLE_WORDS} are needed (headlines, links and labels do not count).",
        )
    from newsbrief.language import detect_language

    # The text outranks a declared language: page templates often declare the wrong one.
    language = detect_language("\n".join(body)) or metadata.language
    return ExtractedArticle.model_validate(
        {
            **metadata.model_dump(),
            "title": title[: TITLE_MAX_CHARS * 2],
            "paragraphs": body,
            "author": _clean_optional(metadata.author or lead.author),
            "published": _published(metadata.published, lead.published) or guessed_published,
            "language": language,
            "url": _clean_optional(metadata.url),
            "image": _clean_optional(metadata.image),
            "section": _clean_optional(metadata.section),
            "tags": list(dict.fromkeys(clean_inline(tag) for tag in metadata.tags if tag.strip())),
            "content_type": content_type,
        }
    )


def drop_title_lines(paragraphs: Sequence[str], title: str) -> list[str]:
    """The paragraphs without the title lines that open them: a body that opens with its own
    title (the page's headline) repeats it."""
    start = 0
    while start < len(paragraphs) and normalize_line(paragraphs[start]) == normalize_line(title):
        start += 1
    return list(paragraphs[start:])


def prose_words(paragraphs: Sequence[str]) -> int:
    """Words in paragraphs of running text: ones that end a sentence or are long. Listings,
    menus and forms are made of short unpunctuated lines and count nothing."""
    total = 0
    for paragraph in paragraphs:
        words = _word_count(paragraph)
        if words >= _LONG_PARAGRAPH_WORDS or _SENTENCE_END.search(paragraph):
            total += words
    return total


def _word_count(text: str) -> int:
    # Scripts written without spaces count one word per two characters.
    spaced = len(text.split())
    unspaced = len(_UNSPACED_SCRIPT.findall(text)) // 2
    return spaced + unspaced


def _published(declared: str | None, dateline: str | None) -> str | None:
    """The page's date, or the dateline's when the page gives none or the same day without
    the time the dateline has."""
    if declared and dateline and dateline.startswith(declared) and len(dateline) > len(declared):
        return dateline
    return declared or dateline


def _clean_optional(value: str | None) -> str | None:
    if value is None:
        return None
    return clean_inline(value) or None
