"""Candidate sentences of an article and the features the ranking model scores them by.

Pure Python and shared by the runtime and the training script, so the model is trained on
exactly the features it is served.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import chain, repeat
from operator import mul
from typing import NamedTuple

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


class Candidate(NamedTuple):
    """A sentence that may go into a summary, with where it stands in the article.

    A named tuple: an article makes dozens and a frozen dataclass is slower to build."""

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


# pos_0 ... pos_4: one flag for each of the first five candidates
_POSITION_FLAGS = [[1.0 if flag == i else 0.0 for flag in range(5)] for i in range(5)]
_NO_POSITION_FLAG = [0.0] * 5
# 1 + log(tf), the sublinear term frequency, for the counts short texts have
_SUBLINEAR = [0.0] + [1.0 + math.log(tf) for tf in range(1, 64)]


def _weighted(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    return {
        term: (_SUBLINEAR[tf] if tf < 64 else 1.0 + math.log(tf)) * idf[term]
        for term, tf in counts.items()
    }


def _is_attributed(candidate: Candidate) -> bool:
    if not _ATTRIBUTION_WORDS.isdisjoint(candidate.tokens):
        return True
    lowered = candidate.text.lower()
    return any(phrase in lowered for phrase in _ATTRIBUTION_PHRASES)


# The sums below run in map() rather than generators: same products, same order, less overhead.
def _norm(vector: dict[str, float]) -> float:
    values = vector.values()
    return math.sqrt(sum(map(mul, values, values)))


def _cosine(a: dict[str, float], norm_a: float, b: dict[str, float], norm_b: float) -> float:
    if not norm_a or not norm_b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    others = map(b.get, a.keys(), repeat(0.0))
    return sum(map(mul, a.values(), others)) / (norm_a * norm_b)


def sentence_features(
    document: Document, *, title: str | None, language: str | None
) -> list[list[float]]:
    """One feature row per candidate, in ``FEATURE_NAMES`` order."""
    candidates = document.candidates
    count = len(candidates)
    if count == 0:
        return []
    term_counts = [Counter(c.stems) for c in candidates]
    sentence_frequency = Counter(chain.from_iterable(term_counts))
    document_frequency = Counter(chain.from_iterable(c.stems for c in candidates))
    # few distinct frequencies: one logarithm each rather than one a term
    idf_of = {df: math.log((count + 1.0) / (df + 1.0)) + 1.0 for df in sentence_frequency.values()}
    idf = {t: idf_of[df] for t, df in sentence_frequency.items()}
    shared_terms = {t for t, df in sentence_frequency.items() if df > 1}
    vectors = [_weighted(counts, idf) for counts in term_counts]
    norms = [_norm(v) for v in vectors]
    centroid = _weighted(document_frequency, idf)
    centroid_norm = _norm(centroid)
    centroid_scores = [
        _cosine(v, n, centroid, centroid_norm) for v, n in zip(vectors, norms, strict=True)
    ]
    order = sorted(range(count), key=lambda i: -centroid_scores[i])
    centroid_rank = [0.0] * count
    for rank, i in enumerate(order):
        centroid_rank[i] = rank / count
    title_stems = content_stems(words(title), language) if title else []
    title_vector = dict.fromkeys(title_stems, 1.0)
    title_norm = _norm(title_vector)
    log_count = math.log(count)
    last_position = max(count - 1, 1)
    last_paragraph = max(document.paragraph_count - 1, 1)
    first_vector, first_norm = vectors[0], norms[0]

    rows: list[list[float]] = []
    for i, (candidate, vector, norm) in enumerate(zip(candidates, vectors, norms, strict=True)):
        text = candidate.text
        n_words = len(text.split())
        n_stems = len(candidate.stems)
        shared = sum(map(shared_terms.__contains__, candidate.stems))
        position_flags = _POSITION_FLAGS[i] if i < len(_POSITION_FLAGS) else _NO_POSITION_FLAG
        rows.append(
            [
                *position_flags,
                1.0 / (1.0 + i),
                i / last_position,
                log_count,
                min(n_words, 80) / 40.0,
                1.0 if n_words < 10 else 0.0,
                1.0 if n_words > 35 else 0.0,
                centroid_scores[i],
                centroid_rank[i],
                _cosine(vector, norm, first_vector, first_norm) if i else 1.0,
                _cosine(vector, norm, title_vector, title_norm),
                n_stems / max(len(candidate.tokens), 1),
                shared / n_stems if n_stems else 0.0,
                0.0 if _NUMBER.search(text) is None else 1.0,
                0.0 if _QUOTE.search(text) is None else 1.0,
                0.0 if _STARTS_QUOTE.match(text) is None else 1.0,
                1.0 if _is_attributed(candidate) else 0.0,
                1.0 if text.rstrip("\"”»' ").endswith("?") else 0.0,
                1.0 if candidate.in_paragraph == 0 else 0.0,
                candidate.paragraph / last_paragraph,
            ]
        )
    return rows
