"""Russian keywords of the pipeline beside YAKE's, precision and recall at 5, by half of RT.

The RT file (rt_ru) has no editors' keyword lists (its source's `keywords` field did not come
with it), so the reference is what the editors did write about each article apart from its
text: the lead (``summary``), which no extractor sees, and the headline, which both get as the
article's title. Words are compared by their Snowball Russian stems, stop words (the layer's
Russian list), numbers and one-letter tokens left out:

- P@5: the share of the first five keywords whose words all occur in the editor's lead;
- R@5: the share of the article's topic words, the words the editors put in both the headline
  and the lead, that the first five keywords contain (articles without such a word are left
  out of R@5).

Copying the headline earns nothing by itself: a headline word counts only if the lead repeats
it, and P@5 looks at the lead alone.

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


def score(keywords: list[str], record: dict[str, Any]) -> tuple[float, float | None]:
    """P@5 and R@5 of one article (R@5 ``None`` when it has no topic words)."""
    lead = stems(record["summary"])
    topic = lead & stems(record["title"])
    phrases = [stems(k) for k in keywords]
    precision = sum(1 for p in phrases if p and p <= lead) / AT
    covered: set[str] = set().union(*phrases)
    return precision, len(topic & covered) / len(topic) if topic else None


def means(scores: list[tuple[float, float | None]]) -> tuple[float, float]:
    recalls = [r for _, r in scores if r is not None]
    return statistics.fmean(p for p, _ in scores), statistics.fmean(recalls)


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
        f"| half | extractor | articles | P@{AT} | R@{AT} (topic words) | CPU ms/article |\n"
        "|---|---|---|---|---|---|"
    )
    totals: dict[str, list[tuple[float, float | None]]] = {name: [] for name in extractors}
    for half, records in halves.items():
        for name, extract in extractors.items():
            start = time.process_time()
            found = [extract(r) for r in records]
            cpu_ms = 1000 * (time.process_time() - start) / max(len(records), 1)
            scores = [score(k, r) for k, r in zip(found, records, strict=True)]
            totals[name].extend(scores)
            precision, recall = means(scores)
            print(
                f"| {half} | {name} | {len(records)} | {precision:.3f} | {recall:.3f} "
                f"| {cpu_ms:.1f} |"
            )
            if half == "tuning":
                for keywords, record in zip(found[: args.show], records, strict=False):
                    print(f"  {name}: {record['title']} -> {keywords}")
    for name, scores in totals.items():
        precision, recall = means(scores)
        print(f"| all | {name} | {len(scores)} | {precision:.3f} | {recall:.3f} | - |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
