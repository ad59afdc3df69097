"""Extractive summaries: whole sentences of the article, chosen by the ranking model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from newsbrief.models import SummaryLength
from newsbrief.sentences import split_sentences
from newsbrief.summarizing.features import build_document, sentence_features
from newsbrief.summarizing.ranking import load_model, select
from newsbrief.summarizing.text import SUPPORTED_LANGUAGES, resolve_language

SUMMARIZER_VERSION = "1.1.0"
MIN_SENTENCES, MAX_SENTENCES = 1, 10
SENTENCES_FOR_LENGTH: dict[str, int] = {"short": 1, "medium": 3, "long": 5}
# Used when every sentence looks like furniture, so that an article always gets a summary.
LEAD_METHOD = "extractive-lead"


@dataclass(frozen=True)
class SummaryResult:
    """Summary sentences in document order, and how they were made."""

    sentences: list[str]
    method: str
    version: str = SUMMARIZER_VERSION
    language: str | None = None


def sentence_budget(sentences: int | None, length: str | None) -> int | None:
    """The number of sentences asked for: an explicit count wins over a named length; ``None``
    when neither is given (the article's language then sets it: ``default_sentences``)."""
    if sentences is not None:
        if isinstance(sentences, bool) or not MIN_SENTENCES <= sentences <= MAX_SENTENCES:
            raise ValueError(
                f"sentences must be between {MIN_SENTENCES} and {MAX_SENTENCES}, got {sentences!r}"
            )
        return sentences
    if length is None:
        return None
    if length not in get_args(SummaryLength):
        raise ValueError(f"length must be one of short, medium, long; got {length!r}")
    return SENTENCES_FOR_LENGTH[length]


def default_sentences(language: str | None) -> int:
    """The summary length of a language when none is asked for, chosen with its model (3 for
    English: the CNN/DM highlights' count; Russian's on RT leads)."""
    return load_model(language).default_sentences


def body_paragraphs(paragraphs: list[str], title: str | None) -> list[str]:
    """Non-empty paragraphs, without a leading copy of the title."""
    body = [p.strip() for p in paragraphs if p and p.strip()]
    if body and title and body[0].casefold() == title.strip().casefold():
        body = body[1:]
    return body


def extract(
    paragraphs: list[str], *, title: str | None, language: str | None, count: int | None
) -> SummaryResult:
    """The ``count`` best sentences (any positive count; the public API bounds it), or as many
    as the language's default when ``count`` is ``None``."""
    body = body_paragraphs(paragraphs, title)
    resolved = resolve_language(language, "\n".join(body))
    model = load_model(resolved)
    if count is None:
        count = model.default_sentences
    document = build_document(body, resolved)
    candidates = document.candidates
    if not candidates:
        lead = [s for p in body for s in split_sentences(p, resolved)][:count]
        return SummaryResult(sentences=lead, method=LEAD_METHOD, language=resolved)
    rows = sentence_features(document, title=title, language=resolved)
    chosen = select(candidates, model.score_rows(rows), count, model.blocking_trigrams)
    method = f"extractive-{model.name}"
    if resolved not in SUPPORTED_LANGUAGES:
        method += "-neutral"
    return SummaryResult(
        sentences=[candidates[i].text for i in chosen], method=method, language=resolved
    )
