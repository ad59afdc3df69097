"""Throughput per stage, cold imports and the AWS cost of 1,000 articles, measured in moto.

    .venv/bin/python bench/pipeline.py [--copies N]

Uploads the sample articles (N copies under distinct keys), drains each stage's queue through
its real handler, and prices the requests the run really made.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)

from coldstart import (  # noqa: E402
    BOTO3_AND_ONE_CLIENT,
    handler_import,
    lambda_environment,
    median_cold_seconds,
)
from metering import (  # noqa: E402
    DYNAMODB_READ_PER_MILLION,
    DYNAMODB_WRITE_PER_MILLION,
    LAMBDA_ARM_PER_GB_SECOND,
    LAMBDA_PER_MILLION_REQUESTS,
    PRICES_DATE,
    Meter,
)
from moto import mock_aws  # noqa: E402

from local.functions import Function, QueuePoller  # noqa: E402
from local.moto_gaps import behave_like_aws  # noqa: E402
from local.resources import create_resources  # noqa: E402
from local.template import read_stack  # noqa: E402
from newsbrief import runtime  # noqa: E402
from newsbrief.models import Status  # noqa: E402

SAMPLES = ROOT / "examples" / "articles"
DEFAULT_COPIES = 5
CONTENT_TYPES = {".html": "text/html", ".md": "text/markdown", ".json": "application/json"}


@dataclass
class Upload:
    key: str
    body: bytes
    content_type: str


@dataclass
class StageRun:
    """What draining each stage's queue in turn took, in process."""

    functions: dict[str, Function]
    seconds: dict[str, float]
    batches: dict[str, int]
    indexed: int


STAGES = ("ParseFunction", "SummarizeFunction", "IndexFunction")


def run_stages(uploads: list[Upload], meter: Meter | None = None) -> StageRun:
    """Uploads into moto, then drains each stage's queue through its real handler, one stage
    after another, so each stage's time is its own; ``meter`` sees every AWS request."""
    spec, resolver = read_stack(ROOT / "template.yaml", "newsbrief")
    os.environ.update(spec.environment)
    behave_like_aws()
    with mock_aws():
        runtime.reset()
        s3, sqs, dynamodb = (runtime.client(name) for name in ("s3", "sqs", "dynamodb"))
        events = runtime.client("events")
        queue_urls = create_resources(spec, s3, sqs, dynamodb, events)
        if meter is not None:
            for client in (dynamodb, s3, sqs, events, runtime.dynamodb().meta.client):
                meter.attach(client)
        functions: dict[str, Function] = {}
        pollers: dict[str, QueuePoller] = {}
        for mapping in spec.mappings:
            function = Function(
                mapping.function,
                mapping.code_dir,
                mapping.handler,
                mapping.memory_mb,
                mapping.timeout,
            )
            functions[mapping.function] = function
            pollers[mapping.function] = QueuePoller(
                mapping,
                function,
                sqs,
                queue_urls[mapping.queue_logical_id],
                resolver.arns[mapping.queue_logical_id],
                retry_delay=0,
            )
        for upload in uploads:
            s3.put_object(
                Bucket=spec.bucket_name,
                Key=upload.key,
                Body=upload.body,
                ContentType=upload.content_type,
            )
        seconds: dict[str, float] = {}
        for name in STAGES:
            poller = pollers[name]
            started = time.perf_counter()
            while poller.poll_once():
                pass
            seconds[name] = time.perf_counter() - started
        articles_table = runtime.article_repository()
        indexed = sum(
            1
            for upload in uploads
            for article_id in articles_table.ids_for_source_key(upload.key)
            if (record := articles_table.get(article_id)) is not None
            and record.status is Status.INDEXED
        )
    return StageRun(
        functions,
        seconds,
        {name: poller.batches for name, poller in pollers.items()},
        indexed,
    )


def cost_per_thousand(copies: int, show_stages: bool) -> list[tuple[str, float, float]]:
    """Runs the sample articles (``copies`` copies under distinct keys) through every stage's
    real handler in moto and returns (label, quantity, dollars) per 1,000 indexed articles."""
    samples = [p for p in sorted(SAMPLES.iterdir()) if p.is_file() and p.name != "README.md"]
    uploads = [
        Upload(
            f"incoming/copy-{copy}/{path.name}",
            path.read_bytes(),
            CONTENT_TYPES.get(path.suffix, "text/plain"),
        )
        for copy in range(copies)
        for path in samples
    ]
    meter = Meter()
    run = run_stages(uploads, meter)
    functions, indexed = run.functions, run.indexed
    if show_stages:
        print(f"Pipeline on {len(uploads)} uploads ({len(samples)} samples × {copies}), in moto\n")
        print(f"{'stage':<20}{'seconds':>9}{'articles/s':>12}{'batches':>9}")
        for name in STAGES:
            elapsed = run.seconds[name]
            print(f"{name:<20}{elapsed:>9.2f}{len(uploads) / elapsed:>12.1f}{run.batches[name]:>9}")
        print(f"\nindexed articles: {indexed} of {len(uploads)} uploads")

    per_thousand = 1000 / max(indexed, 1)
    lambda_cost = sum(
        f.seconds * f.memory_mb / 1024 * LAMBDA_ARM_PER_GB_SECOND
        + f.invocations * LAMBDA_PER_MILLION_REQUESTS / 1e6
        for f in functions.values()
    )
    rows = [
        (
            "S3 requests",
            sum(n for k, n in meter.requests.items() if k.startswith("s3:")),
            meter.s3_cost(),
        ),
        (
            "SQS requests",
            sum(n for k, n in meter.requests.items() if k.startswith("sqs:")),
            meter.sqs_cost(),
        ),
        ("EventBridge events", meter.billed_events, meter.events_cost()),
        (
            "DynamoDB WRU",
            meter.capacity.write_units,
            meter.capacity.write_units * DYNAMODB_WRITE_PER_MILLION / 1e6,
        ),
        (
            "DynamoDB RRU",
            meter.capacity.read_units,
            meter.capacity.read_units * DYNAMODB_READ_PER_MILLION / 1e6,
        ),
        (
            "Lambda GB-s + req",
            sum(f.seconds * f.memory_mb / 1024 for f in functions.values()),
            lambda_cost,
        ),
    ]
    return [(label, quantity * per_thousand, cost * per_thousand) for label, quantity, cost in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=DEFAULT_COPIES)
    parser.add_argument("--import-runs", type=int, default=5)
    args = parser.parse_args()

    rows = cost_per_thousand(args.copies, show_stages=True)
    print(f"\nAWS cost of 1,000 articles (us-east-1 list prices, {PRICES_DATE})")
    for label, quantity, cost in rows:
        print(f"  {label:<20}{quantity:>12.1f}   ${cost:.4f}")
    print(f"  {'total':<20}{'':>12}   ${sum(cost for _, _, cost in rows):.4f}")
    print("  (Lambda GB-s from this machine's wall time at the template's memory sizes)")

    print("\nCold import (median of fresh interpreters; handlers in Lambda's environment)")
    baseline = median_cold_seconds(BOTO3_AND_ONE_CLIENT, args.import_runs)
    print(f"  {'boto3 + one client':<22}{baseline * 1000:8.0f} ms   1.00×")
    for name in ("parse", "summarize", "index", "api"):
        function_dir = ROOT / "functions" / name
        seconds = median_cold_seconds(
            handler_import(function_dir), args.import_runs, lambda_environment(function_dir)
        )
        print(f"  {name + ' handler':<22}{seconds * 1000:8.0f} ms   {seconds / baseline:.2f}×")


if __name__ == "__main__":
    main()
