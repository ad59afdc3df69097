"""The index's write path: runs appended per batch, merges, removals and near-duplicates.

Writing is log-structured. An upsert batch gets a run id from the clock (milliseconds since
2020) and its articles the references ``run_ms << 8 | position``: dense, time-ordered integers
that delta-code to a byte or two. The batch writes one level-0 run per level-0 bucket (terms go
to buckets by a stable hash), so a batch costs a few dozen items however many terms it has.
Runs are merged down: a level-0 bucket's runs are folded into level-1 runs (level-1 buckets are
a finer split of the same hash), and the last level's runs are merged in size tiers
(``runs_to_merge``), so an article is rewritten once per tier, not at every compaction of its
ever larger bucket (``compact`` folds each last-level bucket into one run when asked). A merge
is started by the writer after roughly ``merge_every`` appends to a bucket (decided by hashing the
run id, so no counter item is needed); at level 0 a batch smaller than ``full_batch`` counts
for its share of an append, so that a trickle of small batches is not merged more often than
the same articles in full ones. A query reads, per term, one bucket per level.

No key is written by every article: a level-0 bucket takes one item per batch, and merges write
to a bucket only when its parent is merged. Merges and removals hold the bucket's lease
(leases.py) while they rewrite it, and read it strongly consistent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from newsbrief.indexing.documents import AnalyzedDocument, analyze
from newsbrief.indexing.leases import BucketLeases
from newsbrief.indexing.models import IndexDocument, IndexOutcome
from newsbrief.indexing.neardup import DUPLICATE_SIMILARITY, band_terms, similarity
from newsbrief.indexing.postings import (
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
from newsbrief.indexing.table import (
    IdRecord,
    IndexTable,
    doc_item,
    doc_key,
    id_item,
    id_key,
    run_items,
    stable_hash,
    string,
)

EPOCH_2020_MS = 1_577_836_800_000
DOCS_PER_RUN = 256
# A removal waits this long for a bucket another writer is merging (merges take a second or
# two); then its message is retried.
REMOVAL_WAIT_SECONDS = 10.0


def _stable_chance(text: str, probability: float) -> bool:
    """True for about this share of texts, and always the same answer for one text. Not
    cached: each text is a run id, seen once, that would push terms out of term_hash's cache."""
    return stable_hash(text) % 1_000_000 < probability * 1_000_000


def run_tier(doc_count: int, unit: int, fan_out: int) -> int:
    """A last-level run's tier: 0 below ``fan_out`` units of articles, then one more for
    every factor of ``fan_out``."""
    tier = 0
    while doc_count >= unit * fan_out ** (tier + 1):
        tier += 1
    return tier


def runs_to_merge(sizes: Mapping[str, int], unit: int, fan_out: int) -> list[str]:
    """The last-level runs (by id, with their article counts) one merge folds together.

    Size-tiered with bounded fan-out: the runs of tier 0, where the appends since the last
    merge sit, and then each next tier while the merged run would make it hold ``fan_out``
    runs. So an article is rewritten about once per tier, log(corpus) times, rather than
    with every compaction of its whole bucket, and a merge rewrites the whole bucket only
    when every tier is full."""
    by_tier: dict[int, list[str]] = {}
    for run_id, size in sizes.items():
        by_tier.setdefault(run_tier(size, unit, fan_out), []).append(run_id)
    if not by_tier:
        return []
    # Appends larger than usual may start above tier 0: the lowest tier then waits until
    # it is full.
    lowest = min(by_tier)
    chosen = by_tier.pop(lowest)
    if len(chosen) < (2 if lowest == 0 else fan_out):
        return []
    while True:
        tier = run_tier(sum(sizes[r] for r in chosen), unit, fan_out)
        waiting = by_tier.get(tier, [])
        if not waiting or len(waiting) + 1 < fan_out:
            return sorted(chosen)
        chosen += by_tier.pop(tier)


class DynamoDBIndexWriter:
    """:class:`newsbrief.indexing.IndexWriter` on one index table; see the module doc."""

    def __init__(self, table: IndexTable, *, clock: Callable[[], float] = time.time) -> None:
        self._table = table
        self._io = table.io
        self.layout = table.layout
        self.meter = table.meter
        self._clock = clock
        self._leases = BucketLeases(table.client, table.name, table.meter, clock)
        self._last_run_ms = 0

    def upsert(self, docs: Sequence[IndexDocument]) -> list[IndexOutcome]:
        latest = {doc.id: analyze(doc) for doc in docs}
        records = self._table.id_records(list(latest))
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
        records = self._table.id_records(list(dict.fromkeys(ids)))
        if records:
            self._remove(list(records.values()))

    def compact(self) -> None:
        """Merge every level down and fold each last-level bucket into one run (a scheduled
        job: it rewrites the whole index; writers merge opportunistically anyway)."""
        for level, buckets in enumerate(self.layout.buckets):
            for bucket in range(buckets):
                self._merge(level, bucket, cascade=False, whole=True)

    # ------------------------------------------------------------------ near-duplicates

    def _detect_duplicates(
        self, fresh: list[AnalyzedDocument], outcomes: dict[str, IndexOutcome]
    ) -> tuple[list[AnalyzedDocument], dict[str, int]]:
        """Sort the batch into articles to index and duplicates of earlier ones (recorded now).
        An article whose earlier copy is itself (a retried batch) keeps that reference."""
        if not fresh:
            return [], {}
        keys = {a.doc.id: band_terms(a.signature) for a in fresh}
        lookup = self._table.lookup({k for ks in keys.values() for k in ks})
        candidate_refs = {p.doc for ps in lookup.postings.values() for p in ps}
        known = self._table.articles(sorted(candidate_refs))
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
        self._io.put([id_item(a, None, original) for a, original in duplicates], kind="record")
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

    # ------------------------------------------------------------------ runs

    def _index_run(self, batch: list[AnalyzedDocument], reused: Mapping[str, int]) -> None:
        if not batch:
            return
        new = [a for a in batch if a.doc.id not in reused]
        run_ms = self._claim_run(new[0] if new else None)
        refs: dict[str, int] = dict(reused)
        for position, analyzed in enumerate(new):
            refs[analyzed.doc.id] = run_ms << 8 | position
        self._io.put([doc_item(refs[a.doc.id], a) for a in new[1:]], kind="article")
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
        parts = split_run(run, {t: self._table.bucket(t, 0) for t in run.postings})
        items = [
            item for bucket, part in parts.items() for item in run_items(0, bucket, run_id, part)
        ]
        self._io.put(items, kind="postings")
        # The record goes last: a batch that fails before it is indexed again on retry.
        self._io.put([id_item(a, refs[a.doc.id], None) for a in batch], kind="record")
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
        client = self._table.client
        while True:
            item = doc_item(run_ms << 8, first)
            try:
                client.put_item(
                    TableName=self._table.name,
                    Item=item,
                    ConditionExpression="attribute_not_exists(pk)",
                )
            except client.exceptions.ConditionalCheckFailedException:
                self.meter.wrote(item, "article")
                run_ms += 1
                continue
            self.meter.requests["PutItem"] += 1
            self.meter.wrote(item, "article")
            self._last_run_ms = run_ms
            return run_ms

    # ------------------------------------------------------------------ merging and removal

    def _merge(self, level: int, bucket: int, *, cascade: bool, whole: bool = False) -> None:
        # A bucket another writer is merging or cleaning is left to it; its runs wait for
        # the next merge.
        if not self._leases.try_take(level, bucket):
            return
        try:
            child_run_id, children = self._merge_leased(level, bucket, whole=whole)
        finally:
            self._leases.give_back(level, bucket)
        if not cascade or not children:
            return
        every = self.layout.merge_every[level + 1]
        for child in children:
            if _stable_chance(f"{child_run_id}|{level + 1}|{child}", 1 / every):
                self._merge(level + 1, child, cascade=True)

    def _merge_leased(self, level: int, bucket: int, *, whole: bool) -> tuple[str, list[int]]:
        """Folds the bucket's runs into the next level's buckets (or, at the last level, the
        runs :func:`runs_to_merge` picks, or all of them when ``whole``, into one run);
        returns the new runs' id and the buckets they went to."""
        items = self._table.partition(level, bucket, consistent=True)
        if level == self.layout.last_level:
            self._merge_last_level(level, bucket, items, whole=whole)
            return "", []
        if not items:
            return "", []
        merged = merge_runs(decode_run(item["r"]["B"]) for item in items)
        newest = max(item["sk"]["S"] for item in items)
        children = split_run(merged, {t: self._table.bucket(t, level + 1) for t in merged.postings})
        child_run_id = f"{newest}.{bucket:x}"
        self._io.put(
            [
                item
                for child, run in children.items()
                for item in run_items(level + 1, child, child_run_id, run)
            ],
            kind="merge",
        )
        self._io.delete(items, kind="merge")
        return child_run_id, list(children)

    def _merge_last_level(
        self, level: int, bucket: int, items: list[dict[str, Any]], *, whole: bool
    ) -> None:
        runs: dict[str, list[dict[str, Any]]] = {}
        decoded: dict[str, Run] = {}
        for item in items:
            run_id = item["sk"]["S"].split(":")[0]
            runs.setdefault(run_id, []).append(item)
            decoded[item["sk"]["S"]] = decode_run(item["r"]["B"])
        sizes = {
            run_id: sum(decoded[i["sk"]["S"]].doc_count for i in parts)
            for run_id, parts in runs.items()
        }
        chosen = (
            sorted(runs)
            if whole
            else runs_to_merge(sizes, self.layout.last_level_run, self.layout.merge_every[-1])
        )
        if len(chosen) < 2:
            return
        inputs = [item for run_id in chosen for item in runs[run_id]]
        merged = merge_runs(decoded[item["sk"]["S"]] for item in inputs)
        newest = max(chosen)
        fresh = run_items(level, bucket, newest, merged)
        self._io.put(fresh, kind="merge")
        kept = {item["sk"]["S"] for item in fresh}
        self._io.delete([i for i in inputs if i["sk"]["S"] not in kept], kind="merge")

    def _remove(self, records: Iterable[IdRecord]) -> None:
        """Take articles out: their postings from every run that holds them, then their items."""
        records = list(records)
        indexed = [r.ref for r in records if r.ref is not None]
        articles = self._table.articles(indexed)
        terms: set[str] = set()
        for article in articles.values():
            analyzed = analyze(article.doc)
            terms.update(analyzed.term_freqs)
            terms.update(analyzed.filter_terms)
        refs = set(articles)
        # Level by level, so postings a merge moves down during the removal are met below.
        for level in range(len(self.layout.buckets)):
            for bucket in sorted({self._table.bucket(t, level) for t in terms}):
                with self._leases.held(level, bucket, wait_seconds=REMOVAL_WAIT_SECONDS):
                    self._remove_from_bucket(level, bucket, refs)
        self._io.delete([{**doc_key(ref), "doc": {"B": b""}} for ref in indexed], kind="removal")
        self._io.delete(
            [{**id_key(r.id), "sha": string(r.content_sha256)} for r in records], kind="removal"
        )

    def _remove_from_bucket(self, level: int, bucket: int, refs: set[int]) -> None:
        rewritten: list[dict[str, Any]] = []
        emptied: list[dict[str, Any]] = []
        for item in self._table.partition(level, bucket, consistent=True):
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
