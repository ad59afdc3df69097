"""``python -m local serve|demo``: the local stack, with or without the sample articles."""

from __future__ import annotations

import argparse
import contextlib
import json
import mimetypes
import os
import signal
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, TextIO

from local.banner import remove_banner, write_banner
from local.call_recorder import ENVIRONMENT_VARIABLE
from local.stack import FUNCTION_LOG, ROOT, LocalStack, start

SAMPLES = ROOT / "examples" / "articles"
CONTENT_TYPES = {".md": "text/markdown", ".txt": "text/plain", ".json": "application/json"}


def api_get(stack: LocalStack, path: str, **params: Any) -> Any:
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    url = f"{stack.api_url}{path}" + (f"?{query}" if query else "")
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own localhost API
        return json.loads(response.read())


def upload_samples(stack: LocalStack, folder: Path) -> list[str]:
    """Uploads every sample, the seed article first so that its summary is the first one ready."""
    s3 = stack.client("s3")
    keys = []
    samples = [p for p in folder.iterdir() if p.is_file() and p.name.lower() != "readme.md"]
    for path in sorted(samples, key=lambda p: ("seed" not in p.name, p.name)):
        key = f"incoming/{path.name}"
        content_type = CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        s3.put_object(
            Bucket=stack.bucket,
            Key=key,
            Body=path.read_bytes(),
            ContentType=content_type or "application/octet-stream",
        )
        keys.append(key)
    return keys


def wait_until_settled(stack: LocalStack, keys: list[str], timeout: float) -> dict[str, list[Any]]:
    """Waits until every key's articles are indexed or rejected; returns them by key."""
    deadline = time.monotonic() + timeout
    settled: dict[str, list[Any]] = {}
    while time.monotonic() < deadline and len(settled) < len(keys):
        for key in keys:
            if key in settled:
                continue
            items = api_get(stack, "/articles", key=key)["items"]
            if items and all(item["status"] in ("indexed", "rejected") for item in items):
                settled[key] = items
        time.sleep(0.5)
    return settled


def show_summary(stack: LocalStack, items: list[Any], out: TextIO) -> bool:
    """Prints the summary of the first indexed article among ``items``; False if there is none."""
    indexed = [item for item in items if item["status"] == "indexed"]
    if not indexed:
        return False
    summary = api_get(stack, f"/articles/{indexed[0]['id']}/summary")
    language = indexed[0]["language"] or "language unknown"
    print(f"\nSummary of “{summary['title']}” ({summary['method']}, {language}):", file=out)
    if summary["pending_review"]:
        print("  Summary pending review (SummaryReview=required)", file=out)
    for sentence in summary["summary"]:
        print(f"  • {sentence}", file=out)
    out.flush()
    return True


def report(
    stack: LocalStack, settled: dict[str, list[Any]], total: int, seconds: float, out: TextIO
) -> None:
    print(f"\n{len(settled)} of {total} uploads processed in {seconds:.1f} s\n", file=out)
    for key, items in sorted(settled.items()):
        for item in items:
            title = item["title"] or "(no title)"
            print(
                f"  [{item['status']:8}] {title[:70]:70}  {item['language'] or '':2}  {key}",
                file=out,
            )
    query = "Uzbekistan Afghanistan"
    results = api_get(stack, "/search", q=query, limit=3)
    print(f"\nSearch “{query}”: {results['total']} results", file=out)
    for hit in results["items"]:
        print(f"  {hit['score']:6.2f}  {hit['title']}", file=out)
    print(
        f"\nRead them: open {stack.api_url}/   ·   in Russian: {stack.api_url}/?lang=ru", file=out
    )
    print(f"Try: curl '{stack.api_url}/search?q=city+council+budget'", file=out)
    print(
        f"     curl '{stack.api_url}/articles?limit=5'   ·   docs: {stack.api_url}/swagger\n",
        file=out,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__)
    parser.add_argument("command", choices=["serve", "demo"])
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--wait", type=float, default=180.0, help="seconds to wait for the demo")
    parser.add_argument("--exit", action="store_true", help="stop after the demo's report")
    parser.add_argument(
        "--record-calls",
        type=Path,
        metavar="DIR",
        help=f"record each function's AWS calls into DIR for `python -m local.iam_check DIR` "
        f"(as {ENVIRONMENT_VARIABLE}=DIR does)",
    )
    args = parser.parse_args(argv)
    if args.record_calls:
        # The function instances inherit the environment and record too.
        os.environ[ENVIRONMENT_VARIABLE] = str(args.record_calls.resolve())

    console = sys.stdout
    stopped = threading.Event()
    # SIGTERM (as from `kill` or a test's terminate()) stops the stack as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stack = start()
    banner = write_banner(stack)
    print(json.dumps(stack.banner()), file=console, flush=True)
    print(f"Reader pages: open {stack.api_url}/", file=console, flush=True)
    print(f"Function logs and metrics: {FUNCTION_LOG}", file=console, flush=True)
    if args.command == "demo":
        began = time.monotonic()
        keys = upload_samples(stack, args.samples)
        # The first article's summary is shown as soon as it is ready, while the rest go on.
        settled = wait_until_settled(stack, keys[:1], args.wait)
        shown = show_summary(stack, [i for items in settled.values() for i in items], console)
        left = args.wait - (time.monotonic() - began)
        settled |= wait_until_settled(stack, keys[1:], left)
        in_upload_order = [i for key in keys for i in settled.get(key, [])]
        if not shown:
            # The first upload was rejected: the first article that was indexed instead.
            show_summary(stack, in_upload_order, console)
        # The newsroom's own language beside the English one.
        show_summary(stack, [i for i in in_upload_order if i["language"] == "ru"], console)
        report(stack, settled, len(keys), time.monotonic() - began, console)
        if len(settled) < len(keys):
            print("some uploads did not settle in time", file=sys.stderr)
            remove_banner(banner)
            stack.stop()
            return 1
    if args.exit:
        remove_banner(banner)
        stack.stop()
        return 0
    print("Serving; press Ctrl-C to stop.", file=console, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        # A bounded wait, so that the signal's handler runs as soon as the signal comes.
        while not stopped.wait(0.5):
            pass
    remove_banner(banner)
    stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
