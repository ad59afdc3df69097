"""Articles per second through a fresh local stack, imported as a newsroom would import them.

    .venv/bin/python bench/local_throughput.py [--text 600] [--html 790] [--in-process 200]

For each of two sets, starts a fresh `python -m local serve` (the stack `make serve` runs) and
times the real `newsbrief --local import FOLDER --wait` from the first upload until every file
is indexed or rejected: (a) CNN/DM dev stories written as text files, (b) the WCXB dev article
pages as HTML files (bench/datasets.py finds both). Beside each end-to-end rate, the same files
(the first ``--in-process`` of them) go through each stage's real handler in one process, one
stage after another (bench/pipeline.py's run_stages): what one interpreter does per stage. The
machine's load average is printed with the figures, since the machine may be shared.

Targets on a 2-core machine: at least 8 articles/s for text and 3 articles/s for HTML, end to end.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from datasets import require  # noqa: E402
from pipeline import STAGES, Upload, run_stages  # noqa: E402

from local.launch import served_stack  # noqa: E402

NEWSBRIEF = str(Path(sys.executable).with_name("newsbrief"))
TARGETS = {"text": 8.0, "html": 3.0}
CONTENT_TYPES = {".txt": "text/plain", ".html": "text/html"}
# The import tool's table: "│ indexed │ 590 │ ... │" and "│ rejected: too_short │ 3 │ ... │".
SETTLED_ROW = re.compile(r"^\W*(indexed|rejected: \S+)\s*│\s*(\d+)", re.MULTILINE)


@dataclass
class EndToEnd:
    files: int
    settled: int
    seconds: float
    exit_code: int
    report: str

    @property
    def rate(self) -> float:
        return self.settled / self.seconds


def write_text_articles(folder: Path, count: int) -> None:
    path = require("cnndm") / "dev.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            if n >= count:
                break
            story = json.loads(line)
            (folder / f"cnndm-{story['id']}.txt").write_text(story["text"], encoding="utf-8")


def write_html_pages(folder: Path, count: int) -> None:
    pages = sorted((require("wcxb-dev-articles") / "html").glob("*.html.gz"))
    for page in pages[:count]:
        (folder / page.name.removesuffix(".gz")).write_bytes(gzip.decompress(page.read_bytes()))


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return (
        f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min, {os.cpu_count()} cores)"
    )


def import_into_fresh_stack(folder: Path, scratch: Path, idle_timeout: float) -> EndToEnd:
    with served_stack(scratch) as served:
        command = [NEWSBRIEF, "--local", "import", str(folder), "--wait"]
        command += ["--idle-timeout", str(idle_timeout)]
        command += ["--manifest", str(scratch / "manifest.sqlite3")]
        env = {**os.environ, "NEWSBRIEF_BANNER_FILE": str(served.banner_file), "COLUMNS": "160"}
        env.pop("AWS_ENDPOINT_URL", None)
        began = time.monotonic()
        tool = subprocess.run(  # noqa: S603 - the project's own tool
            command, env=env, capture_output=True, text=True
        )
        seconds = time.monotonic() - began
    settled = sum(int(count) for _, count in SETTLED_ROW.findall(tool.stdout))
    files = sum(1 for path in folder.iterdir() if path.is_file())
    return EndToEnd(files, settled, seconds, tool.returncode, tool.stdout.strip())


def in_process_rates(folder: Path, count: int) -> dict[str, float]:
    paths = sorted(path for path in folder.iterdir() if path.is_file())[:count]
    uploads = [
        Upload(f"incoming/{path.name}", path.read_bytes(), CONTENT_TYPES[path.suffix])
        for path in paths
    ]
    # The handlers' JSON logs and metrics would bury the figures.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        run = run_stages(uploads)
    return {name: len(uploads) / run.seconds[name] for name in STAGES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--text", type=int, default=600, help="CNN/DM dev stories")
    parser.add_argument("--html", type=int, default=790, help="WCXB dev article pages")
    parser.add_argument("--in-process", type=int, default=200, help="files per in-process run")
    parser.add_argument("--idle-timeout", type=float, default=300)
    args = parser.parse_args()

    print("Local stack throughput, `newsbrief import --wait` into a fresh `python -m local serve`")
    print(f"at start: {load()}\n")
    rows = []
    for kind, count, write in (
        ("text", args.text, write_text_articles),
        ("html", args.html, write_html_pages),
    ):
        if count <= 0:
            continue
        with tempfile.TemporaryDirectory() as scratch_name:
            scratch = Path(scratch_name)
            folder = scratch / kind
            folder.mkdir()
            write(folder, count)
            result = import_into_fresh_stack(folder, scratch, args.idle_timeout)
            load_after_import = load()
            stages = in_process_rates(folder, args.in_process)
        print(f"{kind}: {result.files} files, the import tool's report:\n{result.report}\n")
        print(f"  after the import: {load_after_import}")
        rows.append((kind, result, stages))

    print(
        f"\n{'set':<6}{'files':>7}{'settled':>9}{'seconds':>9}{'articles/s':>12}{'target':>8}",
        end="",
    )
    print("".join(f"{name.removesuffix('Function') + ' /s':>14}" for name in STAGES))
    for kind, result, stages in rows:
        verdict = "met" if result.rate >= TARGETS[kind] else "MISSED"
        print(
            f"{kind:<6}{result.files:>7}{result.settled:>9}{result.seconds:>9.1f}"
            f"{result.rate:>12.2f}{TARGETS[kind]:>6.0f} {verdict:<7}",
            end="",
        )
        print("".join(f"{stages[name]:>14.1f}" for name in STAGES))
    print(f"\n(in-process stage rates: the first {args.in_process} files of each set, one stage")
    print(" at a time through its real handler in moto, in this process)")
    print(f"at end: {load()}")
    if any(
        result.settled < result.files or result.exit_code not in (0, 1) for _, result, _ in rows
    ):
        print("some files did not settle", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
