"""Train the extractive summarizer's sentence-ranking models and write them into the package.

English (``model.json``): the CNN / Daily Mail dev file in the shared data folder
(``cnndm/dev.jsonl.gz``, 6,000 stories with their highlights). A fixed split by a hash of the
story id keeps about a third of the stories out of training and tuning; the benchmark reports on
that held-out third only.

Russian (``model-ru.json``): the RT articles (``rt_ru/dev.jsonl.gz``, the editor's lead as the
reference), trained and tuned on the tuning half (SHA-256 of the id starts with an even hex
digit) and reported on the other half. Each article goes through the parser as the API's JSON
body would (title, language, paragraphs), so the model learns from the text it will be served.
ROUGE and oracle labels count Unicode words with Snowball Russian stems, as the shared
evaluation script's ``--lang ru`` does. The default summary length of the language (the count
the API uses when none is asked for) is chosen on the tuning half too.

Labels come from a greedy ROUGE-1 + ROUGE-2 oracle: a sentence is positive when the oracle picks
it for the reference highlights. The model is gradient-boosted regression trees on the logistic
loss, fitted with numpy here and written as plain JSON so the runtime needs no numpy.

    .venv/bin/python scripts/train_summarizer.py              # train, write model.json, report
    .venv/bin/python scripts/train_summarizer.py --language ru  # train, write model-ru.json
    .venv/bin/python scripts/train_summarizer.py --no-write   # only report held-out figures
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import statistics
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsbrief.summarizing.extractive import body_paragraphs
from newsbrief.summarizing.features import FEATURE_NAMES, Document, build_document
from newsbrief.summarizing.features import sentence_features as compute_features
from newsbrief.summarizing.ranking import RankingModel, select
from newsbrief.summarizing.text import stemmer

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from datasets import require  # noqa: E402

PACKAGE = REPO / "layers/newsbrief/python/newsbrief/summarizing"
HELD_OUT_SHARE = 3  # one story in three is held out
LENGTH_PENALTIES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8)
BLOCKING_TRIGRAMS = (1, 2, 3)


def is_held_out(doc_id: str) -> bool:
    """The fixed split: held out when the id's SHA-256 is divisible by three."""
    return int(hashlib.sha256(doc_id.encode()).hexdigest()[:12], 16) % HELD_OUT_SHARE == 0


def in_tuning_half(doc_id: str) -> bool:
    """The benches' split of a data set into halves: the tuning half is the ids whose SHA-256
    starts with an even hex digit; the other half is only ever reported."""
    return int(hashlib.sha256(doc_id.encode()).hexdigest()[0], 16) % 2 == 0


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def paragraphs_of(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def reference_lines(summary: str) -> list[str]:
    return [line.strip() for line in summary.split("\n") if line.strip()]


# ----------------------------------------------------------------------------- oracle labels


class RussianTokenizer:
    """The shared evaluation script's ``--lang ru`` tokens: lower-cased Unicode words, Snowball
    Russian stems."""

    _WORD = re.compile(r"\w+", re.UNICODE)

    def __init__(self) -> None:
        self.stem = stemmer("ru")

    def tokenize(self, text: str) -> list[str]:
        return [self.stem(t) for t in self._WORD.findall(text.lower()) if t != "_"]


def rouge_tokenizer(language: str) -> Callable[[str], list[str]]:
    if language == "ru":
        return RussianTokenizer().tokenize
    from rouge_score.tokenizers import DefaultTokenizer

    return DefaultTokenizer(use_stemmer=True).tokenize


def _ngrams(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _f1(overlap: int, produced: int, wanted: int) -> float:
    if overlap == 0 or produced == 0 or wanted == 0:
        return 0.0
    precision, recall = overlap / produced, overlap / wanted
    return 2 * precision * recall / (precision + recall)


def greedy_oracle(sentences: list[list[str]], reference: list[str], limit: int) -> list[int]:
    """Sentences that greedily maximise ROUGE-1 F + ROUGE-2 F against the reference."""
    ref1, ref2 = _ngrams(reference, 1), _ngrams(reference, 2)
    chosen: list[int] = []
    best = 0.0
    while len(chosen) < limit:
        candidate: tuple[float, int] | None = None
        for i in range(len(sentences)):
            if i in chosen:
                continue
            tokens = [t for j in sorted([*chosen, i]) for t in sentences[j]]
            gain = _f1(sum((_ngrams(tokens, 1) & ref1).values()), len(tokens), len(reference))
            gain += _f1(
                sum((_ngrams(tokens, 2) & ref2).values()),
                max(len(tokens) - 1, 1),
                max(len(reference) - 1, 1),
            )
            if candidate is None or gain > candidate[0]:
                candidate = (gain, i)
        if candidate is None or candidate[0] <= best:
            break
        best, index = candidate
        chosen.append(index)
    return chosen


# ----------------------------------------------------------------------------- boosting


class Booster:
    """Depth-limited gradient-boosted trees on the logistic loss over binned features."""

    def __init__(
        self, *, trees: int, depth: int, learning_rate: float, bins: int = 32, l2: float = 1.0
    ) -> None:
        self.n_trees, self.depth, self.learning_rate = trees, depth, learning_rate
        self.n_bins, self.l2, self.min_hessian = bins, l2, 5.0
        self.thresholds: list[NDArray[np.float64]] = []
        self.trees: list[list[list[float]]] = []
        self.base_score = 0.0

    def fit(self, features: NDArray[np.float64], labels: NDArray[np.float64]) -> Booster:
        self.thresholds = []
        # one contiguous array per feature: a node gathers its rows from each column
        binned = np.empty((features.shape[1], features.shape[0]), dtype=np.int32)
        for f in range(features.shape[1]):
            cuts = np.unique(np.quantile(features[:, f], np.linspace(0, 1, self.n_bins + 1)[1:-1]))
            self.thresholds.append(cuts)
            binned[f] = np.searchsorted(cuts, features[:, f], side="left")
        rate = float(np.clip(labels.mean(), 1e-6, 1 - 1e-6))
        self.base_score = float(np.log(rate / (1 - rate)))
        margin = np.full(len(labels), self.base_score)
        for _ in range(self.n_trees):
            probability = 1.0 / (1.0 + np.exp(-margin))
            gradient = probability - labels
            hessian = probability * (1.0 - probability)
            tree: list[list[float]] = []
            self._grow(tree, binned, gradient, hessian, np.arange(len(labels)), 0, margin)
            self.trees.append(tree)
        return self

    def _grow(
        self,
        tree: list[list[float]],
        binned: NDArray[np.int32],
        gradient: NDArray[np.float64],
        hessian: NDArray[np.float64],
        rows: NDArray[np.int64],
        level: int,
        margin: NDArray[np.float64],
    ) -> int:
        node_id = len(tree)
        tree.append([])
        g_total, h_total = gradient[rows].sum(), hessian[rows].sum()
        split = self._best_split(binned, gradient, hessian, rows) if level < self.depth else None
        if split is None:
            value = -g_total / (h_total + self.l2) * self.learning_rate
            tree[node_id] = [float(value)]
            margin[rows] += value
            return node_id
        feature, bin_index = split
        goes_left = binned[feature][rows] <= bin_index
        left = self._grow(tree, binned, gradient, hessian, rows[goes_left], level + 1, margin)
        right = self._grow(tree, binned, gradient, hessian, rows[~goes_left], level + 1, margin)
        threshold = float(self.thresholds[feature][bin_index])
        tree[node_id] = [float(feature), threshold, float(left), float(right)]
        return node_id

    def _best_split(
        self,
        binned: NDArray[np.int32],
        gradient: NDArray[np.float64],
        hessian: NDArray[np.float64],
        rows: NDArray[np.int64],
    ) -> tuple[int, int] | None:
        g, h = gradient[rows], hessian[rows]
        g_total, h_total = g.sum(), h.sum()
        parent = g_total**2 / (h_total + self.l2)
        best: tuple[float, int, int] | None = None
        for f, cuts in enumerate(self.thresholds):
            if len(cuts) == 0:
                continue
            size = len(cuts) + 1
            column = binned[f][rows]
            g_left = np.cumsum(np.bincount(column, weights=g, minlength=size))[:-1]
            h_left = np.cumsum(np.bincount(column, weights=h, minlength=size))[:-1]
            h_right = h_total - h_left
            gain = g_left**2 / (h_left + self.l2) + (g_total - g_left) ** 2 / (h_right + self.l2)
            gain = np.where((h_left < self.min_hessian) | (h_right < self.min_hessian), -1, gain)
            b = int(np.argmax(gain))
            if gain[b] - parent > 1e-6 and (best is None or gain[b] > best[0]):
                best = (float(gain[b]), f, b)
        return None if best is None else (best[1], best[2])

    def as_model(self, name: str) -> RankingModel:
        return RankingModel(name, self.base_score, self.trees)


# ----------------------------------------------------------------------------- data


class Example:
    """One story: its candidates and features, and ROUGE tokens of candidates and reference."""

    def __init__(
        self,
        doc_id: str,
        document: Document,
        rows: list[list[float]],
        refs: list[str],
        tokenize: Callable[[str], list[str]],
    ):
        self.doc_id, self.document, self.rows, self.references = doc_id, document, rows, refs
        self.sentence_tokens = [tokenize(c.text) for c in document.candidates]
        self.reference_tokens = tokenize(" ".join(refs))


@dataclass(frozen=True)
class Corpus:
    """What a language's model is trained on and written to."""

    language: str
    data_set: str
    model_file: str
    split: str
    trains_on: Callable[[str], bool]
    # sentences the oracle labels and the penalty and blocking are tuned for
    summary_sentences: int
    # the default lengths to choose from (English keeps the API's documented 3)
    default_lengths: tuple[int, ...]


CORPORA = {
    "en": Corpus(
        "en",
        "cnndm",
        "model.json",
        "stories whose sha256(id) % 3 != 0 (the rest is held out)",
        lambda doc_id: not is_held_out(doc_id),
        3,
        (3,),
    ),
    "ru": Corpus(
        "ru",
        "rt_ru",
        "model-ru.json",
        "the tuning half: articles whose sha256(id) starts with an even hex digit",
        in_tuning_half,
        2,
        (2, 3, 4, 5),
    ),
}


def is_tuning(doc_id: str) -> bool:
    """A quarter of the training stories, for choosing the length penalty."""
    return int(hashlib.sha256(f"tune:{doc_id}".encode()).hexdigest()[:12], 16) % 4 == 0


def parsed_as_uploaded(record: dict[str, Any]) -> tuple[list[str], str | None, str | None]:
    """Paragraphs, title and language of the article as the API's JSON body would be parsed."""
    from newsbrief.service import preview_parse

    body = json.dumps({"title": record.get("title"), "text": record["text"]}, ensure_ascii=False)
    article = preview_parse(body.encode(), "application/json", "article.json").articles[0]
    return article.paragraphs, article.title, article.language


def load_examples(corpus: Corpus, path: Path, training: bool, limit: int | None) -> list[Example]:
    tokenize = rouge_tokenizer(corpus.language)
    examples = []
    title: str | None
    language: str | None
    for record in read_jsonl(path):
        if corpus.trains_on(record["id"]) != training:
            continue
        if corpus.language == "en":  # lower-cased, tokenized text: no parsing, no title
            paragraphs, title, language = paragraphs_of(record["text"]), None, "en"
        else:
            paragraphs, title, language = parsed_as_uploaded(record)
        document = build_document(body_paragraphs(paragraphs, title), language)
        if not document.candidates:
            continue
        rows = compute_features(document, title=title, language=language)
        references = reference_lines(record["summary"])
        examples.append(Example(record["id"], document, rows, references, tokenize))
        if limit and len(examples) >= limit:
            break
    return examples


def label_rows(
    examples: list[Example], limit: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    features: list[list[float]] = []
    labels: list[float] = []
    for example in examples:
        picked = set(greedy_oracle(example.sentence_tokens, example.reference_tokens, limit))
        features.extend(example.rows)
        labels.extend(float(i in picked) for i in range(len(example.rows)))
    return np.asarray(features, dtype=np.float64), np.asarray(labels, dtype=np.float64)


def fit(examples: list[Example], args: argparse.Namespace, sentences: int) -> RankingModel:
    features, labels = label_rows(examples, limit=sentences)
    booster = Booster(trees=args.trees, depth=args.depth, learning_rate=args.learning_rate)
    booster.fit(features, labels)
    return booster.as_model(f"gbdt-{args.trees}x{args.depth}")


def rouge_1_2(examples: list[Example], model: RankingModel, count: int) -> float:
    """Mean ROUGE-1 F + ROUGE-2 F of the model's ``count``-sentence summaries (as rouge-score
    counts them)."""
    total = 0.0
    for example in examples:
        scores = model.score_rows(example.rows)
        chosen = select(example.document.candidates, scores, count, model.blocking_trigrams)
        tokens = [t for i in chosen for t in example.sentence_tokens[i]]
        reference = example.reference_tokens
        for n in (1, 2):
            overlap = sum((_ngrams(tokens, n) & _ngrams(reference, n)).values())
            total += _f1(overlap, max(len(tokens) - n + 1, 0), max(len(reference) - n + 1, 0))
    return total / len(examples)


def tune_selection(
    examples: list[Example], args: argparse.Namespace, corpus: Corpus
) -> tuple[float, int, int]:
    """The length penalty and trigram blocking that score best on the tuning quarter, with
    trees fitted on the other three quarters; then the default length that scores best there."""
    tuning = [e for e in examples if is_tuning(e.doc_id)]
    model = fit([e for e in examples if not is_tuning(e.doc_id)], args, corpus.summary_sentences)
    results = {}
    for penalty in LENGTH_PENALTIES:
        for blocking in BLOCKING_TRIGRAMS:
            candidate = RankingModel(model.name, model.base_score, model.trees, penalty, blocking)
            results[penalty, blocking] = rouge_1_2(tuning, candidate, corpus.summary_sentences)
            print(
                f"tuning: length penalty {penalty}, blocking at {blocking} trigrams: "
                f"R1+R2 {100 * results[penalty, blocking]:.2f}"
            )
    penalty, blocking = max(results, key=lambda setting: results[setting])
    chosen = RankingModel(model.name, model.base_score, model.trees, penalty, blocking)
    by_length = {count: rouge_1_2(tuning, chosen, count) for count in corpus.default_lengths}
    for count, score in by_length.items():
        print(f"tuning: default length {count} sentences: R1+R2 {100 * score:.2f}")
    return penalty, blocking, max(by_length, key=lambda count: by_length[count])


def rouge_report(
    examples: list[Example], model: RankingModel | None, count: int, language: str
) -> dict[str, float]:
    """Mean ROUGE-1/2/Lsum F1 (x100); ``model=None`` scores the first ``count`` candidates."""
    from rouge_score import rouge_scorer

    keys = ["rouge1", "rouge2", "rougeLsum"]
    if language == "ru":
        scorer = rouge_scorer.RougeScorer(keys, tokenizer=RussianTokenizer())
    else:
        scorer = rouge_scorer.RougeScorer(keys, use_stemmer=True)
    totals: dict[str, list[float]] = {"rouge1": [], "rouge2": [], "rougeLsum": []}
    for example in examples:
        candidates = example.document.candidates
        if model is None:
            chosen = list(range(min(count, len(candidates))))
        else:
            scores = model.score_rows(example.rows)
            chosen = select(candidates, scores, count, model.blocking_trigrams)
        summary = "\n".join(candidates[i].text for i in chosen)
        scores = scorer.score("\n".join(example.references), summary)
        for key, values in totals.items():
            values.append(scores[key].fmeasure)
    return {key: 100 * statistics.fmean(values) for key, values in totals.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", choices=sorted(CORPORA), default="en")
    parser.add_argument("--data", type=Path, help="default: the language's data set")
    parser.add_argument("--out", type=Path, help="default: the language's model in the package")
    parser.add_argument("--trees", type=int, default=150)
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--limit", type=int, default=None, help="first N stories of each part")
    parser.add_argument("--no-write", action="store_true", help="report only")
    args = parser.parse_args(argv)
    corpus = CORPORA[args.language]
    args.data = args.data or require(corpus.data_set) / "dev.jsonl.gz"
    args.out = args.out or PACKAGE / corpus.model_file

    train = load_examples(corpus, args.data, training=True, limit=args.limit)
    held_out = load_examples(corpus, args.data, training=False, limit=args.limit)
    print(f"{len(train)} training stories, {len(held_out)} held out, from {args.data}")
    penalty, blocking, default_sentences = tune_selection(train, args, corpus)
    trees = fit(train, args, corpus.summary_sentences)
    # the name goes into every summary's method: a Russian one says which model made it
    name = trees.name if corpus.language == "en" else f"{trees.name}-{corpus.language}"
    model = RankingModel(name, trees.base_score, trees.trees, penalty, blocking, default_sentences)
    for count in sorted({corpus.summary_sentences, default_sentences}):
        for label, scored_by in ((f"lead-{count}", None), (model.name, model)):
            figures = rouge_report(held_out, scored_by, count, corpus.language)
            print(
                f"held-out, {count} sentences, {label:>12}: "
                + " ".join(f"{k} {v:.2f}" for k, v in figures.items())
            )
    if not args.no_write:
        payload = {
            "name": model.name,
            "language": corpus.language,
            "trained_on": {
                "data": f"{args.data.parent.name}/{args.data.name}",
                "split": corpus.split,
                "stories": len(train),
                "labels": f"greedy ROUGE-1+2 oracle, up to {corpus.summary_sentences} sentences",
                "selection": "length penalty, blocking and default length chosen on a quarter "
                "of the training stories",
            },
            "features": list(FEATURE_NAMES),
            "length_penalty": penalty,
            "blocking_trigrams": blocking,
            "default_sentences": default_sentences,
            "base_score": round(model.base_score, 6),
            "trees": [[[round(v, 6) for v in node] for node in tree] for tree in model.trees],
        }
        args.out.write_text(json.dumps(payload, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
