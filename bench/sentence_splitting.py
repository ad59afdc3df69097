"""Russian sentence splitting: wrong boundaries of the layer's splitter beside sentencex and razdel.

Sample: every paragraph of the RT articles (rt_ru) that holds one of the cases a Russian splitter
gets wrong: "т. е." and other dotted abbreviations, "г."/"гг." after a year, initials
("А. С. Пушкин", "В.В. Путин"), street and place abbreviations ("ул.", "пр.", "им."), "млн."/
"млрд."/"тыс."/"руб.", and quoted speech followed by its attribution ("...?» — написала она").

Reference boundaries come from written rules over every point where a sentence could end (a
".", "!", "?" or "…", closing quotes, then a space):
  - the next word starts in lower case, or a dash then a lower-case word follows ("» — сказал
    он"): no boundary;
  - the word before the full stop is an initial (one capital letter, or "В.В") and a capitalised
    word follows: no boundary;
  - an abbreviation that comes before a name or a number ("ул.", "им.", "г. Москва", "д. 5",
    "ст.", "проф."...): no boundary;
  - "т. е.", "т. к.", "напр.", "см.": no boundary;
  - "г." or "гг." after a year, then a capitalised word ("в 2016 г. ВВП Китая вырос", "в 2008 г.
    Организация..."): either can be right, so such points are not counted;
  - otherwise (including "и т. д. По этой причине", "10 млн руб. По данным..."): a boundary.
A splitter's errors are its false boundaries (a cut where the rules have none) and its missed
ones, counted over the sample, per half of the articles (sha256 of the id: even first hex digit
is the tuning half). Speed: CPU ms per 1,000 words of the sample.

    .venv/bin/python bench/sentence_splitting.py [--show N]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "scripts"), str(REPO / "bench")]

from datasets import require  # noqa: E402
from train_summarizer import in_tuning_half, read_jsonl  # noqa: E402

from newsbrief.sentences import split_sentences  # noqa: E402

# Paragraphs with at least one of these go into the sample.
TRICKY = re.compile(
    r"\b(?:т\.\s?[екндп]|г|гг|ул|пр|им|д|ст|млн|млрд|тыс|руб|долл|чел|см|напр|проф|акад|ген)\."
    r"|(?<![\w.])[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.\s?)?[А-ЯЁ][а-яё]"
    r"|[.!?…][»”\"]\s+[—–-]\s",
)
# A point where a sentence may end, and the word just before it.
END = re.compile(r"(?P<word>[\w-]*)(?P<mark>[.!?…]+)(?P<close>[»”\")]*)(?=\s+(?P<next>\S+))")
_INITIAL = re.compile(r"^(?:[А-ЯЁA-Z]|[А-ЯЁ]\.[А-ЯЁ])$")
# Before a name or a number: never the end of a sentence.
_BEFORE_NAME = frozenset(
    {"ул", "пр", "им", "д", "ст", "пос", "обл", "просп", "пл", "пер", "проф", "акад", "ген"}
    | {"св", "гр", "тов", "кв", "корп", "стр", "рис", "табл", "гл", "п", "ч", "х"}
)
_NEVER_FINAL_PHRASE = re.compile(r"(?:т\.\s?[екн]|напр|см|ср)\.$", re.IGNORECASE)
_YEAR = re.compile(r"\d{4}(?:[-–—]\d{2,4})?(?:-[хе]х?)?\s+гг?$")


def reference_boundaries(paragraph: str) -> tuple[set[int], set[int]]:
    """Offsets (just after the closing mark) where the rules put a sentence boundary, and the
    offsets where they leave it open."""
    boundaries, open_points = set(), set()
    for match in END.finditer(paragraph):
        word, mark, following = match["word"], match["mark"], match["next"]
        end = match.end()
        letters = following.lstrip('«"„“(')
        if following in {"—", "–", "-"}:
            rest = paragraph[end:].lstrip()[1:].lstrip()
            if rest[:1].islower():
                continue
        if not letters or letters[0].islower():
            continue
        head = paragraph[: match.start("mark")]
        if mark == ".":
            if _INITIAL.match(word) and letters[0].isupper():
                continue
            if word.lower() in {"г", "гг"}:
                if _YEAR.search(head):
                    open_points.add(end)
                continue  # "г. Москва": the town, not the year
            phrase_end = head.endswith(("т.", "т. ")) and word.lower() in {"д", "п"}
            if word.lower() in _BEFORE_NAME and not phrase_end:
                continue
            if _NEVER_FINAL_PHRASE.search(paragraph[max(0, match.start() - 6) : match.end("mark")]):
                continue
        boundaries.add(end)
    return boundaries, open_points


def boundaries_of(paragraph: str, sentences: list[str]) -> set[int]:
    """Offsets in ``paragraph`` where ``sentences`` (its pieces, in order) end, but the last."""
    offsets = set()
    cursor = 0
    for sentence in sentences[:-1]:
        found = paragraph.find(sentence, cursor)
        if found < 0:
            raise ValueError(f"a splitter changed the text: {sentence[:60]!r}")
        cursor = found + len(sentence)
        offsets.add(cursor)
    return offsets


def _razdel(paragraph: str) -> list[str]:
    import razdel

    return [s.text for s in razdel.sentenize(paragraph)]


def _sentencex(paragraph: str) -> list[str]:
    import sentencex

    return [s.strip() for s in sentencex.segment("ru", paragraph) if s.strip()]


SPLITTERS: dict[str, Callable[[str], list[str]]] = {
    "sentencex 1.0 (alone)": _sentencex,
    "razdel 0.5 (alone)": _razdel,
    "newsbrief split_sentences": lambda paragraph: split_sentences(paragraph, "ru"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=0, help="print N wrong boundaries of each")
    args = parser.parse_args(argv)
    halves: dict[str, list[str]] = {"tuning": [], "held-out": []}
    for record in read_jsonl(require("rt_ru") / "dev.jsonl.gz"):
        half = "tuning" if in_tuning_half(record["id"]) else "held-out"
        halves[half].extend(p.strip() for p in record["text"].split("\n") if TRICKY.search(p))
    print(
        "| half | splitter | paragraphs | reference boundaries | false | missed | errors "
        "| CPU ms / 1,000 words |\n|---|---|---|---|---|---|---|---|"
    )
    for half, paragraphs in halves.items():
        ruled = [reference_boundaries(p) for p in paragraphs]
        references = [boundaries for boundaries, _ in ruled]
        total = sum(map(len, references))
        n_words = sum(len(p.split()) for p in paragraphs)
        for name, split in SPLITTERS.items():
            start = time.process_time()
            pieces = [split(p) for p in paragraphs]
            cpu_ms = 1000 * (time.process_time() - start) / n_words * 1000
            false = missed = 0
            shown = 0
            for paragraph, (reference, open_points), sentences in zip(
                paragraphs, ruled, pieces, strict=True
            ):
                found = boundaries_of(paragraph, sentences) - open_points
                false += len(found - reference)
                missed += len(reference - found)
                for offset in sorted(found ^ reference):
                    if shown < args.show:
                        kind = "false" if offset in found else "missed"
                        print(f"  {name} {kind}: …{paragraph[max(0, offset - 50) : offset + 30]}…")
                        shown += 1
            print(
                f"| {half} | {name} | {len(paragraphs)} | {total} | {false} | {missed} "
                f"| {false + missed} | {cpu_ms:.2f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
