"""The index's read path: queries ranked over the postings read, cursors, phrase checks, related.

A query reads, per term, one bucket per level (table.py), ranks every candidate from those
postings (ranking.py) and reads the stored articles only for the page's hits, or, when the
postings cannot tell (phrase word order, excluded phrases, languages without a code of their
own), for the candidates checked a chunk at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsbrief.indexing.analyzer import ParsedQuery, contains_phrase, parse_query, phrase_keys
from newsbrief.indexing.cursor import decode_cursor, encode_cursor
from newsbrief.indexing.documents import tag_term
from newsbrief.indexing.models import IndexDocument, SearchPage, SearchRequest
from newsbrief.indexing.postings import OTHER_LANGUAGE, day_number, language_id
from newsbrief.indexing.ranking import Candidate, Filters, maybe_excluded_by_phrase, rank
from newsbrief.indexing.snippets import make_snippet
from newsbrief.indexing.table import IndexTable, StoredArticle
from newsbrief.models import SearchHit

# Phrase queries check word order in the stored articles, this many candidates at a time.
PHRASE_CHECK_CHUNK = 100


class ArticleNotIndexedError(LookupError):
    """The article id is not in the index."""


@dataclass(frozen=True)
class _Checks:
    """What a candidate's stored article must show that its postings cannot."""

    parsed: ParsedQuery
    unsure: set[int]
    language: str | None

    def passes(self, ref: int, doc: IndexDocument) -> bool:
        if (
            self.language
            and language_id(self.language) == OTHER_LANGUAGE
            and doc.language != self.language
        ):
            return False
        keys = phrase_keys("\n".join([doc.title, *doc.keywords, *doc.summary, *doc.body]))
        if not all(contains_phrase(keys, p.keys) for p in self.parsed.phrases):
            return False
        return ref not in self.unsure or not any(
            contains_phrase(keys, p.keys) for p in self.parsed.excluded_phrases
        )


@dataclass
class _CheckedPage:
    """Candidates from the page's start on (the page and one more, to tell if more follow),
    the articles read on the way, and the total of matches."""

    matches: list[Candidate]
    articles: dict[int, StoredArticle]
    total: int
    total_exact: bool


class DynamoDBSearcher:
    """:class:`newsbrief.indexing.SearchIndex` on one index table; see the module doc.

    ``cursor_key`` signs page cursors: pass a secret (e.g. from SSM) so cursors cannot be
    forged; without one they are still tamper-evident."""

    def __init__(self, table: IndexTable, *, cursor_key: bytes = b"") -> None:
        self._table = table
        self.meter = table.meter
        self._cursor_key = cursor_key or f"newsbrief-search:{table.name}".encode()

    def search(self, request: SearchRequest) -> SearchPage:
        after = decode_cursor(self._cursor_key, request, request.cursor) if request.cursor else None
        parsed = parse_query(request.q)
        if parsed.is_empty:
            return SearchPage(query=request.q, total=0, items=[], next_cursor=None)
        wanted = parsed.lookup_terms()
        if request.tag:
            wanted.add(tag_term(request.tag))
        lookup = self._table.lookup(wanted)
        filters = Filters(
            language_id=language_id(request.language) if request.language else None,
            since_day=day_number(request.since) if request.since else None,
            until_day=day_number(request.until) if request.until else None,
            tag_docs=(
                frozenset(p.doc for p in lookup.postings.get(tag_term(request.tag), ()))
                if request.tag
                else None
            ),
        )
        candidates = rank(parsed, lookup.postings, lookup.stats, filters, request.sort)
        start = 0
        if after is not None:
            start = next(
                (i for i, c in enumerate(candidates) if c.sort_key(request.sort) > after),
                len(candidates),
            )
        unsure = maybe_excluded_by_phrase(parsed, lookup.postings)
        if parsed.phrases or unsure or filters.language_id == OTHER_LANGUAGE:
            checked = self._checked_page(
                candidates, start, request.limit, _Checks(parsed, unsure, request.language)
            )
        else:
            window = candidates[start : start + request.limit + 1]
            checked = _CheckedPage(window, {}, len(candidates), total_exact=True)
        page = checked.matches[: request.limit]
        articles = checked.articles
        articles.update(self._table.articles([c.doc for c in page if c.doc not in articles]))
        highlight = parsed.highlight_terms()
        items = [self._hit(c, articles[c.doc], highlight) for c in page if c.doc in articles]
        more = len(checked.matches) > request.limit
        next_cursor = (
            encode_cursor(self._cursor_key, request, page[-1].sort_key(request.sort))
            if more and page
            else None
        )
        return SearchPage(
            query=request.q,
            total=checked.total,
            total_exact=checked.total_exact,
            items=items,
            next_cursor=next_cursor,
        )

    def related(self, article_id: str, limit: int = 5) -> list[SearchHit]:
        record = self._table.id_records([article_id]).get(article_id)
        if record is None:
            raise ArticleNotIndexedError(article_id)
        if record.duplicate_of:
            original = self._table.id_records([record.duplicate_of]).get(record.duplicate_of)
            record = original or record
        if record.ref is None:
            return []
        article = self._table.articles([record.ref]).get(record.ref)
        if article is None:
            return []
        query = ParsedQuery(terms=article.related_terms)
        lookup = self._table.lookup(set(query.terms))
        candidates = rank(query, lookup.postings, lookup.stats, Filters())
        best = [c for c in candidates if c.doc != record.ref][:limit]
        found = self._table.articles([c.doc for c in best])
        highlight = set(query.terms)
        return [self._hit(c, found[c.doc], highlight) for c in best if c.doc in found]

    def _checked_page(
        self, candidates: list[Candidate], start: int, limit: int, checks: _Checks
    ) -> _CheckedPage:
        """The candidates from ``start`` on that pass what postings cannot tell (phrase word
        order, excluded phrases, languages without a code of their own), checked against the
        stored articles a chunk at a time until the page and one more are found. The total
        counts the candidates checked that pass, and estimates the unchecked ones at the same
        rate. The chunks before ``start`` are checked again for that count, so a deep page of
        a broad phrase query reads more articles."""
        articles: dict[int, StoredArticle] = {}
        matches: list[Candidate] = []
        passed = checked = 0
        while checked < len(candidates) and (checked < start or len(matches) <= limit):
            chunk = candidates[checked : checked + PHRASE_CHECK_CHUNK]
            found = self._table.articles([c.doc for c in chunk])
            articles.update(found)
            for position, candidate in enumerate(chunk, start=checked):
                article = found.get(candidate.doc)
                if article is not None and checks.passes(candidate.doc, article.doc):
                    passed += 1
                    if position >= start:
                        matches.append(candidate)
            checked += len(chunk)
        unchecked = len(candidates) - checked
        total = passed + round(unchecked * passed / checked) if checked else 0
        return _CheckedPage(matches, articles, total, total_exact=unchecked == 0)

    @staticmethod
    def _hit(candidate: Candidate, article: StoredArticle, highlight: set[str]) -> SearchHit:
        doc = article.doc
        text = "\n".join(doc.body) or "\n".join(doc.summary) or doc.title
        return SearchHit(
            id=doc.id,
            title=doc.title,
            score=round(candidate.score, 4),
            snippet=make_snippet(text, highlight),
            published=doc.published,
        )
