"""Uploads through the local stack while a share of the functions' AWS calls fail.

    .venv/bin/python bench/chaos.py [--uploads 500] [--rate 0.10] [--seed 7] [--seeds 5]

Every upload must end `indexed` or `rejected` with a reason: none lost, none indexed twice,
and the dead-letter queues hold only what the report explains. A CMS's queue, subscribed to the
stack's bus through a rule, counts the events each article produced: every indexed article
must have put its `Article Indexed` event, and every rejected upload its `Article Rejected`, at
least once (a repeat carries the same event id). Each of ``--seeds`` seeds (from ``--seed`` on)
runs in a process of its own; the run exits non-zero when any seed lost or duplicated an
article, or left one unannounced.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from local.processes import FaultSettings  # noqa: E402
from local.stack import ROOT as STACK_ROOT  # noqa: E402
from local.stack import LocalStack, start  # noqa: E402
from local.subscriptions import subscribe  # noqa: E402

SAMPLES = ROOT / "examples" / "articles"


def vocabulary() -> list[str]:
    words = {
        word.strip(".,;:!?\"'()").lower()
        for path in SAMPLES.glob("*.txt")
        for word in path.read_text(encoding="utf-8").split()
    }
    return sorted(word for word in words if word.isalpha() and len(word) > 3)


def story(n: int, words: list[str], rng: random.Random) -> tuple[str, bytes, str]:
    """A distinct article in one of the accepted formats, or a bad upload every 25th time."""
    if n % 25 == 0:
        return f"chaos/bad-{n}.txt", b"" if n % 50 == 0 else rng.randbytes(2048), "text/plain"
    sentences = [
        " ".join(rng.sample(words, 12)).capitalize() + "." for _ in range(rng.randint(6, 12))
    ]
    sentences[0] = f"Report chaosmarker{n} opens with {sentences[0].lower()}"
    title = " ".join(rng.sample(words, 6)).capitalize()
    body = " ".join(sentences)
    kind = n % 3
    if kind == 0:
        document = json.dumps({"title": title, "body": body}).encode()
        return f"chaos/{n}.json", document, "application/json"
    if kind == 1:
        return f"chaos/{n}.md", f"# {title}\n\n{body}\n".encode(), "text/markdown"
    return f"chaos/{n}.txt", f"{title}\n\n{body}\n".encode(), "text/plain"


def api(stack: LocalStack, path: str, **params: Any) -> Any:
    url = f"{stack.api_url}{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - local stack
        return json.loads(response.read())


def queue_depth(stack: LocalStack, url: str) -> int:
    attributes = stack.client("sqs").get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uploads", type=int, default=500)
    parser.add_argument("--rate", type=float, default=0.10)
    parser.add_argument("--seed", type=int, default=7, help="the first seed")
    parser.add_argument("--seeds", type=int, default=5, help="how many seeds, one after another")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument(
        "--sdk-backoff",
        action="store_true",
        help="keep the SDK's and the index stage's waits between retries (slower)",
    )
    parser.add_argument("--outcome-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seeds == 1:
        outcome = run(args)
        if args.outcome_file:
            args.outcome_file.write_text(json.dumps(outcome))
        sys.exit(1 if outcome["lost"] or outcome["duplicated"] or outcome["unannounced"] else 0)

    outcomes = []
    with tempfile.TemporaryDirectory() as scratch:
        for seed in range(args.seed, args.seed + args.seeds):
            outcome_file = Path(scratch) / f"{seed}.json"
            command = [sys.executable, __file__, "--seeds", "1", "--seed", str(seed)]
            command += ["--uploads", str(args.uploads), "--rate", str(args.rate)]
            command += ["--timeout", str(args.timeout), "--outcome-file", str(outcome_file)]
            command += ["--sdk-backoff"] if args.sdk_backoff else []
            subprocess.run(command, check=False)  # noqa: S603 - this script, its own arguments
            if outcome_file.exists():
                outcomes.append(json.loads(outcome_file.read_text()))
            else:
                outcomes.append({"seed": seed, "failed": True})
    print(f"\nChaos runs: {args.uploads} uploads each, {args.rate:.0%} of AWS calls failing")
    print(
        "| seed | indexed | rejected | unfinished | lost | duplicated | dead letters "
        "| events | repeats | unannounced | settled in |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for o in outcomes:
        if o.get("failed"):
            print(f"| {o['seed']} | the run failed | | | | | | | | | |")
            continue
        print(
            f"| {o['seed']} | {o['indexed']} | {o['rejected']} | {o['unfinished']} | {o['lost']} "
            f"| {o['duplicated']} | {o['dead_letters']} | {o['events']} | {o['repeats']} "
            f"| {o['unannounced']} | {o['seconds']:.0f} s |"
        )
    bad = [
        o for o in outcomes if o.get("failed") or o["lost"] or o["duplicated"] or o["unannounced"]
    ]
    sys.exit(1 if bad else 0)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """One seed's run through a local stack of its own; prints its report to the console."""
    os.environ["AWS_RETRY_MODE"] = "standard"
    # Every instance of the pipeline's functions fails its share of calls; the API, which
    # counts the outcome below, gets no faults.
    faults = FaultSettings(rate=args.rate, seed=args.seed, without_waits=not args.sdk_backoff)
    console = sys.stdout
    stack = start(
        s3_port=0,
        api_port=0,
        retry_delay=1,
        function_log=STACK_ROOT / ".local-stack" / "chaos-functions.log",
        faults=faults,
    )
    s3 = stack.client("s3")
    cms = subscribe(stack.client("events"), stack.client("sqs"), stack.event_bus, "chaos-cms")
    began = time.monotonic()
    keys = []
    words = vocabulary()
    rng = random.Random(args.seed)
    for n in range(args.uploads):
        name, data, content_type = story(n, words, rng)
        key = f"incoming/{name}"
        s3.put_object(Bucket=stack.bucket, Key=key, Body=data, ContentType=content_type)
        keys.append(key)

    work_queues = [stack.queue_urls[q] for q in ("ParseQueue", "SummarizeQueue", "IndexQueue")]
    while time.monotonic() - began < args.timeout:
        if all(queue_depth(stack, url) == 0 for url in work_queues):
            break
        time.sleep(2)
    elapsed = time.monotonic() - began
    instances = stack.stop_functions()
    # Messages still queued at the time limit are work not yet done, not work lost.
    queued = sum(queue_depth(stack, url) for url in work_queues)

    outcome: dict[str, int] = {"indexed": 0, "rejected": 0, "unsettled": 0, "duplicated": 0}
    # What each settled article must have announced: its id by the event it is owed.
    owed: dict[str, list[str]] = {"Article Indexed": [], "Article Rejected": []}
    for n, key in enumerate(keys):
        items = api(stack, "/articles", key=key)["items"]
        status = items[0]["status"] if len(items) == 1 else None
        if status in ("indexed", "rejected"):
            outcome[status] += 1
            owed[f"Article {str(status).capitalize()}"].append(items[0]["id"])
        else:
            outcome["unsettled"] += 1
        if status == "indexed":
            hits = api(stack, "/search", q=f"chaosmarker{n}")["items"]
            if len(hits) != 1:
                outcome["duplicated"] += 1
                print(f"  {key}: {len(hits)} search hits", file=console)
    received = cms.received()
    per_article: dict[str, Counter[str]] = defaultdict(Counter)
    for event in received:
        per_article[event["detail-type"]][event["detail"]["article_id"]] += 1
    repeats = len(received) - len({event["detail"]["event_id"] for event in received})
    unannounced = {
        detail_type: [i for i in ids if not per_article[detail_type][i]]
        for detail_type, ids in owed.items()
    }
    indexed_counts = [per_article["Article Indexed"][i] for i in owed["Article Indexed"]]
    dead = {
        name: queue_depth(stack, stack.queue_urls[name])
        for name in ("ParseDeadLetterQueue", "SummarizeDeadLetterQueue", "IndexDeadLetterQueue")
    }
    redelivered = sum(instance.failed_messages for instance in instances)
    calls = sum(instance.calls for instance in instances)
    injected: Counter[str] = sum((instance.injected for instance in instances), Counter())
    total = sum(injected.values())
    stack.stop()

    print(
        f"\nChaos run: {args.uploads} uploads, {args.rate:.0%} of AWS calls failing", file=console
    )
    print(f"  seed                    {args.seed:8d}", file=console)
    print(f"  settled in              {elapsed:8.1f} s", file=console)
    print(f"  AWS calls by functions  {calls:8d}", file=console)
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(injected.items()))
    print(f"  faults injected         {total:8d}   ({kinds})", file=console)
    print(f"  absorbed by SDK retries {total - redelivered:8d}   (at least)", file=console)
    print(f"  messages redelivered    {redelivered:8d}", file=console)
    print(f"  indexed                 {outcome['indexed']:8d}", file=console)
    print(
        f"  rejected (bad uploads)  {outcome['rejected']:8d}   (every 25th: empty or binary)",
        file=console,
    )
    lost = outcome["unsettled"] if queued == 0 else 0
    print(
        f"  unfinished at the limit {outcome['unsettled'] - lost:8d}   ({queued} messages queued)",
        file=console,
    )
    print(f"  lost                    {lost:8d}", file=console)
    print(f"  duplicated              {outcome['duplicated']:8d}", file=console)
    print(f"  dead letters            {sum(dead.values()):8d}   {dead}", file=console)
    by_type = ", ".join(f"{kind} {sum(c.values())}" for kind, c in sorted(per_article.items()))
    print(f"  events received         {len(received):8d}   ({by_type})", file=console)
    print(f"  repeated (same id)      {repeats:8d}", file=console)
    if indexed_counts:
        print(
            f"  Article Indexed/article {min(indexed_counts):4d}–{max(indexed_counts)}   "
            f"(mean {sum(indexed_counts) / len(indexed_counts):.2f})",
            file=console,
        )
    for detail_type, ids in unannounced.items():
        print(f"  no {detail_type:21}{len(ids):8d}   {ids[:5]}", file=console)
    return {
        "seed": args.seed,
        "indexed": outcome["indexed"],
        "rejected": outcome["rejected"],
        "unfinished": outcome["unsettled"] - lost,
        "lost": lost,
        "duplicated": outcome["duplicated"],
        "dead_letters": sum(dead.values()),
        "events": len(received),
        "repeats": repeats,
        "unannounced": sum(len(ids) for ids in unannounced.values()),
        "seconds": round(elapsed, 1),
    }


if __name__ == "__main__":
    main()
