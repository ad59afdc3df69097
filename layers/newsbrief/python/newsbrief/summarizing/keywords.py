"""Key words and phrases of an article, for tags and search boosting.

Candidates are runs of one to three content words inside a sentence (a stop word, number or
punctuation ends a run). A word scores by how often its stem occurs, how early it first
appears, whether the title has it and whether it is written as a name; a phrase scores by its
words and by how often it recurs. Phrases are merged by their stems, so inflected Russian forms
count together, and shown in their most frequent written form (a Russian word alone: in the
form most likely to be its dictionary form, see ``_display``).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from newsbrief.sentences import split_sentences
from newsbrief.summarizing.extractive import body_paragraphs
from newsbrief.summarizing.text import (
    not_keywords,
    resolve_language,
    stemmer,
    stop_words,
    words,
)

MAX_PHRASE_WORDS = 3
_RUN_BREAK = re.compile(r"[^\w\s'’-]|\s[-–—]\s|_", re.UNICODE)
# a possessive "'s" is not part of the word ("Uzbekistan’s" counts as "Uzbekistan")
_SURFACE_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
# Without a stop-word list, short words are skipped; function words are mostly short.
NEUTRAL_MIN_LENGTH = 4
# How much more a word of the title counts (chosen on the tuning half of RT, bench/keywords.py).
TITLE_WEIGHT = 4.0


def _runs(sentence: str, stop: frozenset[str], min_length: int) -> list[list[str]]:
    """Maximal runs of content words (written forms) between stop words and punctuation."""
    runs: list[list[str]] = []
    for chunk in _RUN_BREAK.split(sentence):
        run: list[str] = []
        for token in _SURFACE_WORD.findall(chunk):
            if token.lower() in stop or len(token) < min_length:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(token)
        if run:
            runs.append(run)
    return runs


def extract_keywords(
    paragraphs: list[str], *, title: str | None = None, language: str | None = None, limit: int = 10
) -> list[str]:
    """Up to ``limit`` key phrases, best first."""
    if limit <= 0:
        return []
    body = body_paragraphs(paragraphs, title)
    resolved = resolve_language(language, "\n".join(body))
    stop = stop_words(resolved) | not_keywords(resolved)
    min_length = 2 if stop else NEUTRAL_MIN_LENGTH
    stem = stemmer(resolved)
    title_stems = {stem(t) for t in words(title or "") if t not in stop}
    sentences = [s for p in body for s in split_sentences(p, resolved)]

    stem_count: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    capitalised: Counter[str] = Counter()
    phrase_count: Counter[tuple[str, ...]] = Counter()
    written: defaultdict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for index, sentence in enumerate(sentences):
        for run in _runs(sentence, stop, min_length):
            stems = [stem(t.lower()) for t in run]
            for position, (token, token_stem) in enumerate(zip(run, stems, strict=True)):
                stem_count[token_stem] += 1
                first_seen.setdefault(token_stem, index)
                starts_sentence = sentence.lstrip("\"'“«(").startswith(token) and position == 0
                if token[0].isupper() and not starts_sentence:
                    capitalised[token_stem] += 1
            for size in range(1, MAX_PHRASE_WORDS + 1):
                for start in range(len(run) - size + 1):
                    key = tuple(stems[start : start + size])
                    phrase_count[key] += 1
                    written[key][" ".join(run[start : start + size])] += 1
    if not stem_count:
        return []

    def word_score(token_stem: str) -> float:
        score = math.log1p(stem_count[token_stem]) * (1.0 + 1.0 / (1.0 + first_seen[token_stem]))
        if token_stem in title_stems:
            score *= TITLE_WEIGHT
        if capitalised[token_stem] * 2 >= stem_count[token_stem]:
            score *= 2.0
        return score

    scored: list[tuple[float, tuple[str, ...]]] = []
    for key, count in phrase_count.items():
        is_name = all(capitalised[s] for s in key)
        if len(key) > 1 and count < 2 and not is_name and not set(key) <= title_stems:
            continue
        score = sum(word_score(s) for s in key) / math.sqrt(len(key)) * math.log1p(count)
        scored.append((score, key))
    scored.sort(key=lambda item: (-item[0], item[1]))

    chosen: list[tuple[str, ...]] = []
    for _, key in scored:
        if any(set(key) <= set(other) or set(other) <= set(key) for other in chosen):
            continue
        chosen.append(key)
        if len(chosen) == limit:
            break
    names = {s for s in stem_count if capitalised[s] * 2 >= stem_count[s]}
    return [_display(written[key], key, names, resolved) for key in chosen]


def _display(
    forms: Counter[str], key: tuple[str, ...], names: set[str], language: str | None
) -> str:
    """The phrase as written most often; a Russian word alone in the form most likely to be
    its dictionary form (no morphological dictionary in the layer: the shortest of its common
    forms, then the nominative-looking ending). Words that are not names are lower-cased."""
    if language == "ru" and len(key) == 1:
        # the shortest of the common forms: "Эрдоган" of "Эрдогана", "теракт" of "теракте"
        common = [item for item in forms.items() if item[1] * 4 >= max(forms.values())]
        form = min(common, key=lambda item: (len(item[0]), _ending_rank(item[0]), -item[1]))[0]
    else:
        form = max(forms.items(), key=lambda item: (item[1], item[0]))[0]
    words = form.split()
    return " ".join(w if s in names else w.lower() for w, s in zip(words, key, strict=True))


def _ending_rank(form: str) -> int:
    """How likely a Russian form is the nominative among same-length forms of one stem:
    "соглашение" before "соглашения", "Сирия" before "Сирии", "Москва" before "Москве"."""
    ending = form[-2:].lower()
    if ending == "ие":
        return 0
    if ending == "ия":
        return 1
    return 2 if ending[-1:] in "ая" else 3
