"""Server time of the reader pages beside the JSON routes they are built from, in moto.

    .venv/bin/python bench/reader.py [--rounds N]

Uploads the demo's sample articles, runs them through the pipeline, then renders every page
through the local API Gateway front and the real handlers, N times each, and prints p50/p95
milliseconds and the AWS requests each render made. The JSON column is the sum of the API
routes that give the same data, timed the same way in the same process.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

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

from metering import Meter  # noqa: E402
from moto import mock_aws  # noqa: E402

from local.api_gateway import ApiGateway  # noqa: E402
from local.functions import queue_pollers, stack_functions  # noqa: E402
from local.moto_gaps import behave_like_aws  # noqa: E402
from local.resources import create_resources  # noqa: E402
from local.template import read_stack  # noqa: E402
from newsbrief import runtime  # noqa: E402
from newsbrief.models import Status  # noqa: E402

SAMPLES = ROOT / "examples" / "articles"
CONTENT_TYPES = {".html": "text/html", ".md": "text/markdown", ".json": "application/json"}
QUERIES = ["city council budget", "league title", "сверхновая", "storm power cuts"]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed(rounds: int, meter: Meter, render: Callable[[int], None]) -> tuple[float, float, float]:
    """p50 and p95 milliseconds of ``render(n)`` and the AWS requests of one call."""
    render(0)  # the first call imports and builds what later calls reuse
    before = sum(meter.requests.values())
    seconds = []
    for n in range(rounds):
        started = time.perf_counter()
        render(n)
        seconds.append(time.perf_counter() - started)
    requests = (sum(meter.requests.values()) - before) / rounds
    return percentile(seconds, 0.5) * 1000, percentile(seconds, 0.95) * 1000, requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()

    spec, resolver = read_stack(ROOT / "template.yaml", "newsbrief")
    os.environ.update(spec.environment)
    samples = [p for p in sorted(SAMPLES.iterdir()) if p.is_file() and p.name != "README.md"]
    behave_like_aws()
    with mock_aws():
        runtime.reset()
        s3, sqs, dynamodb = (runtime.client(name) for name in ("s3", "sqs", "dynamodb"))
        queue_urls = create_resources(spec, s3, sqs, dynamodb, runtime.client("events"))
        functions = stack_functions(spec)
        pollers = queue_pollers(spec, resolver.arns, functions, sqs, queue_urls, retry_delay=0)
        for path in samples:
            s3.put_object(
                Bucket=spec.bucket_name,
                Key=f"incoming/{path.name}",
                Body=path.read_bytes(),
                ContentType=CONTENT_TYPES.get(path.suffix, "text/plain"),
            )
        while sum(poller.poll_once() for poller in pollers):
            pass
        articles = runtime.article_repository()
        ids = [
            article_id
            for path in samples
            for article_id in articles.ids_for_source_key(f"incoming/{path.name}")
            if (record := articles.get(article_id)) is not None and record.status is Status.INDEXED
        ]
        meter = Meter()
        for client in (runtime.client("dynamodb"), runtime.client("s3")):
            meter.attach(client)
        meter.attach(runtime.dynamodb().meta.client)
        gateway = ApiGateway(
            spec.routes, functions, "bench-key", spec.binary_media_types, spec.gateway_responses
        )

        def get(*paths: str) -> None:
            for path in paths:
                status, _, _ = gateway.handle("GET", path, {"host": "127.0.0.1"}, b"")
                if status != 200:
                    raise SystemExit(f"GET {path} answered {status}")

        def article(n: int) -> str:
            return ids[n % len(ids)]

        def query(n: int) -> str:
            return quote(QUERIES[n % len(QUERIES)])

        rows = [
            ("/", lambda n: get("/"), lambda n: get("/articles?limit=20")),
            (
                "/read/{id}",
                lambda n: get(f"/read/{article(n)}"),
                lambda n: get(
                    f"/articles/{article(n)}",
                    f"/articles/{article(n)}/neighbors",
                    f"/articles/{article(n)}/related?limit=5",
                ),
            ),
            (
                "/read/{id}/summary",
                lambda n: get(f"/read/{article(n)}/summary?length=medium"),
                lambda n: get(f"/articles/{article(n)}/summary?length=medium"),
            ),
            (
                "/find?q=",
                lambda n: get(f"/find?q={query(n)}"),
                lambda n: get(f"/search?q={query(n)}"),
            ),
        ]
        print(
            f"Reader pages on the {len(ids)} demo articles, {args.rounds} renders each, in moto\n"
        )
        print(
            f"{'page':<20}{'p50 ms':>8}{'p95 ms':>8}{'AWS req':>9}   "
            f"{'JSON p50':>9}{'JSON p95':>9}{'AWS req':>9}  JSON routes"
        )
        for name, page, json_routes in rows:
            page_p50, page_p95, page_requests = timed(args.rounds, meter, page)
            json_p50, json_p95, json_requests = timed(args.rounds, meter, json_routes)
            routes = {
                "/": "/articles",
                "/read/{id}": "/articles/{id} + /neighbors + /related",
                "/read/{id}/summary": "/articles/{id}/summary",
                "/find?q=": "/search",
            }[name]
            print(
                f"{name:<20}{page_p50:>8.1f}{page_p95:>8.1f}{page_requests:>9.1f}   "
                f"{json_p50:>9.1f}{json_p95:>9.1f}{json_requests:>9.1f}  {routes}"
            )
        print(
            "\nIn the browser an article page is one request for the HTML; "
            "the summary button adds one JSON request (GET /articles/{id}/summary)."
        )


if __name__ == "__main__":
    main()
