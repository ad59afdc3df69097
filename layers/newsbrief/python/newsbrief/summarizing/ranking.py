"""The trained sentence-ranking models and the selection of summary sentences.

A model is a small gradient-boosted tree ensemble over ``features.FEATURE_NAMES``, trained by
``scripts/train_summarizer.py``: ``model-ru.json`` on Russian news (RT), ``model.json`` on
English news (CNN/DM), which also ranks every other language. At load the trees become one
Python expression of comparisons, so scoring needs no numerical library.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from newsbrief.summarizing.features import FEATURE_NAMES, Candidate

MODEL_FILE = "model.json"
# Languages with a model of their own; the rest use MODEL_FILE's.
LANGUAGE_MODEL_FILES = {"ru": "model-ru.json"}
_WORDS = FEATURE_NAMES.index("words")

# A tree is a flat list of nodes: [feature, threshold, left, right] for a split, [value] for a
# leaf; rows go left when ``row[feature] <= threshold``.
Tree = list[list[float]]


def _expression(tree: Tree, index: int = 0) -> str:
    """The tree as one conditional expression over the feature locals ``f0``, ``f1``, ...,
    built only from numbers."""
    node = tree[index]
    if len(node) == 1:
        return repr(float(node[0]))
    feature, threshold, left, right = node
    return (
        f"({_expression(tree, int(left))} if f{int(feature)} <= {float(threshold)!r} "
        f"else {_expression(tree, int(right))})"
    )


RowsScorer = Callable[[list[list[float]]], list[float]]


def _compile(base_score: float, length_penalty: float, trees: list[Tree]) -> RowsScorer:
    """One function scoring every row of a document.

    Walking 150 trees node by node costs about 0.1 ms a sentence in Python. Compiled to
    comparisons over the row unpacked into locals (no indexing per comparison), in one loop over
    the rows (no call per row), scoring is several times faster. One statement per tree keeps
    the code flat however many trees there are, and adds them in order.
    """
    unpacked = ", ".join(f"f{i}" for i in range(len(FEATURE_NAMES)))
    lines = [
        "def score_rows(rows):",
        "    scores = []",
        f"    for ({unpacked},) in rows:",
        "        trees = 0.0",
        *(f"        trees += {_expression(tree)}" for tree in trees),
        f"        scores.append({float(base_score)!r} - {float(length_penalty)!r} * f{_WORDS}"
        " + trees)",
        "    return scores",
    ]
    namespace: dict[str, RowsScorer] = {}
    exec(  # noqa: S102 - the source is numbers and comparisons only
        compile("\n".join(lines), MODEL_FILE, "exec"), {"__builtins__": {}}, namespace
    )
    return namespace["score_rows"]


@dataclass(frozen=True)
class RankingModel:
    """Boosted trees plus a linear cost on sentence length, how repeats are blocked, and the
    summary length the language gets when none is asked for.

    ROUGE F1 rewards brevity: the cost, tuned on training stories, trades a little relevance for
    shorter sentences. A candidate sharing ``blocking_trigrams`` or more word trigrams with the
    sentences already chosen repeats them and is passed over.
    """

    name: str
    base_score: float
    trees: list[Tree]
    length_penalty: float = 0.0
    blocking_trigrams: int = 1
    default_sentences: int = 3
    score_rows: RowsScorer = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        scorer = _compile(self.base_score, self.length_penalty, self.trees)
        object.__setattr__(self, "score_rows", scorer)

    def score(self, row: list[float]) -> float:
        return self.score_rows([row])[0]


def load_model(language: str | None = None) -> RankingModel:
    """The shipped model for ``language``, read once per process."""
    return _load(LANGUAGE_MODEL_FILES.get(language or "", MODEL_FILE))


@cache
def _load(file_name: str) -> RankingModel:
    data = json.loads(
        resources.files("newsbrief.summarizing").joinpath(file_name).read_text(encoding="utf-8")
    )
    if tuple(data["features"]) != FEATURE_NAMES:
        raise RuntimeError(f"{file_name} was trained on other features; retrain it")
    return RankingModel(
        data["name"],
        data["base_score"],
        data["trees"],
        data["length_penalty"],
        data["blocking_trigrams"],
        data["default_sentences"],
    )


def _trigrams(tokens: tuple[str, ...]) -> set[tuple[str, str, str]]:
    return {(tokens[i], tokens[i + 1], tokens[i + 2]) for i in range(len(tokens) - 2)}


def select(
    candidates: list[Candidate], scores: list[float], count: int, blocking_trigrams: int = 1
) -> list[int]:
    """Indices of the ``count`` best-scored candidates, in document order.

    A candidate sharing ``blocking_trigrams`` or more word trigrams with those already chosen
    is skipped (it repeats them); skipped ones fill in only if too few others remain.
    """
    order = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    seen: set[tuple[str, str, str]] = set()
    skipped: list[int] = []
    for i in order:
        if len(chosen) == count:
            break
        grams = _trigrams(candidates[i].tokens)
        if len(grams & seen) >= blocking_trigrams:
            skipped.append(i)
            continue
        chosen.append(i)
        seen |= grams
    chosen.extend(skipped[: count - len(chosen)])
    return sorted(chosen)
