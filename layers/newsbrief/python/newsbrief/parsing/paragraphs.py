"""Paragraph text: single spaces inside a line, line breaks where the source has them, and
hard-wrapped lines joined back into the paragraphs they were cut from.

A paragraph is one string; a line break inside it (``<br>``, the lines of ``<pre>``, a Markdown
hard break) is ``"\\n"``. Paragraph breaks are the boundaries between strings.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

# Hard-wrapped text keeps its lines shorter than this; a block with longer lines holds one
# paragraph a line.
WRAPPED_LINE_MAX_CHARS = 120
# A line shorter than this share of the block's width ends a paragraph when the next line's
# first word would have fitted on it (a wrapping tool would have put it there).
_SHORT_LINE_SHARE = 0.6
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+\S")
_SENTENCE_END = re.compile(r"[.!?…。！？:][\"'”’»)\]]*$")
_OPENING = "\"'«“‘„([¿¡"


def clean_inline(text: str) -> str:
    """Text on one line, with single spaces."""
    return " ".join(text.split())


def clean_paragraph(text: str) -> str:
    """A paragraph with single spaces in each of its lines and no blank lines."""
    return "\n".join(filter(None, (clean_inline(line) for line in text.split("\n"))))


def starts_lower(text: str) -> bool:
    """Whether the text's first letter (after opening quotes and brackets) is lower-case."""
    stripped = text.lstrip().lstrip(_OPENING)
    return bool(stripped) and stripped[0].islower()


def ends_open(text: str) -> bool:
    """Whether the text ends in a lower-case letter or a comma: mid-sentence."""
    stripped = text.rstrip()
    return bool(stripped) and (stripped[-1] == "," or stripped[-1].islower())


def cuts_sentence(first: str, second: str) -> bool:
    """Whether two adjacent paragraphs look like one sentence cut in two."""
    return ends_open(first) and starts_lower(second)


def sentence_cuts(paragraphs: Sequence[str]) -> int:
    """How many adjacent pairs of ``paragraphs`` cut a sentence in two."""
    return sum(cuts_sentence(a, b) for a, b in itertools.pairwise(paragraphs))


def wrapped_paragraphs(block: Sequence[str]) -> list[str]:
    """The paragraphs of one block of plain-text lines (no blank line inside it).

    Hard-wrapped lines join. A line starts a new paragraph when it is a list item, or when
    the line before it is short and ends a sentence (or a heading) while this line's first word
    would have fitted on it: no wrapping tool breaks there. In a block of long lines (one
    paragraph a line) every line is a paragraph unless it visibly continues a sentence.
    """
    lines = [line for line in map(clean_inline, block) if line]
    if not lines:
        return []
    if all(_LIST_ITEM.match(line) for line in lines):
        return lines
    width = max(map(len, lines))
    paragraphs = [lines[0]]
    for previous, line in itertools.pairwise(lines):
        if _starts_paragraph(previous, line, width):
            paragraphs.append(line)
        else:
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
    return paragraphs


def _starts_paragraph(previous: str, line: str, width: int) -> bool:
    if _LIST_ITEM.match(line):
        return True
    if starts_lower(line) or previous.endswith(","):
        return False
    if width > WRAPPED_LINE_MAX_CHARS:
        return True
    first_word = line.split(" ", 1)[0]
    fits = len(previous) + 1 + len(first_word) <= width
    short = len(previous) < _SHORT_LINE_SHARE * width
    return fits and (short or bool(_SENTENCE_END.search(previous)))


def soft_wrapped_paragraph(block: Sequence[str]) -> str:
    """Markdown's rule for the lines of one paragraph: they join with spaces; a line that ends
    in ``"\\n"`` (a hard break) ends a line of the paragraph."""
    text = "".join(line if line.endswith("\n") else f"{line} " for line in block)
    return clean_paragraph(text)
