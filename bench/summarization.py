"""ROUGE and speed of the project's summarizer beside Lead-k, on documents it was not trained on.

CNN/DM: the held-out third of the dev file (the fixed split of scripts/train_summarizer.py),
3 sentences. BBC News Summary: the whole dev file (never used for training or tuning), as many
sentences as the reference has. Both are scored by the shared evaluation script in one run per
dataset, so Lead-k and the summarizer see the same documents, splitter and scorer.

    .venv/bin/python bench/summarization.py [--limit N] [--out results.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from train_summarizer import SHARED_DATA, is_held_out, read_jsonl  # noqa: E402

EVAL_SCRIPT = REPO.parent / "shared" / "eval" / "summarization_eval.py"
SUMMARIZER = "newsbrief.summarizing:summarize_text"
DATASETS = {
    # folder name (the eval script picks the length rule from it) -> (source, keep the doc?)
    "cnndm": (SHARED_DATA / "cnndm" / "dev.jsonl.gz", is_held_out),
    "bbc_news_summary": (SHARED_DATA / "bbc_news_summary" / "dev.jsonl.gz", lambda _id: True),
}


def write_subset(name: str, workdir: Path, limit: int | None) -> Path:
    source, keep = DATASETS[name]
    target = workdir / name / "dev.jsonl.gz"
    target.parent.mkdir(parents=True)
    kept = 0
    with gzip.open(target, "wt", encoding="utf-8") as out:
        for record in read_jsonl(source):
            if keep(record["id"]):
                out.write(json.dumps(record) + "\n")
                kept += 1
                if limit and kept >= limit:
                    break
    return target


def run_eval(data: Path, results: Path) -> dict[str, object]:
    subprocess.run(  # noqa: S603 - fixed argument list: this interpreter, the shared script
        [
            sys.executable,
            str(EVAL_SCRIPT),
            "--data",
            str(data),
            "--method",
            "lead",
            SUMMARIZER,
            "--out",
            str(results),
        ],
        check=True,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )
    report: dict[str, object] = json.loads(results.read_text(encoding="utf-8"))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N documents per set")
    parser.add_argument("--out", type=Path, default=None, help="write all figures as JSON")
    args = parser.parse_args(argv)

    collected = {}
    print(
        "| set | method | docs | ROUGE-1 (95% CI) | ROUGE-2 (95% CI) | ROUGE-Lsum | ms/article |\n"
        "|---|---|---|---|---|---|---|"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name in DATASETS:
            data = write_subset(name, Path(tmp), args.limit)
            report = run_eval(data, Path(tmp) / f"{name}.json")
            collected[name] = report
            for dataset in report["results"].values():  # type: ignore[attr-defined]
                for method, figures in dataset["results"].items():
                    label = (
                        "newsbrief" if method == SUMMARIZER else f"lead ({figures['length_rule']})"
                    )
                    r1, r2, rl = figures["rouge1"], figures["rouge2"], figures["rougeLsum"]
                    print(
                        f"| {name} | {label} | {figures['n_docs']} "
                        f"| {r1['f']:.2f} [{r1['ci95'][0]:.2f}, {r1['ci95'][1]:.2f}] "
                        f"| {r2['f']:.2f} [{r2['ci95'][0]:.2f}, {r2['ci95'][1]:.2f}] "
                        f"| {rl['f']:.2f} | {figures.get('ms_per_doc', 0.0):.2f} |"
                    )
    if args.out:
        args.out.write_text(json.dumps(collected, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
