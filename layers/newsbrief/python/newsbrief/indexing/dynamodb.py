"""The search index in one DynamoDB table (``pk`` + ``sk``), built to be cheap to write.

Items:
  ``i#<id>`` / ``i``         the article's record: its reference, content hash, duplicate_of
  ``d#<ref hex>`` / ``d``    the article as indexed (compressed), its MinHash signature
  ``p<level>#<bucket>`` / <run id>   a run: many terms' postings for many articles (postings.py)

Writing is log-structured. An upsert batch gets a run id from the clock (milliseconds since
2020) and its articles the references ``run_ms << 8 | position``: dense, time-ordered integers
that delta-code to a byte or two. The batch writes one level-0 run per level-0 bucket (terms go
to buckets by a stable hash), so a batch costs a few dozen items however many terms it has.
Runs are merged down: a level-0 bucket's runs are folded into level-1 runs (level-1 buckets are
a finer split of the same hash), and the last level's runs are compacted into one. A merge is
started by the writer after roughly ``merge_every`` appends to a bucket (decided by hashing the
run id, so no counter item is needed); at level 0 a batch smaller than ``full_batch`` counts
for its share of an append, so that a trickle of small batches is not merged more often than
the same articles in full ones. A query reads, per term, one bucket per level.

No key is written by every article: a level-0 bucket takes one item per batch, and merges write
to a bucket only when its parent is merged. Merges and removals hold the bucket's lease
(leases.py) while they rewrite it, and read it strongly consistent.
"""

from __future__ import annotations

import hashlib
import time
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from newsbrief.indexing.analyzer import ParsedQuery, contains_phrase, parse_query, phrase_keys
from newsbrief.indexing.batches import BatchIO
from newsbrief.indexing.capacity import CapacityMeter, item_size
from newsbrief.indexing.cursor import decode_cursor, encode_cursor
from newsbrief.indexing.documents import AnalyzedDocument, analyze, tag_term
from newsbrief.indexing.leases import BucketLeases
from newsbrief.indexing.models import (
    IndexDocument,
    IndexOutcome,
    SearchPage,
    SearchRequest,
)
from newsbrief.indexing.neardup import (
    DUPLICATE_SIMILARITY,
    band_terms,
    pack_signature,
    similarity,
    unpack_signature,
)
from newsbrief.indexing.postings import (
    OTHER_LANGUAGE,
    Posting,
    Run,
    day_number,
    decode_run,
    encode_norm,
    encode_run,
    language_id,
    merge_runs,
    split_run,
    without_docs,
)
from newsbrief.indexing.ranking import (
    Candidate,
    CorpusStats,
    Filters,
    maybe_excluded_by_phrase,
    rank,
)
from newsbrief.indexing.snippets import make_snippet
from newsbrief.models import SearchHit

EPOCH_2020_MS = 1_577_836_800_000
DOCS_PER_RUN = 256
# Runs larger than this are split by term, well under DynamoDB's 400 KB item limit.
MAX_RUN_BYTES = 300_000
# Phrase queries check word order in the stored articles, this many candidates at a time.
PHRASE_CHECK_CHUNK = 100
# A removal waits this long for a bucket another writer is merging (merges take a second or
# two); then its message is retried.
REMOVAL_WAIT_SECONDS = 10.0


class ArticleNotIndexedError(LookupError):
    """The article id is not in the index."""


@dataclass(frozen=True)
class IndexLayout:
    """Buckets per level (each a multiple of the one before) and, per level, how many runs a
    bucket collects on average before it is merged down (or, at the last level, compacted);
    level-0 runs count as runs of ``full_batch`` articles.

    2048 last-level buckets keep a bucket near one 4 KB read unit at several thousand articles
    (a three-word query ~9.9 RRU at 6,000, against ~10.7 with 1024), for ~35 % more write
    units per article. A table's layout is fixed: changing it means rebuilding the index."""

    buckets: tuple[int, ...] = (64, 2048)
    merge_every: tuple[int, ...] = (4, 8)
    full_batch: int = 100

    def __post_init__(self) -> None:
        if len(self.buckets) != len(self.merge_every) or not self.buckets:
            raise ValueError("one merge_every per level")
        if self.full_batch < 1:
            raise ValueError("full_batch must be at least 1")
        for coarse, fine in zip(self.buckets, self.buckets[1:], strict=False):
            if fine % coarse:
                raise ValueError("each level's bucket count must be a multiple of the last")

    @property
    def last_level(self) -> int:
        return len(self.buckets) - 1


def _stable_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest())


@lru_cache(maxsize=500_000)
def term_hash(term: str) -> int:
    return _stable_hash(term)


def _stable_chance(text: str, probability: float) -> bool:
    """True for about this share of texts, and always the same answer for one text. Not
    cached: each text is a run id, seen once, that would push terms out of term_hash's cache."""
    return _stable_hash(text) % 1_000_000 < probability * 1_000_000


@dataclass
class StoredArticle:
    ref: int
    doc: IndexDocument
    signature: list[int]
    related_terms: list[str]


@dataclass
class IdRecord:
    id: str
    ref: int | None
    content_sha256: str
    duplicate_of: str | None


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


@dataclass
class _Lookup:
    postings: dict[str, list[Posting]] = field(default_factory=dict)
    stats: CorpusStats = field(default_factory=lambda: CorpusStats(0, 0))


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _doc_key(ref: int) -> dict[str, Any]:
    return {"pk": _s(f"d#{ref:x}"), "sk": _s("d")}


def _id_key(article_id: str) -> dict[str, Any]:
    return {"pk": _s(f"i#{article_id}"), "sk": _s("i")}


class DynamoDBSearchIndex:
    """:class:`newsbrief.indexing.SearchIndex` on one DynamoDB table; see the module doc."""

    def __init__(
        self,
        client: Any,
        table_name: str,
        *,
        cursor_key: bytes = b"",
        layout: IndexLayout | None = None,
        clock: Callable[[], float] = time.time,
        meter: CapacityMeter | None = None,
    ) -> None:
        self._client = client
        self._table = table_name
        self._cursor_key = cursor_key or f"newsbrief-search:{table_name}".encode()
        self.layout = layout or IndexLayout()
        self._clock = clock
        self.meter = meter or CapacityMeter()
        self._leases = BucketLeases(client, table_name, self.meter, clock)
        self._io = BatchIO(client, table_name, self.meter)
        self._last_run_ms = 0

    # ------------------------------------------------------------------ public interface

    def upsert(self, docs: Sequence[IndexDocument]) -> list[IndexOutcome]:
        latest = {doc.id: analyze(doc) for doc in docs}
        records = self._id_records(list(latest))
        outcomes: dict[str, IndexOutcome] = {}
        fresh: list[AnalyzedDocument] = []
        replaced: list[IdRecord] = []
        for article_id, analyzed in latest.items():
            record = records.get(article_id)
            if record and record.content_sha256 == analyzed.content_sha256:
                outcomes[article_id] = IndexOutcome(id=article_id, duplicate_of=record.duplicate_of)
                continue
            if record:
                replaced.append(record)
            fresh.append(analyzed)
        if replaced:
            self._remove(replaced)
        to_index, reused = self._detect_duplicates(fresh, outcomes)
        for start in range(0, len(to_index), DOCS_PER_RUN):
            self._index_run(to_index[start : start + DOCS_PER_RUN], reused)
        return [outcomes[doc.id] for doc in docs]

    def delete(self, ids: Sequence[str]) -> None:
        records = self._id_records(list(dict.fromkeys(ids)))
        if records:
            self._remove(list(records.values()))

    def search(self, request: SearchRequest) -> SearchPage:
        after = decode_cursor(self._cursor_key, request, request.cursor) if request.cursor else None
        parsed = parse_query(request.q)
        if parsed.is_empty:
            return SearchPage(query=request.q, total=0, items=[], next_cursor=None)
        wanted = parsed.lookup_terms()
        if request.tag:
            wanted.add(tag_term(request.tag))
        lookup = self._lookup(wanted)
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
        articles.update(self._articles([c.doc for c in page if c.doc not in articles]))
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
        record = self._id_records([article_id]).get(article_id)
        if record is None:
            raise ArticleNotIndexedError(article_id)
        if record.duplicate_of:
            original = self._id_records([record.duplicate_of]).get(record.duplicate_of)
            record = original or record
        if record.ref is None:
            return []
        article = self._articles([record.ref]).get(record.ref)
        if article is None:
            return []
        query = ParsedQuery(terms=article.related_terms)
        lookup = self._lookup(set(query.terms))
        candidates = rank(query, lookup.postings, lookup.stats, Filters())
        best = [c for c in candidates if c.doc != record.ref][:limit]
        found = self._articles([c.doc for c in best])
        highlight = set(query.terms)
        return [self._hit(c, found[c.doc], highlight) for c in best if c.doc in found]

    def compact(self) -> None:
        """Merge every level down and compact the last one (a scheduled job; writers merge
        opportunistically anyway)."""
        for level, buckets in enumerate(self.layout.buckets):
            for bucket in range(buckets):
                self._merge(level, bucket, cascade=False)

    # ------------------------------------------------------------------ indexing

    def _detect_duplicates(
        self, fresh: list[AnalyzedDocument], outcomes: dict[str, IndexOutcome]
    ) -> tuple[list[AnalyzedDocument], dict[str, int]]:
        """Sort the batch into articles to index and duplicates of earlier ones (recorded now).
        An article whose earlier copy is itself (a retried batch) keeps that reference."""
        if not fresh:
            return [], {}
        keys = {a.doc.id: band_terms(a.signature) for a in fresh}
        lookup = self._lookup({k for ks in keys.values() for k in ks})
        candidate_refs = {p.doc for ps in lookup.postings.values() for p in ps}
        known = self._articles(sorted(candidate_refs))
        to_index: list[AnalyzedDocument] = []
        reused: dict[str, int] = {}
        duplicates: list[tuple[AnalyzedDocument, str]] = []
        batch_by_key: dict[str, list[AnalyzedDocument]] = {}
        for analyzed in fresh:
            matches: list[tuple[int, str, list[int]]] = []
            for key in keys[analyzed.doc.id]:
                matches += [
                    (p.doc, known[p.doc].doc.id, known[p.doc].signature)
                    for p in lookup.postings.get(key, ())
                    if p.doc in known
                ]
            earlier_in_batch = [
                a for key in keys[analyzed.doc.id] for a in batch_by_key.get(key, [])
            ]
            original = self._original(analyzed, matches, earlier_in_batch)
            if original is None or isinstance(original, int):
                if isinstance(original, int):
                    reused[analyzed.doc.id] = original
                to_index.append(analyzed)
                for key in keys[analyzed.doc.id]:
                    batch_by_key.setdefault(key, []).append(analyzed)
            else:
                duplicates.append((analyzed, original))
                outcomes[analyzed.doc.id] = IndexOutcome(id=analyzed.doc.id, duplicate_of=original)
        for analyzed in to_index:
            outcomes[analyzed.doc.id] = IndexOutcome(id=analyzed.doc.id, duplicate_of=None)
        self._io.put(
            [self._id_item(a, None, original) for a, original in duplicates], kind="record"
        )
        return to_index, reused

    @staticmethod
    def _original(
        analyzed: AnalyzedDocument,
        indexed: list[tuple[int, str, list[int]]],
        earlier_in_batch: list[AnalyzedDocument],
    ) -> str | int | None:
        """The id this article duplicates, its own old reference if it is already indexed
        under its id, or None."""
        best: tuple[float, int, str] | None = None
        for ref, article_id, sig in indexed:
            score = similarity(analyzed.signature, sig)
            if score < DUPLICATE_SIMILARITY:
                continue
            if article_id == analyzed.doc.id:
                return ref
            if best is None or (score, -ref) > (best[0], -best[1]):
                best = (score, ref, article_id)
        if best is not None:
            return best[2]
        for earlier in earlier_in_batch:
            if similarity(analyzed.signature, earlier.signature) >= DUPLICATE_SIMILARITY:
                return earlier.doc.id
        return None

    def _index_run(self, batch: list[AnalyzedDocument], reused: Mapping[str, int]) -> None:
        if not batch:
            return
        new = [a for a in batch if a.doc.id not in reused]
        run_ms = self._claim_run(new[0] if new else None)
        refs: dict[str, int] = dict(reused)
        for position, analyzed in enumerate(new):
            refs[analyzed.doc.id] = run_ms << 8 | position
        self._io.put([self._doc_item(refs[a.doc.id], a) for a in new[1:]], kind="article")
        run = Run(doc_count=len(batch), total_length=sum(a.length for a in batch))
        for analyzed in batch:
            doc = analyzed.doc
            base = Posting(
                refs[doc.id],
                0,
                encode_norm(analyzed.length),
                language_id(doc.language),
                day_number(doc.published),
            )
            for term, tf in analyzed.term_freqs.items():
                run.postings.setdefault(term, []).append(base._replace(tf=tf))
            for term in analyzed.filter_terms:
                run.postings.setdefault(term, []).append(base._replace(tf=1))
        run_id = f"{run_ms:011x}"
        parts = split_run(run, {t: self._bucket(t, 0) for t in run.postings})
        run_items = [
            item
            for bucket, part in parts.items()
            for item in self._run_items(0, bucket, run_id, part)
        ]
        self._io.put(run_items, kind="postings")
        # The record goes last: a batch that fails before it is indexed again on retry.
        self._io.put([self._id_item(a, refs[a.doc.id], None) for a in batch], kind="record")
        share = min(1.0, len(batch) / self.layout.full_batch)
        for bucket in parts:
            if _stable_chance(f"{run_id}|0|{bucket}", share / self.layout.merge_every[0]):
                self._merge(0, bucket, cascade=True)

    def _claim_run(self, first: AnalyzedDocument | None) -> int:
        """A run id no other writer holds: the first article's item is written only if its
        reference is new, and the clock moves on by a millisecond until it is."""
        run_ms = max(int(self._clock() * 1000) - EPOCH_2020_MS, self._last_run_ms + 1)
        if first is None:
            self._last_run_ms = run_ms
            return run_ms
        while True:
            item = self._doc_item(run_ms << 8, first)
            try:
                self._client.put_item(
                    TableName=self._table,
                    Item=item,
                    ConditionExpression="attribute_not_exists(pk)",
                )
            except self._client.exceptions.ConditionalCheckFailedException:
                self.meter.wrote(item, "article")
                run_ms += 1
                continue
            self.meter.requests["PutItem"] += 1
            self.meter.wrote(item, "article")
            self._last_run_ms = run_ms
            return run_ms

    def _doc_item(self, ref: int, analyzed: AnalyzedDocument) -> dict[str, Any]:
        doc = analyzed.doc
        return {
            **_doc_key(ref),
            "doc": {"B": zlib.compress(doc.model_dump_json(exclude_none=True).encode(), 9)},
            "sig": {"B": pack_signature(analyzed.signature)},
            "rel": _s(" ".join(analyzed.related_terms()) or "-"),
        }

    def _id_item(
        self, analyzed: AnalyzedDocument, ref: int | None, duplicate_of: str | None
    ) -> dict[str, Any]:
        item: dict[str, Any] = {
            **_id_key(analyzed.doc.id),
            "sha": _s(analyzed.content_sha256),
        }
        if ref is not None:
            item["ref"] = {"N": str(ref)}
        if duplicate_of is not None:
            item["dup"] = _s(duplicate_of)
        return item

    def _run_items(self, level: int, bucket: int, run_id: str, run: Run) -> list[dict[str, Any]]:
        """The items of one run, split by term when it would not fit one item. Only the first
        part carries the run's document counts, so a reader's sum stays right."""
        blob = encode_run(run)
        if len(blob) <= MAX_RUN_BYTES or len(run.postings) < 2:
            pk = _s(f"p{level}#{bucket:x}")
            return [{"pk": pk, "sk": _s(run_id), "r": {"B": blob}}]
        terms = sorted(run.postings)
        half = len(terms) // 2
        head = Run(run.doc_count, run.total_length, {t: run.postings[t] for t in terms[:half]})
        tail = Run(0, 0, {t: run.postings[t] for t in terms[half:]})
        return self._run_items(level, bucket, run_id + ":0", head) + self._run_items(
            level, bucket, run_id + ":1", tail
        )

    # ------------------------------------------------------------------ merging and removal

    def _bucket(self, term: str, level: int) -> int:
        return term_hash(term) % self.layout.buckets[level]

    def _merge(self, level: int, bucket: int, *, cascade: bool) -> None:
        # A bucket another writer is merging or cleaning is left to it; its runs wait for
        # the next merge.
        if not self._leases.try_take(level, bucket):
            return
        try:
            child_run_id, children = self._merge_leased(level, bucket)
        finally:
            self._leases.give_back(level, bucket)
        if not cascade or not children:
            return
        every = self.layout.merge_every[level + 1]
        for child in children:
            if _stable_chance(f"{child_run_id}|{level + 1}|{child}", 1 / every):
                self._merge(level + 1, child, cascade=True)

    def _merge_leased(self, level: int, bucket: int) -> tuple[str, list[int]]:
        """Folds the bucket's runs into the next level's buckets (or, at the last level, into
        one run); returns the new runs' id and the buckets they went to."""
        items = self._partition(level, bucket, consistent=True)
        last = level == self.layout.last_level
        if not items or (last and len(items) < 2):
            return "", []
        merged = merge_runs(decode_run(item["r"]["B"]) for item in items)
        newest = max(item["sk"]["S"] for item in items)
        if last:
            fresh = self._run_items(level, bucket, newest, merged)
            self._io.put(fresh, kind="merge")
            kept = {item["sk"]["S"] for item in fresh}
            self._io.delete([i for i in items if i["sk"]["S"] not in kept], kind="merge")
            return newest, []
        children = split_run(merged, {t: self._bucket(t, level + 1) for t in merged.postings})
        child_run_id = f"{newest}.{bucket:x}"
        self._io.put(
            [
                item
                for child, run in children.items()
                for item in self._run_items(level + 1, child, child_run_id, run)
            ],
            kind="merge",
        )
        self._io.delete(items, kind="merge")
        return child_run_id, list(children)

    def _remove(self, records: Iterable[IdRecord]) -> None:
        """Take articles out: their postings from every run that holds them, then their items."""
        records = list(records)
        indexed = [r.ref for r in records if r.ref is not None]
        articles = self._articles(indexed)
        terms: set[str] = set()
        for article in articles.values():
            analyzed = analyze(article.doc)
            terms.update(analyzed.term_freqs)
            terms.update(analyzed.filter_terms)
        refs = set(articles)
        # Level by level, so postings a merge moves down during the removal are met below.
        for level in range(len(self.layout.buckets)):
            for bucket in sorted({self._bucket(t, level) for t in terms}):
                with self._leases.held(level, bucket, wait_seconds=REMOVAL_WAIT_SECONDS):
                    self._remove_from_bucket(level, bucket, refs)
        self._io.delete([{**_doc_key(ref), "doc": {"B": b""}} for ref in indexed], kind="removal")
        self._io.delete(
            [{**_id_key(r.id), "sha": _s(r.content_sha256)} for r in records], kind="removal"
        )

    def _remove_from_bucket(self, level: int, bucket: int, refs: set[int]) -> None:
        rewritten, emptied = [], []
        for item in self._partition(level, bucket, consistent=True):
            run = decode_run(item["r"]["B"])
            kept = without_docs(run, refs)
            if kept.postings == run.postings:
                continue
            if kept.postings:
                rewritten.append({**item, "r": {"B": encode_run(kept)}})
            else:
                emptied.append(item)
        self._io.put(rewritten, kind="removal")
        self._io.delete(emptied, kind="removal")

    # ------------------------------------------------------------------ reading

    def _lookup(self, terms: set[str]) -> _Lookup:
        """Every posting of these terms, and corpus statistics from the runs read.

        Each level's runs cover every article merged to that level, whichever bucket is read,
        so a level's article count is the largest among its buckets read."""
        lookup = _Lookup()
        if not terms:
            return lookup
        found: dict[str, dict[int, Posting]] = {t: {} for t in terms}
        doc_count = total_length = 0
        for level in range(len(self.layout.buckets)):
            by_bucket: dict[int, set[str]] = {}
            for term in terms:
                by_bucket.setdefault(self._bucket(term, level), set()).add(term)
            level_stats = (0, 0)
            for bucket, bucket_terms in by_bucket.items():
                bucket_stats = [0, 0]
                for item in self._partition(level, bucket):
                    run = decode_run(item["r"]["B"], bucket_terms)
                    bucket_stats[0] += run.doc_count
                    bucket_stats[1] += run.total_length
                    for term, postings in run.postings.items():
                        target = found[term]
                        for posting in postings:
                            target[posting.doc] = posting
                level_stats = max(level_stats, (bucket_stats[0], bucket_stats[1]))
            doc_count += level_stats[0]
            total_length += level_stats[1]
        lookup.postings = {t: sorted(p.values()) for t, p in found.items() if p}
        lookup.stats = CorpusStats(doc_count, total_length)
        return lookup

    def _partition(
        self, level: int, bucket: int, *, consistent: bool = False
    ) -> list[dict[str, Any]]:
        """A bucket's runs. Searches read eventually consistent, at half the price: a run
        appended a moment ago may be missed by one query, never lost. Rewriting a bucket from
        a stale read could bring back runs already merged, so merges read consistently."""
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": _s(f"p{level}#{bucket:x}")},
            "ConsistentRead": consistent,
        }
        while True:
            response = self._client.query(**kwargs)
            page = response.get("Items", [])
            self.meter.requests["Query"] += 1
            self.meter.read(
                sum(item_size(i) for i in page),
                "rewrite" if consistent else "postings",
                consistent=consistent,
            )
            items += page
            if "LastEvaluatedKey" not in response:
                return items
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _id_records(self, ids: list[str]) -> dict[str, IdRecord]:
        records = {}
        for item in self._io.get([_id_key(i) for i in ids], kind="record"):
            article_id = item["pk"]["S"][2:]
            records[article_id] = IdRecord(
                id=article_id,
                ref=int(item["ref"]["N"]) if "ref" in item else None,
                content_sha256=item["sha"]["S"],
                duplicate_of=item["dup"]["S"] if "dup" in item else None,
            )
        return records

    def _articles(self, refs: Sequence[int]) -> dict[int, StoredArticle]:
        found = {}
        for item in self._io.get([_doc_key(r) for r in dict.fromkeys(refs)], kind="article"):
            ref = int(item["pk"]["S"][2:], 16)
            rel = item["rel"]["S"]
            found[ref] = StoredArticle(
                ref=ref,
                doc=IndexDocument.model_validate_json(zlib.decompress(item["doc"]["B"])),
                signature=unpack_signature(item["sig"]["B"]),
                related_terms=[] if rel == "-" else rel.split(),
            )
        return found

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
            found = self._articles([c.doc for c in chunk])
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
