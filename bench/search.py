"""Search quality and DynamoDB cost of the project's index, against tantivy, in one run.

Indexes the CNN/DM dev articles (query: each article's first highlight line) and the BBC dev
articles (query: the title) into the DynamoDB index under moto, in upsert batches, with the
clock advanced as if articles arrived at --rate per second. The same corpus and queries go to
tantivy (BM25 over title + body, as /work/shared/eval/search_eval.py runs it). Reports MRR@10,
recall@1/@10, write units per article, read units per query (all queries, and the first three
terms of each query as a "three-word query"), dollars per 1,000 articles, the largest write
rate on one partition key, and an estimate at one million articles scaled from the corpus's
own document frequencies.

    .venv/bin/python bench/search.py                      # both sets, everything
    .venv/bin/python bench/search.py --set cnndm --limit 500 --queries 200

Quality through the local stack's API (upload, pipeline, index on moto, GET /search): start the
stack in one shell; it prints one JSON line with api_url and api_key:

    .venv/bin/python -m local serve

then, in another, pass them here (this runs /work/shared/eval/search_eval.py --set cnndm-dev
--backend tantivy api --api-url URL --api-key KEY and prints its report; --corpus-limit N
uploads fewer than all 6,000 articles):

    .venv/bin/python bench/search.py --api-url URL --api-key KEY

The whole stack runs in one Python process on moto, so the full set takes most of an hour:
here uploading the 6,000 articles took 16 minutes and the pipeline finished 30 minutes after
that. The index is not reset between runs, so use a fresh stack each time.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datasets import require

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SETS = {
    # name: (data set in bench/datasets.json, query field, default number of queries)
    "cnndm": ("cnndm", "highlight1", 1000),
    "bbc": ("bbc_news_summary", "title", 0),
}
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


def run_tantivy(ev: Any, docs: list[dict], queries: list[dict]) -> dict:
    out = ev.run_local(ev.TantivyBackend(), docs, queries)
    return {"metrics": ev.score_ranks(out["ranks"]), "timing": out["timing"]}


def run_project(ev: Any, args: argparse.Namespace, docs: list[dict], queries: list[dict]) -> dict:
    from contextlib import nullcontext

    from newsbrief.indexing import (
        DynamoDBIndexWriter,
        DynamoDBSearcher,
        IndexDocument,
        IndexLayout,
        IndexTable,
        SearchRequest,
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

        def measure(query_texts: list[str]) -> tuple[list[list[str]], list[float]]:
            results, costs = [], []
            for text in query_texts:
                before = meter.read_units
                page = searcher.search(SearchRequest(q=text, limit=K))
                costs.append(meter.read_units - before)
                results.append([hit.id for hit in page.items])
            return results, costs

        plain = [ev.plain_query(q["query"]) for q in queries]
        three = [" ".join(terms(q)[:3]) for q in plain]
        t0 = time.perf_counter()
        results, query_costs = measure(plain)
        query_s = time.perf_counter() - t0
        _, three_costs = measure(three)
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
        _, compacted_costs = measure(plain)
        _, compacted_three = measure(three)
        stored = all_items(client)
    items = len(stored)
    run_bytes = sum(len(i["r"]["B"]) for i in stored if "r" in i)
    wru_per_article = writes / n
    return {
        "metrics": ev.score_ranks(ranks),
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
    ap.add_argument("--api-url", help="evaluate the local stack's API instead (see above)")
    ap.add_argument("--api-key", default="", help="the local stack's API key")
    ap.add_argument(
        "--corpus-limit", type=int, default=None, help="upload only N articles (default: all 6,000)"
    )
    args = ap.parse_args()
    if args.api_url:
        return run_api_eval(args)

    sources = {name: require(SETS[name][0]) / "dev.jsonl.gz" for name in args.set}
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
        _, field, default_queries = SETS[name]
        docs = ev.load_jsonl(str(sources[name]))
        if args.limit:
            docs = docs[: args.limit]
        n_queries = default_queries if args.queries is None else args.queries
        queries = ev.build_query_set(docs, field, n_queries, args.seed)
        print(f"[{name}] {len(docs)} articles, {len(queries)} queries", flush=True)
        tantivy = run_tantivy(ev, docs, queries)
        project = run_project(ev, args, docs, queries)
        entry = {
            "articles": len(docs),
            "queries": len(queries),
            "tantivy": tantivy,
            "project": project,
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
        t, p = tantivy["metrics"], project["metrics"]
        print(
            f"  tantivy  MRR@10 {t['mrr10']:.4f}  R@1 {t['recall1']:.3f}  R@10 {t['recall10']:.3f}"
        )
        print(
            f"  project  MRR@10 {p['mrr10']:.4f}  R@1 {p['recall1']:.3f}  R@10 {p['recall10']:.3f}"
            f"  ({(p['mrr10'] / t['mrr10'] - 1) * 100:+.1f}% vs tantivy)"
        )
        print("  cost " + json.dumps(project["cost"]))
        if "estimate_1m" in entry:
            print("  1M estimate " + json.dumps(entry["estimate_1m"]))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
