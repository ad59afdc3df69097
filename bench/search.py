"""Search quality and DynamoDB cost of the project's index, against tantivy, in one run.

Indexes the CNN/DM dev articles (query: each article's first highlight line) and the BBC dev
articles (query: the title) into the DynamoDB index under moto, in upsert batches, with the
clock advanced as if articles arrived at --rate per second. The same corpus and queries go to
tantivy (BM25 over title + body, as /work/shared/eval/search_eval.py runs it). Reports MRR@10,
recall@1/@10, write units per article, read units per query (all queries, and the first three
terms of each query as a "three-word query"), dollars per 1,000 articles, the largest write
rate on one partition key, and an estimate at one million articles scaled from the corpus's
own document frequencies.

    .venv/bin/python bench/search.py                      # every set, everything
    .venv/bin/python bench/search.py --set cnndm --limit 500 --queries 200

Russian: --set nerel (491 ru.wikinews stories) and --set rt (3,378 RT articles) query each
story by its headline, which is left out of what is indexed (for both systems), against
tantivy with its Russian Snowball stemmer (tantivy-ru; tantivy-en is shown beside it). Every
quality figure is printed for the tuning half (even first hex digit of the sha256 of the
query's id), the held-out half and both. --russian-lemmas adds the project indexed with
pymorphy3 lemmas in place of Snowball stems (what the stems were chosen over):

    .venv/bin/python bench/search.py --set nerel rt --russian-lemmas

(--set rt indexes 3,378 long articles: about 14 CPU minutes, most of it the project's side.)

Quality through the local stack's API (upload, pipeline, index on moto, GET /search): start the
stack in one shell; it prints one JSON line with api_url and api_key:

    .venv/bin/python -m local serve

then, in another, pass them here (this runs /work/shared/eval/search_eval.py --set cnndm-dev
--backend tantivy api --api-url URL --api-key KEY and prints its report; --corpus-limit N
uploads fewer than all 6,000 articles):

    .venv/bin/python bench/search.py --api-url URL --api-key KEY

--scale measures the index as the archive grows (sizes 10,000, 100,000 and 300,000 by default):

    .venv/bin/python bench/search.py --scale [--scale-sizes N ...] [--scale-window W]

The corpus is the 6,000 CNN/DM dev articles and, beyond them, articles recombined from real dev
sentences: each takes as many sentences as a dev article drawn at random, every sentence drawn
at random from the dev articles that no query looks for, so word and document frequencies stay
those of real news text while the 1,000... known items (queried by their first highlight line)
stay the only copies of their own sentences. The table is the in-memory fake below (moto's
Query walks the whole table and would take days at this size). For each size, all but the last
W articles are loaded as the writer's size-tiered merges leave the last level (runs of
append x fan-out**tier articles, see tiered_runs; article and record items; written straight
to the fake table, not metered); the last W (recombined) articles then go through the index
writer in batches at --rate articles per second, metered: write units per article are those W
articles' own, merges of the full-size tiers included, and the hottest key's rate is over
that window (mean, and the most units one key took in one second of the clock). Then the
three-word queries (the first three terms of each query) are priced and the whole queries
ranked beside tantivy over the same articles. The 1M column is a power law fitted through
the sizes measured. Recombined articles are analyzed from their sentences' analyses (checked
equal to analyze() on a sample first).

The whole stack runs in one Python process on moto, so the full set takes most of an hour:
here uploading the 6,000 articles took 16 minutes and the pipeline finished 30 minutes after
that. The index is not reset between runs, so use a fresh stack each time.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datasets import require

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@dataclass(frozen=True)
class SearchSet:
    """A known-item query set: each query looks for the article it was taken from."""

    data: str  # the data set in bench/datasets.json
    query_field: str  # search_eval's make_query field
    default_queries: int  # a seeded sample of this many, 0 = all
    language: str  # the stemmer tantivy's anchor uses: "en" or "ru"
    # The Russian sets query by headline, so the headline is left out of what is indexed.
    index_title: bool = True


SETS = {
    "cnndm": SearchSet("cnndm", "highlight1", 1000, "en"),
    "bbc": SearchSet("bbc_news_summary", "title", 0, "en"),
    "nerel": SearchSet("nerel_ru", "title", 0, "ru", index_title=False),
    "rt": SearchSet("rt_ru", "title", 0, "ru", index_title=False),
}
TUNING_HALF = "tuning half"
HELD_OUT_HALF = "held-out half"
TABLE = "bench-search-index"
# DynamoDB on-demand, us-east-1, list prices since 1 Nov 2024 (aws.amazon.com/dynamodb/pricing).
WRU_USD_PER_MILLION = 0.625
RRU_USD_PER_MILLION = 0.125
K = 10
HIT_READS = K
IMPACT_DF_THRESHOLD = 5_000
IMPACT_BLOCK = 2_000


def load_eval_module() -> Any:
    spec = importlib.util.spec_from_file_location("search_eval", SHARED / "eval/search_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "mean": round(statistics.mean(values), 3),
        "p50": pct(values, 0.5),
        "p95": pct(values, 0.95),
        "max": max(values),
    }


def make_table(client: Any) -> None:
    client.create_table(
        TableName=TABLE,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


class InMemoryDynamoDB:
    """The few low-level DynamoDB calls the index makes, on dicts. moto's Query walks every
    item of the table, which makes a 6,000-article run take hours; --moto uses it anyway."""

    class exceptions:
        class ConditionalCheckFailedException(Exception):
            pass

    def __init__(self) -> None:
        self.partitions: dict[str, dict[str, dict]] = {}

    def put_item(
        self,
        TableName: str,
        Item: dict,
        ConditionExpression: str = "",
        ExpressionAttributeValues: dict | None = None,
        **_: Any,
    ) -> dict:
        # The index's conditions: a new key, or a lease item that is free or ran out.
        partition = self.partitions.setdefault(Item["pk"]["S"], {})
        current = partition.get(Item["sk"]["S"])
        if ConditionExpression and current is not None:
            now = (ExpressionAttributeValues or {}).get(":now")
            if now is None or int(current["until"]["N"]) >= int(now["N"]):
                raise self.exceptions.ConditionalCheckFailedException()
        partition[Item["sk"]["S"]] = Item
        return {}

    def delete_item(self, TableName: str, Key: dict, **_: Any) -> dict:
        # The index deletes single items only to give back its own leases.
        self.partitions.get(Key["pk"]["S"], {}).pop(Key["sk"]["S"], None)
        return {}

    def batch_write_item(self, RequestItems: dict) -> dict:
        for requests in RequestItems.values():
            for request in requests:
                if "PutRequest" in request:
                    self.put_item("", request["PutRequest"]["Item"])
                else:
                    key = request["DeleteRequest"]["Key"]
                    self.partitions.get(key["pk"]["S"], {}).pop(key["sk"]["S"], None)
        return {}

    def batch_get_item(self, RequestItems: dict) -> dict:
        table, spec = next(iter(RequestItems.items()))
        found = [self.partitions.get(k["pk"]["S"], {}).get(k["sk"]["S"]) for k in spec["Keys"]]
        return {"Responses": {table: [i for i in found if i is not None]}}

    def query(
        self, TableName: str, KeyConditionExpression: str, ExpressionAttributeValues: dict, **_: Any
    ) -> dict:
        partition = self.partitions.get(ExpressionAttributeValues[":pk"]["S"], {})
        return {"Items": [partition[sk] for sk in sorted(partition)]}

    def items(self) -> list[dict]:
        return [i for p in self.partitions.values() for i in p.values()]


def half_of(item_id: str) -> str:
    """Even first hex digit of the id's sha256: the half anything is tuned on; the held-out
    half shows whether it holds on queries not tuned on (as bench/extraction.py splits)."""
    digit = int(hashlib.sha256(item_id.encode()).hexdigest()[0], 16)
    return TUNING_HALF if digit % 2 == 0 else HELD_OUT_HALF


def metrics_by_half(ev: Any, queries: list[dict], ranks: list[int | None]) -> dict[str, dict]:
    halves: dict[str, list[int | None]] = {TUNING_HALF: [], HELD_OUT_HALF: []}
    for query, found in zip(queries, ranks, strict=True):
        halves[half_of(query["qid"])].append(found)
    return {
        **{half: ev.score_ranks(found) for half, found in halves.items()},
        "both": ev.score_ranks(ranks),
    }


def tantivy_backend(ev: Any, language: str) -> Any:
    """search_eval's tantivy (BM25 over title + body, en_stem), or the same with tantivy's
    Russian Snowball stemmer in place of the English one for a Russian set."""
    if language == "en":
        return ev.TantivyBackend()

    class RussianTantivy(ev.TantivyBackend):
        name = "tantivy-ru"

        def index(self, docs: list[dict]) -> None:
            tv = self.tantivy
            self.analyzer = (
                f"tantivy {tv.__version__}: fields title+body, tokenizer 'ru_stem' "
                "(SimpleTokenizer > RemoveLongFilter(40) > LowerCaser > Stemmer(Russian)); "
                "BM25 k1=1.2 b=0.75; query = OR of terms over both fields, no boost"
            )
            sb = tv.SchemaBuilder()
            sb.add_unsigned_field("ord", stored=True)
            sb.add_text_field("title", tokenizer_name="ru_stem")
            sb.add_text_field("body", tokenizer_name="ru_stem")
            self.idx = tv.Index(sb.build())
            self.idx.register_tokenizer(
                "ru_stem",
                tv.TextAnalyzerBuilder(tv.Tokenizer.simple())
                .filter(tv.Filter.remove_long(40))
                .filter(tv.Filter.lowercase())
                .filter(tv.Filter.stemmer("russian"))
                .build(),
            )
            writer = self.idx.writer(heap_size=200_000_000, num_threads=1)
            for i, d in enumerate(docs):
                doc = tv.Document()
                doc.add_unsigned("ord", i)
                doc.add_text("title", d.get("title") or "")
                doc.add_text("body", d.get("text") or "")
                writer.add_document(doc)
            writer.commit()
            writer.wait_merging_threads()
            self.idx.reload()
            self.searcher = self.idx.searcher()

    return RussianTantivy()


def run_tantivy(ev: Any, docs: list[dict], queries: list[dict], language: str = "en") -> dict:
    backend = tantivy_backend(ev, language)
    out = ev.run_local(backend, docs, queries)
    return {
        "analyzer": out["analyzer"],
        "metrics": ev.score_ranks(out["ranks"]),
        "by_half": metrics_by_half(ev, queries, out["ranks"]),
        "timing": out["timing"],
    }


def run_project(ev: Any, args: argparse.Namespace, docs: list[dict], queries: list[dict]) -> dict:
    from contextlib import nullcontext

    from newsbrief.indexing import (
        DynamoDBIndexWriter,
        DynamoDBSearcher,
        IndexDocument,
        IndexLayout,
        IndexTable,
    )
    from newsbrief.indexing.analyzer import terms

    layout = IndexLayout(buckets=tuple(args.buckets), merge_every=tuple(args.merge_every))
    clock_now = [1_750_000_000.0]
    if args.moto:
        import boto3
        from moto import mock_aws

        context: Any = mock_aws()
    else:
        context = nullcontext()
    with context:
        if args.moto:
            client = boto3.client("dynamodb", region_name="us-east-1")
            make_table(client)
        else:
            client = InMemoryDynamoDB()
        table = IndexTable(client, TABLE, layout=layout)
        writer = DynamoDBIndexWriter(table, clock=lambda: clock_now[0])
        searcher = DynamoDBSearcher(table)
        meter = table.meter
        t0 = time.perf_counter()
        duplicates = 0
        for start in range(0, len(docs), args.batch_size):
            batch = [
                IndexDocument(id=d["id"], title=d.get("title") or "", body=[d["text"]])
                for d in docs[start : start + args.batch_size]
            ]
            outcomes = writer.upsert(batch)
            duplicates += sum(1 for o in outcomes if o.duplicate_of)
            clock_now[0] += len(batch) / args.rate
        index_s = time.perf_counter() - t0
        reads_indexing, writes = meter.snapshot()
        write_kinds = dict(meter.write_units_by_kind)
        read_kinds = dict(meter.read_units_by_kind)
        by_key = meter.write_units_by_key
        n = len(docs)
        seconds_at_rate = n / args.rate
        hottest_key, hottest_units = by_key.most_common(1)[0]

        plain = [ev.plain_query(q["query"]) for q in queries]
        three = [" ".join(terms(q)[:3]) for q in plain]
        t0 = time.perf_counter()
        query_costs, results = scale_queries(searcher, meter, plain)
        query_s = time.perf_counter() - t0
        three_costs, _ = scale_queries(searcher, meter, three)
        ranks = [
            ev.rank_of(docs[q["target"]]["id"], ids)
            for q, ids in zip(queries, results, strict=True)
        ]
        before_compaction = {
            "query_rru": summary(query_costs),
            "three_term_rru": summary(three_costs),
        }
        compact_before = meter.write_units
        writer.compact()
        compaction_wru = meter.write_units - compact_before
        compacted_costs, _ = scale_queries(searcher, meter, plain)
        compacted_three, _ = scale_queries(searcher, meter, three)
        stored = all_items(client)
    items = len(stored)
    run_bytes = sum(len(i["r"]["B"]) for i in stored if "r" in i)
    wru_per_article = writes / n
    return {
        "metrics": ev.score_ranks(ranks),
        "by_half": metrics_by_half(ev, queries, ranks),
        "duplicates_flagged": duplicates,
        "layout": {
            "buckets": args.buckets,
            "merge_every": args.merge_every,
            "batch_size": args.batch_size,
            "rate_articles_per_s": args.rate,
        },
        "timing": {
            "index_s": round(index_s, 1),
            "query_s": round(query_s, 1),
            "qps": round(len(queries) / query_s, 1),
        },
        "cost": {
            "wru_per_article": round(wru_per_article, 2),
            "wru_per_article_by_kind": {k: round(v / n, 2) for k, v in write_kinds.items()},
            "rru_per_article_indexing": round(reads_indexing / n, 2),
            "rru_indexing_by_kind": {k: round(v / n, 2) for k, v in read_kinds.items()},
            "usd_per_1000_articles": round(
                1000
                * (wru_per_article * WRU_USD_PER_MILLION + reads_indexing / n * RRU_USD_PER_MILLION)
                / 1e6,
                5,
            ),
            "queries": before_compaction,
            "after_full_compaction": {
                "query_rru": summary(compacted_costs),
                "three_term_rru": summary(compacted_three),
                "compaction_wru_per_article": round(compaction_wru / n, 2),
            },
            "hottest_key": hottest_key,
            "hottest_key_wru_per_s_at_rate": round(hottest_units / seconds_at_rate, 2),
            "items_in_table": items,
            "postings_bytes_per_article_compacted": round(run_bytes / n, 1),
        },
    }


def all_items(client: Any) -> list[dict]:
    if isinstance(client, InMemoryDynamoDB):
        return client.items()
    pages = client.get_paginator("scan").paginate(TableName=TABLE)
    return [item for page in pages for item in page["Items"]]


def estimate_million(
    docs: list[dict],
    queries: list[str],
    bytes_per_posting: float,
    bytes_per_article: float,
    args: argparse.Namespace,
) -> dict:
    """Cost at one million articles, from this corpus's document frequencies scaled up.

    Query reads: each term's postings grow with its document frequency (df x 1e6 / n, at the
    measured bytes per posting), read as one Query per level; the last level also carries the
    other terms sharing the bucket. Writes: level-0 runs and their deletion per batch, one
    append per child bucket per merge, last-level compactions that rewrite a bucket of
    (1e6 x bytes per article / buckets), and the lease taken and given back for each merge.

    Two query figures: postings read as the index does now (a common term's whole list), and
    the impact-ordered design for terms above IMPACT_DF_THRESHOLD (a separate partition of
    blocks ordered by BM25 contribution; a query reads the first block of IMPACT_BLOCK
    postings, and more only when a later block could still change the top 10). That design is
    not implemented; its figure assumes the first block suffices. Both add the page's hits
    (HIT_READS articles at the 0.5 RRU minimum each)."""
    from collections import Counter

    from newsbrief.indexing.analyzer import terms

    n = len(docs)
    scale = 1_000_000 / n
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(terms((d.get("title") or "") + "\n" + d["text"])))
    buckets = [64, 2048, 65536]
    merge_every = [4, 8, 8]
    batch = args.batch_size
    level0_run = batch * bytes_per_article / buckets[0]
    last_bucket = 1_000_000 * bytes_per_article / buckets[-1]
    rru, rru_impact = [], []
    hits = HIT_READS * 0.5
    for q in queries:
        total = total_impact = hits
        for term in terms(q)[:3]:
            term_df = df.get(term, 1) * scale
            postings = term_df * bytes_per_posting
            level_bytes = [merge_every[0] * level0_run]
            level_bytes += [
                merge_every[i] * merge_every[i - 1] * level0_run * buckets[0] / buckets[i]
                for i in range(1, len(buckets) - 1)
            ]
            fresh = sum(max(1, math.ceil(b / 4096)) * 0.5 for b in level_bytes)
            total += fresh + max(1, math.ceil(max(last_bucket, postings) / 4096)) * 0.5
            if term_df > IMPACT_DF_THRESHOLD:
                block = IMPACT_BLOCK * bytes_per_posting
                # Its postings leave the last level for blocks of their own: the last-level
                # read becomes the first block's.
                total_impact += fresh + max(1, math.ceil(block / 4096)) * 0.5
            else:
                total_impact += fresh + max(1, math.ceil(max(last_bucket, postings) / 4096)) * 0.5
        rru.append(total)
        rru_impact.append(total_impact)
    # Writes per article: level 0 put + delete; each middle level append + delete; last level:
    # the share of a compaction (rewrite of the whole bucket) per appended run.
    wru = 2 * buckets[0] * max(1, math.ceil(level0_run / 1024)) / batch
    articles_per_merge = batch * merge_every[0]
    merges = buckets[0] / articles_per_merge
    for i in range(1, len(buckets)):
        children = buckets[i] // buckets[i - 1]
        run_size = articles_per_merge * bytes_per_article / buckets[i]
        appends = (
            buckets[i - 1] * children * max(1, math.ceil(run_size / 1024)) / articles_per_merge
        )
        wru += appends * (2 if i < len(buckets) - 1 else 1)
        if i < len(buckets) - 1:
            articles_per_merge *= merge_every[i]
            merges += buckets[i] / articles_per_merge
    compactions = buckets[-1] / (articles_per_merge * merge_every[-1])
    wru += compactions * (math.ceil(last_bucket / 1024) + merge_every[-1])
    # Each merge and compaction takes its bucket's lease and gives it back: 1 WRU each.
    wru += 2 * (merges + compactions)
    return {
        "layout": {"buckets": buckets, "merge_every": merge_every, "batch_size": batch},
        "three_term_query_rru": summary(rru),
        "three_term_query_rru_impact_ordered_design": summary(rru_impact),
        "impact_design": {"df_threshold": IMPACT_DF_THRESHOLD, "block_postings": IMPACT_BLOCK},
        "hit_rru_included": hits,
        "wru_per_article": round(wru, 1),
        "usd_per_1000_articles": round(1000 * wru * WRU_USD_PER_MILLION / 1e6, 4),
        "most_common_terms_df_at_1m": {t: int(c * scale) for t, c in df.most_common(5)},
    }


# ----------------------------------------------------------------------------- --scale

SCALE_SIZES = (10_000, 100_000, 300_000)
SCALE_WINDOW = 1_000
SCALE_QUERIES = 300
SCALE_CHUNK = 10_000
# The targets (issue 13): at 300k and estimated at 1M.
TARGET_THREE_TERM_MEAN = 15.0
TARGET_THREE_TERM_P95 = 30.0
TARGET_WRU_PER_ARTICLE = 20.0
TARGET_USD_PER_1000 = 0.03
TARGET_MRR_GAP = 0.02
DYNAMODB_ITEM_LIMIT = 400 * 1024


class SentenceAnalysis:
    """analyze() of documents recombined from known sentences, from each sentence's own analysis.

    Words never span the space between two sentences, so a recombined body's terms are the
    sentences' terms one after the other, and its MinHash minima are the minima of each
    sentence's inner shingles and of the shingles across its joins. ``check`` compares the
    result with the library's analyze() on sample documents before the bench relies on it."""

    def __init__(self) -> None:
        import numpy as np

        from newsbrief.indexing import neardup

        self._cache: dict[str, tuple[Any, int, list[str], Any]] = {}
        # The permutations as uint64 columns: numpy's uint64 arithmetic wraps modulo 2**64,
        # which is neardup's ``(a * h + b) & _MASK64``, for every shingle at once.
        self._a = np.array([a for a, _ in neardup._PERMUTATIONS], dtype=np.uint64)[:, None]
        self._b = np.array([b for _, b in neardup._PERMUTATIONS], dtype=np.uint64)[:, None]

    def _minima(self, hashes: list[int]) -> Any:
        import numpy as np

        values = self._a * np.array(hashes, dtype=np.uint64)[None, :] + self._b
        return values.min(axis=1)

    def _sentence(self, sentence: str) -> tuple[Any, int, list[str], Any]:
        cached = self._cache.get(sentence)
        if cached is None:
            from collections import Counter

            from newsbrief.indexing import neardup
            from newsbrief.indexing.analyzer import WORD_RE, fold, is_indexable, stem

            # terms() and folded_words() in one pass over the words.
            words = [fold(word) for word in WORD_RE.findall(sentence)]
            found = [stem(word) for word in words if is_indexable(word)]
            width = neardup.SHINGLE_WORDS
            hashes = [
                neardup._hash64(" ".join(words[i : i + width]))
                for i in range(len(words) - width + 1)
            ]
            cached = (Counter(found), len(found), words, self._minima(hashes) if hashes else None)
            self._cache[sentence] = cached
        return cached

    def analyze(self, doc_id: str, sentences: list[str]) -> Any:
        import hashlib
        from collections import Counter

        import numpy as np

        from newsbrief.indexing import IndexDocument, neardup
        from newsbrief.indexing.documents import AnalyzedDocument

        doc = IndexDocument(id=doc_id, body=[" ".join(sentences)])
        freqs: Counter[str] = Counter()
        length = 0
        words: list[str] = []
        starts: list[int] = []
        inner: list[Any] = []
        for sentence in sentences:
            counts, n, sentence_words, minima = self._sentence(sentence)
            freqs.update(counts)
            length += n
            starts.append(len(words))
            words += sentence_words
            if minima is not None:
                inner.append(minima)
        width = neardup.SHINGLE_WORDS
        if len(words) < width:
            signature = neardup.signature("\n" + doc.body[0])
        else:
            across = {
                i
                for start in starts[1:]
                for i in range(max(0, start - width + 1), start)
                if i + width <= len(words)
            }
            hashes = [neardup._hash64(" ".join(words[i : i + width])) for i in across]
            if hashes:
                inner.append(self._minima(hashes))
            signature = [int(v) >> 32 for v in np.minimum.reduce(inner)]
        canonical = doc.model_dump_json(include={"title", "body", "summary", "keywords", "tags"})
        return AnalyzedDocument(
            doc=doc,
            term_freqs=freqs,
            length=length,
            signature=signature,
            content_sha256=hashlib.sha256(canonical.encode()).hexdigest(),
        )

    def check(self, samples: list[tuple[str, list[str]]]) -> None:
        from newsbrief.indexing.documents import analyze

        for doc_id, sentences in samples:
            fast = self.analyze(doc_id, sentences)
            slow = analyze(fast.doc)
            if (fast.term_freqs, fast.length, fast.signature, fast.content_sha256) != (
                slow.term_freqs,
                slow.length,
                slow.signature,
                slow.content_sha256,
            ):
                raise SystemExit(f"sentence analysis differs from analyze() on {doc_id}")


class ClockedMeter:
    """Write units per partition key per second of the bench's clock, beside the index's
    own meter (the largest is the hottest key's peak write rate)."""

    def __init__(self, clock: list[float]) -> None:
        from collections import Counter

        from newsbrief.indexing.capacity import CapacityMeter

        clocked: Counter[tuple[int, str]] = Counter()
        self.by_second = clocked

        class Meter(CapacityMeter):
            def wrote(self, item: Any, kind: str, *, key: str | None = None) -> None:
                before = self.write_units
                super().wrote(item, kind, key=key)
                clocked[(int(clock[0]), item["pk"]["S"] if key is None else key)] += (
                    self.write_units - before
                )

        self.meter = Meter()


def tokenized_sentences(text: str) -> list[str]:
    """Sentences of CNN/DM's tokenized text: each ends at a standalone . ! or ? token (with
    a closing '' that follows it)."""
    sentences: list[str] = []
    current: list[str] = []
    words = text.split()
    for i, word in enumerate(words):
        current.append(word)
        closes = word == "''" and i > 0 and words[i - 1] in (".", "!", "?")
        ends = word in (".", "!", "?") or closes
        if ends and not (word != "''" and i + 1 < len(words) and words[i + 1] == "''"):
            sentences.append(" ".join(current))
            current = []
    if current:
        sentences.append(" ".join(current))
    return sentences


def scale_corpus(ev: Any, real: list[dict], targets: set[int], size: int, seed: int) -> list[Any]:
    """The real dev articles, then articles recombined from the sentences of the dev articles
    that no query looks for (each as many sentences long as a dev article drawn at random), up
    to ``size`` in all; as (id, sentences, index among the real articles or None)."""
    import random

    sentences = [tokenized_sentences(d["text"]) for d in real]
    pool = [s for i, ss in enumerate(sentences) if i not in targets for s in ss]
    lengths = [len(ss) for ss in sentences if ss]
    rng = random.Random(seed)
    docs: list[Any] = [(d["id"], sentences[i], i) for i, d in enumerate(real)]
    for n in range(size - len(real)):
        count = rng.choice(lengths)
        docs.append((f"recombined-{n:07d}", [rng.choice(pool) for _ in range(count)], None))
    return docs


def tiered_runs(articles: int, unit: int, fan_out: int) -> list[int]:
    """Article counts of the last-level runs that size-tiered merges (writer.runs_to_merge)
    leave after ``articles`` in appends of ``unit``: from the top tier down, as many runs of
    unit x fan_out**tier as fit (fewer than fan_out below the top), then the rest in appends."""
    sizes: list[int] = []
    top = 0
    while unit * fan_out ** (top + 1) <= articles:
        top += 1
    left = articles
    for tier in range(top, -1, -1):
        size = unit * fan_out**tier
        count = left // size if tier in (top, 0) else min(left // size, fan_out - 1)
        sizes += [size] * count
        left -= size * count
    return sizes + ([left] if left else [])


def build_scaled(
    analysis: SentenceAnalysis, docs: list[Any], window: int, args: argparse.Namespace
) -> dict:
    """The index of ``docs``: all but the last ``window`` loaded as size-tiered merges leave
    the last level (``tiered_runs``, written straight to the in-memory table), then the
    window through the index writer at --rate articles per second, metered. Returns the
    figures and the searcher."""
    from newsbrief.indexing import DynamoDBIndexWriter, DynamoDBSearcher, IndexLayout, IndexTable
    from newsbrief.indexing.postings import (
        Posting,
        Run,
        decode_run,
        encode_norm,
        encode_run,
        merge_runs,
        split_run,
    )
    from newsbrief.indexing.table import doc_item, id_item, run_items
    from newsbrief.indexing.writer import EPOCH_2020_MS

    layout = IndexLayout(buckets=tuple(args.buckets), merge_every=tuple(args.merge_every))
    client = InMemoryDynamoDB()
    clock = [1_750_000_000.0]
    clocked = ClockedMeter(clock)
    table = IndexTable(client, TABLE, layout=layout, meter=clocked.meter)
    last = layout.last_level
    loaded = docs[: len(docs) - window]
    t0 = time.perf_counter()
    end = 0
    for size in tiered_runs(len(loaded), layout.last_level_run, layout.merge_every[-1]):
        start, end = end, end + size
        # A run is built a sub-chunk at a time (its postings for all its articles would not
        # fit in memory at the top tier), each sub-chunk's bucket parts encoded, and the
        # parts of each bucket merged into the run's item at the end.
        parts: dict[int, list[Any]] = {}
        for sub_start in range(start, end, SCALE_CHUNK):
            run = Run()
            for position in range(sub_start, min(sub_start + SCALE_CHUNK, end)):
                doc_id, sentences, _ = loaded[position]
                analyzed = analysis.analyze(doc_id, sentences)
                run_ms = int((clock[0] + position // 256 * 256 / args.rate) * 1000) - EPOCH_2020_MS
                ref = run_ms << 8 | position % 256
                norm = encode_norm(analyzed.length)
                postings = run.postings
                for term, tf in analyzed.term_freqs.items():
                    postings.setdefault(term, []).append(Posting(ref, tf, norm, 0, 0))
                for term in analyzed.filter_terms:
                    postings.setdefault(term, []).append(Posting(ref, 1, norm, 0, 0))
                run.doc_count += 1
                run.total_length += analyzed.length
                client.put_item(TABLE, doc_item(ref, analyzed))
                client.put_item(TABLE, id_item(analyzed, ref, None))
            split = split_run(run, {t: table.bucket(t, last) for t in run.postings})
            for bucket, part in split.items():
                parts.setdefault(bucket, []).append(
                    part if size <= SCALE_CHUNK else encode_run(part)
                )
        run_id = f"{run_ms:011x}"
        for bucket, pieces in parts.items():
            whole = pieces[0] if size <= SCALE_CHUNK else merge_runs(decode_run(p) for p in pieces)
            for item in run_items(last, bucket, run_id, whole):
                client.put_item(TABLE, item)
        print(f"    loaded {end} (a run of {size})", flush=True)
    load_s = time.perf_counter() - t0
    clock[0] += len(loaded) / args.rate + 1
    writer = DynamoDBIndexWriter(table, clock=lambda: clock[0])
    searcher = DynamoDBSearcher(table)
    meter = table.meter
    t0 = time.perf_counter()
    from newsbrief.indexing import IndexDocument

    window_docs = docs[len(docs) - window :]
    for start in range(0, len(window_docs), args.batch_size):
        batch = [
            IndexDocument(id=doc_id, body=[" ".join(sentences)])
            for doc_id, sentences, _ in window_docs[start : start + args.batch_size]
        ]
        writer.upsert(batch)
        clock[0] += len(batch) / args.rate
    window_s = time.perf_counter() - t0
    reads, writes = meter.snapshot()
    hottest_key, hottest_units = meter.write_units_by_key.most_common(1)[0]
    (_, peak_key), peak_units = clocked.by_second.most_common(1)[0]
    largest_item = max((len(i["r"]["B"]) for i in client.items() if "r" in i), default=0)
    return {
        "searcher": searcher,
        "table": table,
        "load_s": round(load_s, 1),
        "window_s": round(window_s, 1),
        "wru_per_article": writes / window,
        "rru_per_article": reads / window,
        "wru_by_kind": {k: round(v / window, 2) for k, v in meter.write_units_by_kind.items()},
        "hottest_key": hottest_key,
        "hottest_key_wru_per_s": hottest_units / (window / args.rate),
        "peak_key": peak_key,
        "peak_key_wru_in_one_s": peak_units,
        "largest_run_item_bytes": largest_item,
    }


def fit_power(points: list[tuple[int, float]], at: int) -> float:
    """Least-squares line through log(size), log(value), read at ``at``."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(v, 1e-9)) for _, v in points]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
    return math.exp(my + slope * (math.log(at) - mx))


def scale_queries(
    searcher: Any, meter: Any, texts: list[str]
) -> tuple[list[float], list[list[str]]]:
    """Each query's read units and its first page of ids."""
    from newsbrief.indexing import SearchRequest

    spent, results = [], []
    for text in texts:
        before = meter.read_units
        page = searcher.search(SearchRequest(q=text, limit=K))
        spent.append(meter.read_units - before)
        results.append([hit.id for hit in page.items])
    return spent, results


def run_scale(args: argparse.Namespace) -> int:
    from newsbrief.indexing.analyzer import terms

    ev = load_eval_module()
    real = ev.load_jsonl(str(require("cnndm") / "dev.jsonl.gz"))
    queries = ev.build_query_set(real, "highlight1", args.scale_queries, args.seed)
    targets = {q["target"] for q in queries}
    analysis = SentenceAnalysis()
    sizes = sorted(args.scale_sizes)
    corpus = scale_corpus(ev, real, targets, max(sizes), args.seed)
    analysis.check([(doc_id, ss) for doc_id, ss, origin in corpus[:400] if origin is None][:100])
    plain = [ev.plain_query(q["query"]) for q in queries]
    three = [" ".join(terms(q)[:3]) for q in plain]
    rows: list[dict[str, Any]] = []
    for size in sizes:
        # The real articles (every query's target among them) and recombined ones up to size,
        # shuffled; the window is the last recombined ones.
        import random

        head = corpus[: size - args.scale_window]
        random.Random(args.seed + size).shuffle(head)
        docs = head + corpus[size - args.scale_window : size]
        print(f"[scale {size}] building", flush=True)
        built = build_scaled(analysis, docs, args.scale_window, args)
        searcher, meter = built.pop("searcher"), built.pop("table").meter
        position = {doc_id: i for i, (doc_id, _, _) in enumerate(docs)}

        t0 = time.perf_counter()
        three_rru, _ = scale_queries(searcher, meter, three)
        _, results = scale_queries(searcher, meter, plain)
        query_s = time.perf_counter() - t0
        ranks = [
            ev.rank_of(real[q["target"]]["id"], ids)
            for q, ids in zip(queries, results, strict=True)
        ]
        tantivy_docs = [{"title": "", "text": " ".join(ss)} for _, ss, _ in docs]
        tantivy_queries = [{**q, "target": position[real[q["target"]]["id"]]} for q in queries]
        tantivy = ev.run_local(ev.TantivyBackend(), tantivy_docs, tantivy_queries)
        row = {
            "articles": size,
            "three_term_rru_mean": statistics.mean(three_rru),
            "three_term_rru_p95": pct(three_rru, 0.95),
            "mrr10": ev.score_ranks(ranks)["mrr10"],
            "tantivy_mrr10": ev.score_ranks(tantivy["ranks"])["mrr10"],
            "query_s": round(query_s, 1),
            **built,
        }
        row["usd_per_1000_articles"] = (
            1000
            * (
                row["wru_per_article"] * WRU_USD_PER_MILLION
                + row["rru_per_article"] * RRU_USD_PER_MILLION
            )
            / 1e6
        )
        rows.append(row)
        print(
            "  "
            + json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}),
            flush=True,
        )
    print_scale(rows, args)
    if args.json:
        Path(args.json).write_text(json.dumps({"argv": sys.argv[1:], "scale": rows}, indent=1))
    return 0


def print_scale(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    def line(label: str, key: str, target: str, fmt: str = "{:.2f}") -> None:
        cells = [fmt.format(r[key]) for r in rows]
        estimate = ""
        if len(rows) >= 2:
            estimate = fmt.format(fit_power([(r["articles"], r[key]) for r in rows], 1_000_000))
        print(f"  {label:<44}" + "".join(f"{c:>12}" for c in cells) + f"{estimate:>12}   {target}")

    print(
        f"\nScale (in-memory DynamoDB; batches of {args.batch_size} at {args.rate:g} articles/s; "
        f"the last {args.scale_window} of each size through the writer; "
        f"{args.scale_queries} known-item queries)"
    )
    print(
        f"  {'articles':<44}"
        + "".join(f"{r['articles']:>12,}" for r in rows)
        + f"{'1M (fit)':>12}   target"
    )
    line("three-word query RRU, mean", "three_term_rru_mean", f"<= {TARGET_THREE_TERM_MEAN:g}")
    line("three-word query RRU, p95", "three_term_rru_p95", f"<= {TARGET_THREE_TERM_P95:g}")
    line(
        "WRU per article (amortized over merges)",
        "wru_per_article",
        f"<= {TARGET_WRU_PER_ARTICLE:g}",
    )
    line("RRU per article while indexing", "rru_per_article", "")
    line(
        "$ per 1,000 articles (DynamoDB)",
        "usd_per_1000_articles",
        f"<= {TARGET_USD_PER_1000:g}",
        "{:.4f}",
    )
    line("hottest key, WRU/s over the window", "hottest_key_wru_per_s", "< 1000 (partition)")
    line("hottest key, WRU in one second", "peak_key_wru_in_one_s", "< 1000 (partition)", "{:.0f}")
    line(
        "largest run item, bytes",
        "largest_run_item_bytes",
        f"<= {DYNAMODB_ITEM_LIMIT} (item)",
        "{:.0f}",
    )
    line("MRR@10", "mrr10", f"within {TARGET_MRR_GAP:.0%} of tantivy", "{:.4f}")
    line("tantivy MRR@10, same corpus", "tantivy_mrr10", "", "{:.4f}")


def run_api_eval(args: argparse.Namespace) -> int:
    """The shared evaluation's API backend against a running stack, beside tantivy."""
    command = [
        sys.executable,
        str(SHARED / "eval/search_eval.py"),
        "--set",
        "cnndm-dev",
        "--backend",
        "tantivy",
        "api",
        "--api-url",
        args.api_url,
        "--api-key",
        args.api_key,
        # The whole archive goes through the pipeline on one core: allow hours, poll rarely.
        "--api-index-timeout",
        "10800",
        "--api-poll-interval",
        "30",
    ]
    if args.corpus_limit:
        command += ["--corpus-limit", str(args.corpus_limit)]
    if args.json:
        command += ["--json", args.json]
    # A fixed script with arguments from our own command line, no shell.
    return subprocess.run(command, check=False).returncode  # noqa: S603


@contextmanager
def pymorphy3_lemmas() -> Iterator[None]:
    """The analyzer with pymorphy3's lemma (its most probable parse, "ё" as "е") in place of the
    Russian Snowball stem of every Cyrillic word: the alternative the stems were chosen over."""
    import pymorphy3

    from newsbrief.indexing import analyzer

    morph = pymorphy3.MorphAnalyzer()
    stem = analyzer.stem

    @lru_cache(maxsize=500_000)
    def lemma(folded: str) -> str:
        if not analyzer._CYRILLIC_RE.search(folded):
            return stem(folded)
        return str(morph.parse(folded)[0].normal_form).replace("ё", "е")

    analyzer.stem = lemma
    try:
        yield
    finally:
        analyzer.stem = stem


def print_quality(systems: dict[str, dict], anchor: dict) -> None:
    """MRR@10 and recall@1/@10 of each system on each half, the project's gap to the anchor."""
    halves = (TUNING_HALF, HELD_OUT_HALF, "both")
    sizes = {half: anchor["by_half"][half]["n"] for half in halves}
    print(f"  {'':<15}" + "".join(f"{f'{half} (n={sizes[half]})':>34}" for half in halves))
    print(f"  {'':<15}" + "".join(f"{'MRR@10   R@1   R@10':>34}" for _ in halves))
    for label, system in systems.items():
        cells = []
        for half in halves:
            m = system["by_half"][half]
            gap = ""
            if label.startswith("project"):
                gap = f"({m['mrr10'] - anchor['by_half'][half]['mrr10']:+.4f})"
            cells.append(f"{m['mrr10']:.4f} {m['recall1']:.3f} {m['recall10']:.3f} {gap:>9}")
        print(f"  {label:<15}" + "".join(f"{c:>34}" for c in cells))


def deployed_index_batch_size() -> int:
    """The index function's SQS batch size: the index writes its postings once per batch."""
    sys.path.insert(0, str(ROOT))
    from local.stack import STACK_NAME, TEMPLATE
    from local.template import read_stack

    spec, _ = read_stack(TEMPLATE, STACK_NAME)
    (mapping,) = [m for m in spec.mappings if m.function == "IndexFunction"]
    return mapping.batch_size


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--set", nargs="+", choices=sorted(SETS), default=sorted(SETS, reverse=True))
    ap.add_argument("--limit", type=int, default=None, help="index only the first N articles")
    ap.add_argument(
        "--queries",
        type=int,
        default=None,
        help="seeded sample of N queries (0 = all; default 1000 for cnndm, all for bbc)",
    )
    ap.add_argument(
        "--batch-size",
        type=int,
        default=deployed_index_batch_size(),
        help="articles per upsert (default: the index function's batch size in template.yaml)",
    )
    ap.add_argument("--rate", type=float, default=100.0, help="articles per second for the clock")
    ap.add_argument("--buckets", type=int, nargs="+", default=[64, 2048])
    ap.add_argument("--merge-every", type=int, nargs="+", default=[4, 8])
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--moto", action="store_true", help="run the index on moto (slow) instead")
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument(
        "--russian-lemmas",
        action="store_true",
        help="on the Russian sets, also index with pymorphy3 lemmas in place of Snowball stems",
    )
    ap.add_argument("--api-url", help="evaluate the local stack's API instead (see above)")
    ap.add_argument("--api-key", default="", help="the local stack's API key")
    ap.add_argument(
        "--corpus-limit", type=int, default=None, help="upload only N articles (default: all 6,000)"
    )
    ap.add_argument(
        "--scale",
        action="store_true",
        help="the index at --scale-sizes articles of CNN/DM dev and recombined articles",
    )
    ap.add_argument("--scale-sizes", type=int, nargs="+", default=list(SCALE_SIZES))
    ap.add_argument(
        "--scale-window",
        type=int,
        default=SCALE_WINDOW,
        help="articles of each size indexed through the writer (the rest loaded compacted)",
    )
    ap.add_argument("--scale-queries", type=int, default=SCALE_QUERIES)
    args = ap.parse_args()
    if args.api_url:
        return run_api_eval(args)
    if args.scale:
        return run_scale(args)

    sources = {name: require(SETS[name].data) / "dev.jsonl.gz" for name in args.set}
    ev = load_eval_module()
    report: dict[str, Any] = {
        "argv": sys.argv[1:],
        "prices": {
            "wru_usd_per_million": WRU_USD_PER_MILLION,
            "rru_usd_per_million": RRU_USD_PER_MILLION,
            "source": "DynamoDB on-demand us-east-1 list price since 2024-11-01",
        },
    }
    for name in args.set:
        spec = SETS[name]
        docs = ev.load_jsonl(str(sources[name]))
        if args.limit:
            docs = docs[: args.limit]
        n_queries = spec.default_queries if args.queries is None else args.queries
        queries = ev.build_query_set(docs, spec.query_field, n_queries, args.seed)
        if not spec.index_title:
            docs = [{k: v for k, v in d.items() if k != "title"} for d in docs]
        print(
            f"[{name}] {len(docs)} articles, {len(queries)} queries"
            f"{'' if spec.index_title else ' (query: the title, not indexed)'}",
            flush=True,
        )
        anchors = {f"tantivy-{spec.language}": run_tantivy(ev, docs, queries, spec.language)}
        if spec.language != "en":
            anchors["tantivy-en"] = run_tantivy(ev, docs, queries)
        tantivy = anchors[f"tantivy-{spec.language}"]
        project = run_project(ev, args, docs, queries)
        variants = {}
        if args.russian_lemmas and spec.language == "ru":
            with pymorphy3_lemmas():
                variants["project-lemmas"] = run_project(ev, args, docs, queries)
        entry = {
            "articles": len(docs),
            "queries": len(queries),
            **anchors,
            "project": project,
            **variants,
        }
        if name == "cnndm":
            cost = project["cost"]
            postings = sum(len(set(ev.word_tokens(d["text"]))) for d in docs)
            entry["estimate_1m"] = estimate_million(
                docs,
                [ev.plain_query(q["query"]) for q in queries],
                bytes_per_posting=cost["postings_bytes_per_article_compacted"]
                * len(docs)
                / postings,
                bytes_per_article=cost["postings_bytes_per_article_compacted"],
                args=args,
            )
        report[name] = entry
        print_quality({**anchors, "project": project, **variants}, tantivy)
        print("  cost " + json.dumps(project["cost"]))
        if "estimate_1m" in entry:
            print("  1M estimate " + json.dumps(entry["estimate_1m"]))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
