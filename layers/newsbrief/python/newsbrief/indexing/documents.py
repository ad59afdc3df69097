"""An article turned into what the index stores: weighted term counts, filter keys, a signature."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from newsbrief.indexing.analyzer import fold, terms
from newsbrief.indexing.models import IndexDocument
from newsbrief.indexing.neardup import band_terms, signature

# BM25F-style field weights: a title word counts as three body words.
FIELD_WEIGHTS = {"title": 3, "keywords": 2, "summary": 1, "body": 1}
TAG_TERM_PREFIX = "#t:"
# How many of an article's own terms describe it when looking for related articles.
RELATED_TERMS = 12


def tag_term(tag: str) -> str:
    return TAG_TERM_PREFIX + " ".join(fold(tag).split())


def field_texts(doc: IndexDocument) -> dict[str, str]:
    return {
        "title": doc.title,
        "keywords": "\n".join(doc.keywords),
        "summary": "\n".join(doc.summary),
        "body": "\n".join(doc.body),
    }


@dataclass
class AnalyzedDocument:
    doc: IndexDocument
    term_freqs: Counter[str]
    length: int
    signature: list[int]
    content_sha256: str

    @property
    def filter_terms(self) -> list[str]:
        """Pseudo-terms indexed beside the words: tags and near-duplicate band keys."""
        return [tag_term(tag) for tag in self.doc.tags] + band_terms(self.signature)

    def related_terms(self) -> list[str]:
        """The article's most frequent (weighted) words, numbers left out."""
        words = [(t, n) for t, n in self.term_freqs.items() if not t.isdigit()]
        words.sort(key=lambda item: -item[1])
        return [t for t, _ in words[:RELATED_TERMS]]


def analyze(doc: IndexDocument) -> AnalyzedDocument:
    texts = field_texts(doc)
    freqs: Counter[str] = Counter()
    length = 0
    for name, text in texts.items():
        found = terms(text)
        weight = FIELD_WEIGHTS[name]
        length += weight * len(found)
        for term in found:
            freqs[term] += weight
    canonical = doc.model_dump_json(include={"title", "body", "summary", "keywords", "tags"})
    return AnalyzedDocument(
        doc=doc,
        term_freqs=freqs,
        length=length,
        signature=signature(texts["title"] + "\n" + texts["body"]),
        content_sha256=hashlib.sha256(canonical.encode()).hexdigest(),
    )
