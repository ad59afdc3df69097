"""BM25 ranking and filtering over posting lists: pure logic, no storage."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newsbrief.indexing.analyzer import ParsedQuery
from newsbrief.indexing.cursor import SortKey
from newsbrief.indexing.postings import Posting, decode_norm

K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class CorpusStats:
    doc_count: int
    total_length: int

    @property
    def average_length(self) -> float:
        return self.total_length / self.doc_count if self.doc_count else 1.0


@dataclass(frozen=True)
class Filters:
    language_id: int | None = None
    since_day: int | None = None
    until_day: int | None = None
    tag_docs: frozenset[int] | None = None

    def accept(self, posting: Posting) -> bool:
        if self.language_id is not None and posting.lang != self.language_id:
            return False
        if self.since_day is not None and not (posting.day and posting.day >= self.since_day):
            return False
        if self.until_day is not None and not (posting.day and posting.day <= self.until_day):
            return False
        return self.tag_docs is None or posting.doc in self.tag_docs


@dataclass(frozen=True)
class Candidate:
    doc: int
    score: float
    day: int

    def sort_key(self, sort: str) -> SortKey:
        """Ascending order of this key is the order hits are served in; the article
        reference breaks ties, so the order (and so every cursor) is total."""
        if sort == "date":
            return (-self.day, -self.score, self.doc)
        return (-self.score, self.doc)


def idf(doc_freq: int, doc_count: int) -> float:
    return math.log(1.0 + (doc_count - doc_freq + 0.5) / (doc_freq + 0.5))


def rank(
    query: ParsedQuery,
    postings: Mapping[str, Sequence[Posting]],
    stats: CorpusStats,
    filters: Filters,
    sort: str = "relevance",
) -> list[Candidate]:
    """Every article matching the query and filters, best first. Required phrases are
    checked here only as "has all the phrase's terms": the caller verifies word order."""
    doc_count = max(stats.doc_count, max((len(p) for p in postings.values()), default=0))
    average_length = stats.average_length
    scores: dict[int, float] = {}
    days: dict[int, int] = {}
    scored_terms = list(dict.fromkeys(query.terms + [t for p in query.phrases for t in p.terms]))
    for term in scored_terms:
        term_postings = postings.get(term, ())
        weight = idf(len(term_postings), doc_count)
        for posting in term_postings:
            if not filters.accept(posting):
                continue
            length_ratio = decode_norm(posting.norm) / average_length
            tf = posting.tf
            gain = weight * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length_ratio))
            scores[posting.doc] = scores.get(posting.doc, 0.0) + gain
            days[posting.doc] = posting.day
    allowed = set(scores)
    for phrase in query.phrases:
        for term in phrase.terms:
            allowed &= {p.doc for p in postings.get(term, ())}
    for term in query.excluded_terms:
        allowed -= {p.doc for p in postings.get(term, ())}
    candidates = [Candidate(doc, scores[doc], days[doc]) for doc in allowed]
    candidates.sort(key=lambda c: c.sort_key(sort))
    return candidates


def maybe_excluded_by_phrase(
    query: ParsedQuery, postings: Mapping[str, Sequence[Posting]]
) -> set[int]:
    """Articles holding every term of an excluded phrase: their text decides."""
    found: set[int] = set()
    for phrase in query.excluded_phrases:
        docs: set[int] | None = None
        for term in phrase.terms:
            term_docs = {p.doc for p in postings.get(term, ())}
            docs = term_docs if docs is None else docs & term_docs
        found |= docs or set()
    return found
