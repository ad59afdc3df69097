"""Candidate sentences of an article and the features the ranking model scores them by.

Pure Python and shared by the runtime and the training script, so the model is trained on
exactly the features it is served.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from newsbrief.sentences import split_sentences
from newsbrief.summarizing.furniture import is_credit, is_furniture, strip_dateline
from newsbrief.summarizing.text import content_stems, words

FEATURE_NAMES: tuple[str, ...] = (
    "pos_0",
    "pos_1",
    "pos_2",
    "pos_3",
    "pos_4",
    "inverse_position",
    "relative_position",
    "log_sentence_count",
    "words",
    "short",
    "long",
    "centroid_similarity",
    "centroid_rank",
    "first_sentence_similarity",
    "title_similarity",
    "content_ratio",
    "shared_term_ratio",
    "has_number",
    "has_quote",
    "starts_with_quote",
    "attribution",
    "question",
    "first_in_paragraph",
    "relative_paragraph",
)

_QUOTE = re.compile(r"[\"“”«»„]|``|''")
_STARTS_QUOTE = re.compile(r"^(?:[\"“«„]|``)")
_NUMBER = re.compile(r"\d")
_ATTRIBUTION_WORDS = frozenset(
    {"said", "says", "told", "announced", "сказал", "сказала", "сказали", "заявил", "заявила"}
    | {"заявили", "сообщил", "сообщила", "сообщили", "отметил", "отметила"}
)
_ATTRIBUTION_PHRASES = ("according to", "по словам")


@dataclass(frozen=True)
class Candidate:
    """A sentence that may go into a summary, with where it stands in the article."""

    text: str
    paragraph: int
    in_paragraph: int
    tokens: tuple[str, ...]
    stems: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    candidates: list[Candidate]
    paragraph_count: int


def build_document(paragraphs: list[str], language: str | None) -> Document:
    """Split paragraphs into sentences and keep those that could be summary sentences."""
    candidates: list[Candidate] = []
    paragraph_index = 0
    for paragraph in paragraphs:
        sentences = split_sentences(paragraph, language)
        if not sentences:
            continue
        for position, sentence in enumerate(sentences):
            # a photo credit right after a sentence makes that sentence a caption
            caption = position + 1 < len(sentences) and is_credit(sentences[position + 1])
            if caption or is_furniture(sentence):
                continue
            text = strip_dateline(sentence)
            tokens = words(text)
            candidates.append(
                Candidate(
                    text=text,
                    paragraph=paragraph_index,
                    in_paragraph=position,
                    tokens=tuple(tokens),
                    stems=tuple(content_stems(tokens, language)),
                )
            )
        paragraph_index += 1
    return Document(candidates=candidates, paragraph_count=paragraph_index)


def _weighted(stems: tuple[str, ...] | list[str], idf: dict[str, float]) -> dict[str, float]:
    return {term: (1.0 + math.log(count)) * idf[term] for term, count in Counter(stems).items()}


def _is_attributed(candidate: Candidate) -> bool:
    if not _ATTRIBUTION_WORDS.isdisjoint(candidate.tokens):
        return True
    lowered = candidate.text.lower()
    return any(phrase in lowered for phrase in _ATTRIBUTION_PHRASES)


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vector.values()))


def _cosine(a: dict[str, float], norm_a: float, b: dict[str, float], norm_b: float) -> float:
    if not norm_a or not norm_b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    return sum(value * get(term, 0.0) for term, value in a.items()) / (norm_a * norm_b)


def sentence_features(
    document: Document, *, title: str | None, language: str | None
) -> list[list[float]]:
    """One feature row per candidate, in ``FEATURE_NAMES`` order."""
    candidates = document.candidates
    count = len(candidates)
    if count == 0:
        return []
    sentence_frequency: Counter[str] = Counter()
    document_frequency: Counter[str] = Counter()
    for candidate in candidates:
        sentence_frequency.update(set(candidate.stems))
        document_frequency.update(candidate.stems)
    idf = {t: math.log((count + 1.0) / (df + 1.0)) + 1.0 for t, df in sentence_frequency.items()}
    vectors = [_weighted(c.stems, idf) for c in candidates]
    norms = [_norm(v) for v in vectors]
    centroid = {t: (1.0 + math.log(tf)) * idf[t] for t, tf in document_frequency.items()}
    centroid_norm = _norm(centroid)
    centroid_scores = [
        _cosine(v, n, centroid, centroid_norm) for v, n in zip(vectors, norms, strict=True)
    ]
    order = sorted(range(count), key=lambda i: -centroid_scores[i])
    centroid_rank = [0.0] * count
    for rank, i in enumerate(order):
        centroid_rank[i] = rank / count
    title_stems = content_stems(words(title), language) if title else []
    title_vector = {t: 1.0 for t in title_stems}
    title_norm = _norm(title_vector)
    log_count = math.log(count)
    last_paragraph = max(document.paragraph_count - 1, 1)

    rows: list[list[float]] = []
    for i, (candidate, vector, norm) in enumerate(zip(candidates, vectors, norms, strict=True)):
        n_words = len(candidate.text.split())
        n_stems = len(candidate.stems)
        shared = sum(sentence_frequency[t] > 1 for t in candidate.stems)
        rows.append(
            [
                float(i == 0),
                float(i == 1),
                float(i == 2),
                float(i == 3),
                float(i == 4),
                1.0 / (1.0 + i),
                i / max(count - 1, 1),
                log_count,
                min(n_words, 80) / 40.0,
                float(n_words < 10),
                float(n_words > 35),
                centroid_scores[i],
                centroid_rank[i],
                _cosine(vector, norm, vectors[0], norms[0]) if i else 1.0,
                _cosine(vector, norm, title_vector, title_norm),
                n_stems / max(len(candidate.tokens), 1),
                shared / n_stems if n_stems else 0.0,
                float(bool(_NUMBER.search(candidate.text))),
                float(bool(_QUOTE.search(candidate.text))),
                float(bool(_STARTS_QUOTE.match(candidate.text))),
                float(_is_attributed(candidate)),
                float(candidate.text.rstrip("\"”»' ").endswith("?")),
                float(candidate.in_paragraph == 0),
                candidate.paragraph / last_paragraph,
            ]
        )
    return rows
