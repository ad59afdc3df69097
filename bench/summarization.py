"""ROUGE and speed of the project's summarizer beside Lead-k, on documents it was not trained on.

CNN/DM: the held-out third of the dev file (the fixed split of scripts/train_summarizer.py),
3 sentences. BBC News Summary: the whole dev file (never used for training or tuning), as many
sentences as the reference has. Both are scored by the shared evaluation script, loaded into this
process and run once per dataset, so Lead-k and the summarizer see the same documents, splitter
and scorer.

Speed: "CPU ms/article" is the summarizer's CPU time (``time.process_time``) per article, summed
over every call the evaluation makes in that same run; unlike wall time it does not grow when
other processes share the machine. "wall ms/article" is the evaluation script's own wall-clock
figure (for Lead-k: its sentence splitting).

    .venv/bin/python bench/summarization.py [--limit N] [--out results.json]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import importlib.util
import io
import json
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "scripts"), str(REPO / "bench")]

from datasets import require  # noqa: E402
from train_summarizer import is_held_out, read_jsonl  # noqa: E402

from newsbrief.summarizing import summarize_text  # noqa: E402

EVAL_SCRIPT = REPO.parent / "shared" / "eval" / "summarization_eval.py"
DATASETS = {
    # data set, also the folder name the eval script picks the length rule from -> keep the doc?
    "cnndm": is_held_out,
    "bbc_news_summary": lambda _id: True,
}


class CpuClock:
    """CPU seconds spent in the summarizer, and how many articles they cover."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def ms_per_call(self) -> float:
        return 1000.0 * self.seconds / self.calls if self.calls else 0.0


CLOCK = CpuClock()


def timed_summarize_text(text: str, max_sentences: int = 3) -> str:
    """``summarize_text``, with its CPU time added to ``CLOCK``."""
    start = time.process_time()
    summary = summarize_text(text, max_sentences)
    CLOCK.seconds += time.process_time() - start
    CLOCK.calls += 1
    return summary


# the eval script imports the summarizer by this name: this module, already loaded
SUMMARIZER = f"{__name__}:{timed_summarize_text.__name__}"


def write_subset(name: str, source: Path, workdir: Path, limit: int | None) -> Path:
    keep = DATASETS[name]
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


def load_eval_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("summarization_eval", EVAL_SCRIPT)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {EVAL_SCRIPT}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_eval(evaluation: ModuleType, data: Path, results: Path) -> dict[str, object]:
    argv = ["--data", str(data), "--method", "lead", SUMMARIZER, "--out", str(results)]
    with contextlib.redirect_stdout(io.StringIO()):
        evaluation.main(argv)
    report: dict[str, object] = json.loads(results.read_text(encoding="utf-8"))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N documents per set")
    parser.add_argument("--out", type=Path, default=None, help="write all figures as JSON")
    args = parser.parse_args(argv)
    sources = {name: require(name) / "dev.jsonl.gz" for name in DATASETS}

    evaluation = load_eval_script()
    collected: dict[str, dict[str, object]] = {}
    print(
        "| set | method | docs | ROUGE-1 (95% CI) | ROUGE-2 (95% CI) | ROUGE-Lsum "
        "| CPU ms/article | wall ms/article |\n|---|---|---|---|---|---|---|---|"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name in DATASETS:
            data = write_subset(name, sources[name], Path(tmp), args.limit)
            CLOCK.seconds, CLOCK.calls = 0.0, 0
            report = run_eval(evaluation, data, Path(tmp) / f"{name}.json")
            cpu_ms = CLOCK.ms_per_call()
            collected[name] = {**report, "cpu_ms_per_article": cpu_ms, "cpu_articles": CLOCK.calls}
            for dataset in report["results"].values():  # type: ignore[attr-defined]
                for method, figures in dataset["results"].items():
                    ours = method == SUMMARIZER
                    label = "newsbrief" if ours else f"lead ({figures['length_rule']})"
                    r1, r2, rl = figures["rouge1"], figures["rouge2"], figures["rougeLsum"]
                    print(
                        f"| {name} | {label} | {figures['n_docs']} "
                        f"| {r1['f']:.2f} [{r1['ci95'][0]:.2f}, {r1['ci95'][1]:.2f}] "
                        f"| {r2['f']:.2f} [{r2['ci95'][0]:.2f}, {r2['ci95'][1]:.2f}] "
                        f"| {rl['f']:.2f} | {f'{cpu_ms:.2f}' if ours else '-'} "
                        f"| {figures.get('ms_per_doc', 0.0):.2f} |"
                    )
    if args.out:
        args.out.write_text(json.dumps(collected, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
