"""Russian keywords of the pipeline beside YAKE's, precision and recall at 5, by half of RT.

The RT file (rt_ru) has no editors' keyword lists (its source's `keywords` field did not come
with it), so the reference is what the editors did write about each article: its headline and
its lead (``title``, ``summary``), neither of which the extractors see apart from the headline
as the article's title. Everything is compared by Snowball Russian stems of the words, stop words
(the layer's Russian list) and one-letter tokens left out:

- P@5: the share of the first five keywords whose words all occur in the headline or the lead;
- R@5: the share of the headline's words that the first five keywords contain.

Ours: the keywords POST /summarize returns (``preview_summary`` on the article as its JSON body,
title and text: the parse, language detection and ``extract_keywords`` the summarize stage
runs). Baseline: YAKE 0.7 with its Russian settings (``lan="ru"``, its Russian stop words,
phrases of up to 3 words, default de-duplication) on the headline and the text. Halves by
sha256 of the id (even first hex digit: the tuning half, the one keyword changes were judged on).

    .venv/bin/python bench/keywords.py [--limit N] [--show N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "scripts"), str(REPO / "bench")]

from datasets import require  # noqa: E402
from train_summarizer import in_tuning_half, read_jsonl  # noqa: E402

from newsbrief.service import preview_summary  # noqa: E402
from newsbrief.summarizing.text import stemmer, stop_words, words  # noqa: E402

AT = 5


def stems(text: str) -> set[str]:
    stop, stem = stop_words("ru"), stemmer("ru")
    return {stem(w) for w in words(text) if len(w) > 1 and w not in stop and not w.isdigit()}


def ours(record: dict[str, Any]) -> list[str]:
    body = json.dumps({"title": record["title"], "text": record["text"]}, ensure_ascii=False)
    preview = preview_summary(body.encode(), "application/json", "article.json", None, None)
    return preview.keywords[:AT]


def yake_extractor() -> Callable[[dict[str, Any]], list[str]]:
    import yake

    extractor = yake.KeywordExtractor(lan="ru", n=3, top=AT)

    def extract(record: dict[str, Any]) -> list[str]:
        text = f"{record['title']}.\n{record['text']}"
        return [phrase for phrase, _ in extractor.extract_keywords(text)][:AT]

    return extract


def score(keywords: list[str], record: dict[str, Any]) -> tuple[float, float]:
    reference = stems(f"{record['title']}\n{record['summary']}")
    title = stems(record["title"])
    phrases = [stems(k) for k in keywords]
    hits = sum(1 for p in phrases if p and p <= reference)
    covered = set().union(*phrases) if phrases else set()
    precision = hits / AT
    recall = len(title & covered) / len(title) if title else 0.0
    return precision, recall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N articles per half")
    parser.add_argument("--show", type=int, default=0, help="print the keywords of N articles")
    args = parser.parse_args(argv)
    halves: dict[str, list[dict[str, Any]]] = {"tuning": [], "held-out": []}
    for record in read_jsonl(require("rt_ru") / "dev.jsonl.gz"):
        kept = halves["tuning" if in_tuning_half(record["id"]) else "held-out"]
        if not args.limit or len(kept) < args.limit:
            kept.append(record)
    extractors = {"newsbrief (API)": ours, "YAKE 0.7 (ru)": yake_extractor()}
    print(
        f"| half | extractor | articles | P@{AT} | R@{AT} (headline words) | CPU ms/article |\n"
        "|---|---|---|---|---|---|"
    )
    totals: dict[str, list[tuple[float, float]]] = {name: [] for name in extractors}
    for half, records in halves.items():
        for name, extract in extractors.items():
            start = time.process_time()
            found = [extract(r) for r in records]
            cpu_ms = 1000 * (time.process_time() - start) / max(len(records), 1)
            scores = [score(k, r) for k, r in zip(found, records, strict=True)]
            totals[name].extend(scores)
            precision = statistics.fmean(p for p, _ in scores)
            recall = statistics.fmean(r for _, r in scores)
            print(
                f"| {half} | {name} | {len(records)} | {precision:.3f} | {recall:.3f} "
                f"| {cpu_ms:.1f} |"
            )
            if half == "tuning":
                for keywords, record in zip(found[: args.show], records, strict=False):
                    print(f"  {name}: {record['title']} -> {keywords}")
    for name, scores in totals.items():
        precision = statistics.fmean(p for p, _ in scores)
        recall = statistics.fmean(r for _, r in scores)
        print(f"| all | {name} | {len(scores)} | {precision:.3f} | {recall:.3f} | - |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
