"""`newsbrief import` on a large folder: upload rate and the tool's peak memory, at two sizes.

    .venv/bin/python bench/import_scale.py              # 10,000 and 100,000 files
    .venv/bin/python bench/import_scale.py --files 20000

Makes a folder of small text files (100 subfolders), starts a bare moto S3 server in its own
process (a bucket, no pipeline behind it: this measures the tool, not the stack) and runs the
real `newsbrief import` on it as a user would, twice per size: the first run uploads everything,
the second finds everything already uploaded. Prints files/s and the tool's peak RSS for each
run; the memory of the small run is the baseline, so "peak RSS ratio" near 1 means memory does
not grow with the number of files (the walk streams, the run's records are in SQLite).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3

from newsbrief_cli.target import LOCAL_CREDENTIALS

ROOT = Path(__file__).resolve().parents[1]
NEWSBRIEF = str(Path(sys.executable).with_name("newsbrief"))
BUCKET = "newsbrief-import-bench"
FOLDERS = 100

# Runs one command and prints its peak RSS (KiB): a child's own accounting, apart from ours.
MEASURE = (
    "import resource, subprocess, sys;"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode;"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)"
)


def make_folder(root: Path, files: int) -> None:
    for n in range(files):
        folder = root / f"section-{n % FOLDERS:03}"
        if n < FOLDERS:
            folder.mkdir(parents=True)
        (folder / f"story-{n:06}.txt").write_text(
            f"Story {n}\n\nThe council met on day {n} and approved plan {n * 7 % 1000}. "
            "Members discussed the harbour, the ferry timetable and the library budget.\n"
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_moto(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603 - moto's own server
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.2)
    server.kill()
    raise RuntimeError("moto server did not start")


def write_banner(path: Path, endpoint: str, instance: str) -> None:
    path.write_text(
        json.dumps(
            {
                "s3_endpoint": endpoint,
                "api_url": "http://127.0.0.1:9",
                "region": "us-east-1",
                "instance": instance,
                "outputs": {"ArticlesBucketName": BUCKET, "ApiUrl": "http://127.0.0.1:9"},
            }
        )
    )


def run_import(folder: Path, prefix: str, env: dict[str, str]) -> tuple[float, int, int]:
    command = [NEWSBRIEF, "import", str(folder), "--prefix", prefix, "--concurrency", "16"]
    started = time.perf_counter()
    measured = subprocess.run(  # noqa: S603 - the project's own command
        [sys.executable, "-c", MEASURE, *command],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    peak_kib, code = (int(value) for value in measured.stdout.split())
    return seconds, peak_kib, code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=100_000, help="the large run's files")
    parser.add_argument("--baseline", type=int, default=10_000, help="the small run's files")
    args = parser.parse_args()

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = start_moto(port)
    try:
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            **LOCAL_CREDENTIALS,
        )
        s3.create_bucket(Bucket=BUCKET)
        with tempfile.TemporaryDirectory(prefix="newsbrief-bench-") as scratch:
            work = Path(scratch)
            env = {
                **os.environ,
                "NEWSBRIEF_BANNER_FILE": str(work / "banner.json"),
                "NEWSBRIEF_MANIFEST": str(work / "manifest.sqlite3"),
            }
            write_banner(work / "banner.json", endpoint, "bench")
            baseline_rss = 0
            print(f"{'files':>8} {'run':>8} {'seconds':>8} {'files/s':>8} {'peak RSS':>10} ratio")
            for size in (args.baseline, args.files):
                folder = work / f"archive-{size}"
                began = time.perf_counter()
                make_folder(folder, size)
                print(f"# made {size:,} files in {time.perf_counter() - began:.1f} s")
                for label in ("upload", "rerun"):
                    seconds, peak_kib, code = run_import(folder, f"run-{size}", env)
                    if code != 0:
                        print(f"newsbrief import exited with {code}", file=sys.stderr)
                        return 1
                    baseline_rss = baseline_rss or peak_kib
                    print(
                        f"{size:>8,} {label:>8} {seconds:>8.1f} {size / seconds:>8.0f} "
                        f"{peak_kib / 1024:>7.0f} MB {peak_kib / baseline_rss:5.2f}"
                    )
            stored = sum(
                page.get("KeyCount", 0)
                for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
            )
            expected = args.baseline + args.files
            print(f"objects in the bucket: {stored:,} (expected {expected:,})")
            return 0 if stored == expected else 1
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
