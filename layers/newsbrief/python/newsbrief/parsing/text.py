"""Plain-text and Markdown uploads."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date

from newsbrief.models import ExtractedArticle
from newsbrief.parsing.article import Metadata, blocks_from_lines, build_article
from newsbrief.parsing.paragraphs import soft_wrapped_paragraph

_ATX_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_REFERENCE_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~)(?=\S)(.+?)(?<=\S)\1")
_CODE_SPAN = re.compile(r"`([^`]+)`")
_BLOCK_PREFIX = re.compile(r"^\s{0,3}(?:>\s?)+")
_HORIZONTAL_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
# Two trailing spaces or a backslash: a hard line break inside the paragraph.
_HARD_BREAK = re.compile(r"(?:\S {2,}|\\)$")


def parse_text(
    text: str,
    *,
    known_furniture: Collection[str],
    title: str | None = None,
    received: date | None = None,
) -> ExtractedArticle:
    """A plain-text article: the title is the first line (or given); blank lines separate
    blocks, and the hard-wrapped lines of a block join into its paragraphs."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs = blocks_from_lines(lines)
    return build_article(
        paragraphs,
        Metadata(title=title),
        content_type="text/plain",
        known_furniture=known_furniture,
        received=received,
    )


def parse_markdown(
    text: str, *, known_furniture: Collection[str], received: date | None = None
) -> ExtractedArticle:
    """A Markdown article: the title is the first heading (else the first line); inline
    markup is reduced to its text; the lines of a paragraph join (hard breaks stay)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    plain, heading = markdown_to_lines(lines)
    paragraphs = blocks_from_lines(plain, lambda block: [soft_wrapped_paragraph(block)])
    return build_article(
        paragraphs,
        Metadata(title=heading),
        content_type="text/markdown",
        known_furniture=known_furniture,
        received=received,
    )


def markdown_to_lines(lines: list[str]) -> tuple[list[str], str | None]:
    """Plain lines from Markdown lines (headings and list items in blocks of their own, a line
    ending in a hard break ends in ``"\\n"``) and the first top-level heading."""
    out: list[str] = []
    first_heading: str | None = None
    in_fence = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            out.append("")
            continue
        if in_fence:
            out.append(f"{line}\n")  # a code block keeps its lines
            continue
        next_line = lines[index + 1] if index + 1 < len(lines) else ""
        atx = _ATX_HEADING.match(line)
        if atx or (line.strip() and _SETEXT_UNDERLINE.match(next_line) and not _is_rule(line)):
            heading = inline_text(atx.group(2) if atx else line)
            if first_heading is None:
                first_heading = heading
            out.extend(["", heading, ""])
            continue
        if _SETEXT_UNDERLINE.match(line) and out and out[-1] == "":
            out.append("")  # the underline of a setext heading
            continue
        if _HORIZONTAL_RULE.match(line) or _LINK_DEFINITION.match(line) or _TABLE_RULE.match(line):
            out.append("")
            continue
        line = _BLOCK_PREFIX.sub("", line)
        item = _LIST_ITEM.match(line)
        if item:
            # Each item is a paragraph; lines up to the next block continue it.
            out.extend(["", inline_text(item.group(1))])
        else:
            hard_break = bool(_HARD_BREAK.search(line))
            out.append(inline_text(line.removesuffix("\\")) + ("\n" if hard_break else ""))
    return out, first_heading


def _is_rule(line: str) -> bool:
    return bool(_HORIZONTAL_RULE.match(line))


def inline_text(line: str) -> str:
    """The visible text of one line of Markdown."""
    text = _IMAGE.sub("", line)
    text = _LINK.sub(r"\1", text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _CODE_SPAN.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    previous = None
    while previous != text:  # nested emphasis such as ***bold italic***
        previous, text = text, _EMPHASIS.sub(r"\2", text)
    if text.strip().startswith("|") and text.strip().endswith("|"):
        text = " ".join(cell.strip() for cell in text.strip().strip("|").split("|"))
    return text.rstrip()
