"""ROUGE and speed of the project's summarizer beside Lead-k, on documents it was not trained on.

CNN/DM: the held-out third of the dev file (the fixed split of scripts/train_summarizer.py),
3 sentences. BBC News Summary: the whole dev file (never used for training or tuning), as many
sentences as the reference has. Both go through ``summarize_text`` (the extractive summarizer
the API's summaries come from, with the language detected from the text and no title).

RT (rt_ru, Russian, the editor's lead as the reference): each half apart (sha256 of the id, even
first hex digit = the tuning half the Russian ranker was trained and its length chosen on; the
other half is held out), 2 sentences beside Lead-2 and Lead-3, and the language's default
length. These go through the API's own path: each article is the JSON body of POST /summarize
({"title", "text"}) handed to ``preview_summary``, the function that request runs (parse,
language detection, summary), with ``sentences=2`` or no length. The "all" rows are the two
halves' means weighted by their sizes. Russian ROUGE is the eval script's ``--lang ru``
(Unicode words, Snowball Russian stems).

Every set is scored by the shared evaluation script, loaded into this process and run once per
set, so Lead-k and the summarizer see the same documents, splitter and scorer.

Speed: "CPU ms/article" is the summarizer's CPU time (``time.process_time``) per article, summed
over every call the evaluation makes in that same run; unlike wall time it does not grow when
other processes share the machine. "wall ms/article" is the evaluation script's own wall-clock
figure (for Lead-k: its sentence splitting).

    .venv/bin/python bench/summarization.py [--limit N] [--set NAME ...] [--out results.json]
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
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "scripts"), str(REPO / "bench")]

from datasets import require  # noqa: E402
from train_summarizer import in_tuning_half, is_held_out, read_jsonl  # noqa: E402

from newsbrief.service import preview_summary  # noqa: E402
from newsbrief.summarizing import summarize_text  # noqa: E402

EVAL_SCRIPT = REPO.parent / "shared" / "eval" / "summarization_eval.py"


@dataclass(frozen=True)
class Part:
    """One scored part of a data set: which documents, how long, in which language."""

    data_set: str
    label: str
    keep: Callable[[str], bool]
    eval_args: tuple[str, ...] = ()
    summarizers: tuple[str, ...] = ("timed_summarize_text",)
    baselines: tuple[str, ...] = ("lead",)


RT_ARGS = ("--lang", "ru", "--length", "fixed:2")
RT_BASELINES = ("lead", "lead3")
RT_SUMMARIZERS = ("api_summary", "api_summary_default_length")
PARTS = (
    # the folder name is also what the eval script picks its length rule from
    Part("cnndm", "cnndm held-out", is_held_out),
    Part("bbc_news_summary", "bbc_news_summary", lambda _id: True),
    Part(
        "rt_ru",
        "rt_ru held-out",
        lambda i: not in_tuning_half(i),
        RT_ARGS,
        RT_SUMMARIZERS,
        RT_BASELINES,
    ),
    Part("rt_ru", "rt_ru tuning", in_tuning_half, RT_ARGS, RT_SUMMARIZERS, RT_BASELINES),
)


class CpuClock:
    """CPU seconds spent in the summarizer, and how many articles they cover."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def ms_per_call(self) -> float:
        return 1000.0 * self.seconds / self.calls if self.calls else 0.0


# one clock per summarizer of ours, by function name
CLOCKS: defaultdict[str, CpuClock] = defaultdict(CpuClock)


def timed_summarize_text(text: str, max_sentences: int = 3) -> str:
    """``summarize_text``, with its CPU time added to its clock."""
    start = time.process_time()
    summary = summarize_text(text, max_sentences)
    clock = CLOCKS["timed_summarize_text"]
    clock.seconds += time.process_time() - start
    clock.calls += 1
    return summary


# The eval script hands a summarizer the article text only; the API is also given the title.
TITLES: dict[str, str] = {}


def _api(text: str, sentences: int | None, clock: CpuClock) -> str:
    body = json.dumps({"title": TITLES.get(text), "text": text}, ensure_ascii=False)
    start = time.process_time()
    preview = preview_summary(body.encode(), "application/json", "article.json", sentences, None)
    clock.seconds += time.process_time() - start
    clock.calls += 1
    return "\n".join(preview.summary)


def api_summary(text: str, max_sentences: int = 2) -> str:
    """POST /summarize's summary of the article (title and text as JSON), ``max_sentences``
    long."""
    return _api(text, max_sentences, CLOCKS["api_summary"])


def api_summary_default_length(text: str) -> str:
    """POST /summarize's summary at the length the API picks for the article's language."""
    return _api(text, None, CLOCKS["api_summary_default_length"])


def write_subset(part: Part, source: Path, workdir: Path, limit: int | None) -> Path:
    # the eval script names a set by its folder, and picks its length rule from that name
    target = workdir / part.label.replace(" ", "-") / part.data_set / "dev.jsonl.gz"
    target.parent.mkdir(parents=True)
    kept = 0
    with gzip.open(target, "wt", encoding="utf-8") as out:
        for record in read_jsonl(source):
            if part.keep(record["id"]):
                out.write(json.dumps(record) + "\n")
                if record.get("title"):
                    TITLES[record["text"]] = record["title"]
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


def run_eval(evaluation: ModuleType, part: Part, data: Path, results: Path) -> dict[str, Any]:
    # the eval script imports the summarizers by name: this module, already loaded
    methods = [*part.baselines, *(f"{__name__}:{name}" for name in part.summarizers)]
    argv = ["--data", str(data), "--method", *methods, *part.eval_args]
    with contextlib.redirect_stdout(io.StringIO()):
        evaluation.main([*argv, "--out", str(results)])
    report: dict[str, Any] = json.loads(results.read_text(encoding="utf-8"))
    return report


def label_of(method: str, figures: dict[str, Any]) -> str:
    name = method.rsplit(":", 1)[-1]
    if name == "timed_summarize_text":
        return "newsbrief"
    if name == "api_summary":
        return "newsbrief (API, 2 sentences)"
    if name == "api_summary_default_length":
        return f"newsbrief (API, default length: {figures['avg_summary_sents']:.2f} sentences)"
    if name == "lead3":
        return "lead-3"
    return f"lead ({figures['length_rule']})"


def row(label: str, method: str, n_docs: int, figures: dict[str, Any], cpu: str, wall: str) -> str:
    cells = []
    for key in ("rouge1", "rouge2"):
        mean, interval = figures[key]["f"], figures[key].get("ci95")
        cells.append(
            f"{mean:.2f} [{interval[0]:.2f}, {interval[1]:.2f}]" if interval else f"{mean:.2f}"
        )
    return (
        f"| {label} | {method} | {n_docs} | {cells[0]} | {cells[1]} "
        f"| {figures['rougeLsum']['f']:.2f} | {cpu} | {wall} |"
    )


def pooled(halves: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of a set's halves as one: means weighted by document count."""
    docs = sum(h["n_docs"] for h in halves)
    figures: dict[str, Any] = {
        key: {"f": sum(h[key]["f"] * h["n_docs"] for h in halves) / docs}
        for key in ("rouge1", "rouge2", "rougeLsum")
    }
    for key in ("avg_summary_sents", "length_rule"):
        figures[key] = halves[0][key]
    return figures | {"n_docs": docs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N documents per part")
    parser.add_argument(
        "--set", nargs="*", choices=sorted({p.data_set for p in PARTS}), help="default: all"
    )
    parser.add_argument("--out", type=Path, default=None, help="write all figures as JSON")
    args = parser.parse_args(argv)
    parts = [p for p in PARTS if not args.set or p.data_set in args.set]
    sources = {p.data_set: require(p.data_set) / "dev.jsonl.gz" for p in parts}

    evaluation = load_eval_script()
    collected: dict[str, dict[str, Any]] = {}
    by_method: dict[str, dict[str, list[dict[str, Any]]]] = {}
    print(
        "| set | method | docs | ROUGE-1 (95% CI) | ROUGE-2 (95% CI) | ROUGE-Lsum "
        "| CPU ms/article | wall ms/article |\n|---|---|---|---|---|---|---|---|"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for part in parts:
            data = write_subset(part, sources[part.data_set], Path(tmp), args.limit)
            CLOCKS.clear()
            out = Path(tmp) / f"{part.label}.json"
            datasets = run_eval(evaluation, part, data, out)["results"].values()
            report = {m: r for dataset in datasets for m, r in dataset["results"].items()}
            cpu_ms = {
                method: CLOCKS[method.rsplit(":", 1)[-1]].ms_per_call()
                for method in report
                if ":" in method
            }
            collected[part.label] = {"results": report, "cpu_ms_per_article": cpu_ms}
            for method, figures in report.items():
                label = label_of(method, figures)
                cpu = f"{cpu_ms[method]:.2f}" if method in cpu_ms else "-"
                wall = f"{figures.get('ms_per_doc', 0.0):.2f}"
                print(row(part.label, label, figures["n_docs"], figures, cpu, wall))
                set_name = part.label.split()[0]
                if len([p for p in parts if p.data_set == part.data_set]) > 1:
                    by_method.setdefault(set_name, {}).setdefault(method, []).append(figures)
    for set_name, methods in by_method.items():
        for method, halves in methods.items():
            if len(halves) > 1:
                figures = pooled(halves)
                label = label_of(method, figures)
                print(row(f"{set_name} all", label, figures["n_docs"], figures, "-", "-"))
    if args.out:
        args.out.write_text(json.dumps(collected, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
