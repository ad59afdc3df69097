"""Main-text extraction benchmark: the project's parser beside trafilatura and readability-lxml
on the same pages in one run (bag-of-words F1 and pages/s, scored by the shared evaluation
script), then the parser's cold-start cost next to boto3's.

    .venv/bin/python bench/extraction.py                  # all 790 dev pages
    .venv/bin/python bench/extraction.py --limit 100 --runs 3
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_EVAL = SHARED / "eval" / "extraction_eval.py"
DEFAULT_DATASET = SHARED / "data" / "extraction" / "wcxb-dev-articles"
FIXTURE_PAGE = ROOT / "tests" / "fixtures" / "parsing" / "news-page.html"

COLD_SNIPPETS = {
    "import newsbrief.parsing": "import newsbrief.parsing",
    "import boto3 + one client": (
        "import boto3\nboto3.client('s3', region_name='us-east-1', "
        "aws_access_key_id='x', aws_secret_access_key='x')"
    ),
    "newsbrief.parsing: import + first HTML parse": (
        "from pathlib import Path\nfrom newsbrief.parsing import parse_upload\n"
        f"parse_upload(Path({str(FIXTURE_PAGE)!r}).read_bytes(), filename='page.html')"
    ),
}


def load_eval_script(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("extraction_eval", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["extraction_eval"] = module
    spec.loader.exec_module(module)
    return module


def quality(scoring: ModuleType, dataset: Path, limit: int | None) -> None:
    from newsbrief.parsing import html_to_text

    pages = scoring.load_dataset(dataset, None, limit)
    extractors = [
        ("newsbrief", lambda html, url: html_to_text(html)),
        scoring.resolve("trafilatura_nc"),
        scoring.resolve("readability"),
    ]
    rows = []
    for name, extract in extractors:
        summary, _ = scoring.evaluate(name, extract, pages, 60.0, None)
        rows.append(summary)
    scoring.print_table(dataset.name, rows)


def timed_run(snippet: str) -> float:
    """Seconds that ``snippet`` takes in a fresh interpreter, measured inside it."""
    program = (
        "import time\n_start = time.perf_counter()\n"
        + snippet
        + "\nprint(time.perf_counter() - _start)"
    )
    # The program is built from this module's own snippets.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return float(result.stdout.strip().splitlines()[-1])


def cold_start(runs: int) -> None:
    print(f"\n== cold start: median of {runs} fresh interpreters (ms)")
    medians = {}
    for label, snippet in COLD_SNIPPETS.items():
        times = [timed_run(snippet) for _ in range(runs)]
        medians[label] = statistics.median(times)
        print(f"{label:<46} {1000 * medians[label]:8.1f}   (min {1000 * min(times):.1f})")
    ratio = medians["import newsbrief.parsing"] / medians["import boto3 + one client"]
    print(f"import newsbrief.parsing / (import boto3 + one client) = {ratio:.2f}  (target < 1.5)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--eval-script", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--limit", type=int, help="only the first N pages")
    parser.add_argument("--runs", type=int, default=7, help="fresh interpreters per cold figure")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args(argv)
    if not args.skip_quality:
        quality(load_eval_script(args.eval_script), args.dataset, args.limit)
    cold_start(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
