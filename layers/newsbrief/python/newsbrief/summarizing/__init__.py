"""Summaries and key phrases of articles.

Extractive and deterministic: a summary is a few whole sentences of the article, in their
order, picked by a small trained ranking model (``model.json`` for English and the languages
without a model of their own, ``model-ru.json`` for Russian), as many as asked for or the
language's default. English and Russian have stop words and stemming; other languages are ranked
language-neutrally. ``bedrock`` holds the
optional abstractive path, which falls back to this one.
"""

from __future__ import annotations

from newsbrief.models import SummaryLength
from newsbrief.summarizing.extractive import (
    SUMMARIZER_VERSION,
    SummaryResult,
    extract,
    sentence_budget,
)
from newsbrief.summarizing.keywords import extract_keywords

__all__ = [
    "SUMMARIZER_VERSION",
    "SummaryLength",
    "SummaryResult",
    "extract_keywords",
    "summarize",
    "summarize_text",
]


def summarize(
    paragraphs: list[str],
    *,
    title: str | None = None,
    language: str | None = None,
    sentences: int | None = None,
    length: SummaryLength | None = None,
) -> SummaryResult:
    """Summarize an article body given as paragraphs.

    ``sentences`` (1–10) or ``length`` (short 1, medium 3, long 5) sets the size; the default
    is the language's (``default_sentences``: 3 for English). Raises ``ValueError`` for a count
    outside 1–10 or an unknown length.
    """
    count = sentence_budget(sentences, length)
    return extract(paragraphs, title=title, language=language, count=count)


def summarize_text(text: str, max_sentences: int = 3) -> str:
    """Plain text in (paragraphs separated by newlines), summary sentences out, one a line.

    Any positive ``max_sentences`` is accepted here, for evaluations whose references are
    longer than the API's limit.
    """
    if max_sentences < 1:
        raise ValueError(f"max_sentences must be positive, got {max_sentences}")
    result = extract(text.split("\n"), title=None, language=None, count=max_sentences)
    return "\n".join(result.sentences)
