"""The search index's DynamoDB table (``pk`` + ``sk``): its key layout, item encodings and reads.

Items:
  ``i#<id>`` / ``i``         the article's record: its reference, content hash, duplicate_of
  ``d#<ref hex>`` / ``d``    the article as indexed (compressed), its MinHash signature
  ``p<level>#<bucket>`` / <run id>   a run: many terms' postings for many articles (postings.py)
  ``l<level>#<bucket>`` / ``l``      a bucket's lease (leases.py)

Terms go to buckets by a stable hash; each level's buckets are a finer split of the last's.
The writer (writer.py) and the searcher (searcher.py) share this module's reads and the
batched I/O of batches.py, all metered on one :class:`CapacityMeter`.
"""

from __future__ import annotations

import hashlib
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from newsbrief.indexing.batches import BatchIO
from newsbrief.indexing.capacity import CapacityMeter, item_size
from newsbrief.indexing.documents import AnalyzedDocument
from newsbrief.indexing.models import IndexDocument
from newsbrief.indexing.neardup import pack_signature, unpack_signature
from newsbrief.indexing.postings import Posting, Run, decode_run, encode_run
from newsbrief.indexing.ranking import CorpusStats

# Runs larger than this are split by term, well under DynamoDB's 400 KB item limit.
MAX_RUN_BYTES = 300_000


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

    @property
    def last_level_run(self) -> int:
        """Articles in a run appended to the last level: one upper-level merge's worth."""
        return self.full_batch * math.prod(self.merge_every[:-1])


def stable_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest())


@lru_cache(maxsize=500_000)
def term_hash(term: str) -> int:
    return stable_hash(term)


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


@dataclass
class Lookup:
    postings: dict[str, list[Posting]] = field(default_factory=dict)
    stats: CorpusStats = field(default_factory=lambda: CorpusStats(0, 0))


def string(value: str) -> dict[str, str]:
    return {"S": value}


def doc_key(ref: int) -> dict[str, Any]:
    return {"pk": string(f"d#{ref:x}"), "sk": string("d")}


def id_key(article_id: str) -> dict[str, Any]:
    return {"pk": string(f"i#{article_id}"), "sk": string("i")}


def partition_key(level: int, bucket: int) -> dict[str, str]:
    return string(f"p{level}#{bucket:x}")


def doc_item(ref: int, analyzed: AnalyzedDocument) -> dict[str, Any]:
    doc = analyzed.doc
    return {
        **doc_key(ref),
        "doc": {"B": zlib.compress(doc.model_dump_json(exclude_none=True).encode(), 9)},
        "sig": {"B": pack_signature(analyzed.signature)},
        "rel": string(" ".join(analyzed.related_terms()) or "-"),
    }


def id_item(
    analyzed: AnalyzedDocument, ref: int | None, duplicate_of: str | None
) -> dict[str, Any]:
    item: dict[str, Any] = {
        **id_key(analyzed.doc.id),
        "sha": string(analyzed.content_sha256),
    }
    if ref is not None:
        item["ref"] = {"N": str(ref)}
    if duplicate_of is not None:
        item["dup"] = string(duplicate_of)
    return item


def run_items(level: int, bucket: int, run_id: str, run: Run) -> list[dict[str, Any]]:
    """The items of one run, split by term when it would not fit one item. Only the first
    part carries the run's document counts, so a reader's sum stays right."""
    blob = encode_run(run)
    if len(blob) <= MAX_RUN_BYTES or len(run.postings) < 2:
        return [{"pk": partition_key(level, bucket), "sk": string(run_id), "r": {"B": blob}}]
    terms = sorted(run.postings)
    half = len(terms) // 2
    head = Run(run.doc_count, run.total_length, {t: run.postings[t] for t in terms[:half]})
    tail = Run(0, 0, {t: run.postings[t] for t in terms[half:]})
    return run_items(level, bucket, run_id + ":0", head) + run_items(
        level, bucket, run_id + ":1", tail
    )


class IndexTable:
    """The index table's reads, for both the writer and the searcher, metered on ``meter``."""

    def __init__(
        self,
        client: Any,
        table_name: str,
        *,
        layout: IndexLayout | None = None,
        meter: CapacityMeter | None = None,
    ) -> None:
        self.client = client
        self.name = table_name
        self.layout = layout or IndexLayout()
        self.meter = meter or CapacityMeter()
        self.io = BatchIO(client, table_name, self.meter)

    def bucket(self, term: str, level: int) -> int:
        return term_hash(term) % self.layout.buckets[level]

    def lookup(self, terms: set[str]) -> Lookup:
        """Every posting of these terms, and corpus statistics from the runs read.

        Each level's runs cover every article merged to that level, whichever bucket is read,
        so a level's article count is the largest among its buckets read."""
        lookup = Lookup()
        if not terms:
            return lookup
        found: dict[str, dict[int, Posting]] = {t: {} for t in terms}
        doc_count = total_length = 0
        for level in range(len(self.layout.buckets)):
            by_bucket: dict[int, set[str]] = {}
            for term in terms:
                by_bucket.setdefault(self.bucket(term, level), set()).add(term)
            level_stats = (0, 0)
            for bucket, bucket_terms in by_bucket.items():
                bucket_stats = [0, 0]
                for item in self.partition(level, bucket):
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

    def partition(
        self, level: int, bucket: int, *, consistent: bool = False
    ) -> list[dict[str, Any]]:
        """A bucket's runs. Searches read eventually consistent, at half the price: a run
        appended a moment ago may be missed by one query, never lost. Rewriting a bucket from
        a stale read could bring back runs already merged, so merges read consistently."""
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": partition_key(level, bucket)},
            "ConsistentRead": consistent,
        }
        while True:
            response = self.client.query(**kwargs)
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

    def id_records(self, ids: list[str]) -> dict[str, IdRecord]:
        records = {}
        for item in self.io.get([id_key(i) for i in ids], kind="record"):
            article_id = item["pk"]["S"][2:]
            records[article_id] = IdRecord(
                id=article_id,
                ref=int(item["ref"]["N"]) if "ref" in item else None,
                content_sha256=item["sha"]["S"],
                duplicate_of=item["dup"]["S"] if "dup" in item else None,
            )
        return records

    def articles(self, refs: Sequence[int]) -> dict[int, StoredArticle]:
        found = {}
        for item in self.io.get([doc_key(r) for r in dict.fromkeys(refs)], kind="article"):
            ref = int(item["pk"]["S"][2:], 16)
            rel = item["rel"]["S"]
            found[ref] = StoredArticle(
                ref=ref,
                doc=IndexDocument.model_validate_json(zlib.decompress(item["doc"]["B"])),
                signature=unpack_signature(item["sig"]["B"]),
                related_terms=[] if rel == "-" else rel.split(),
            )
        return found
