from __future__ import annotations

import pytest

from newsbrief.summarizing.features import FEATURE_NAMES, build_document, sentence_features
from newsbrief.summarizing.ranking import RankingModel, load_model, select

from .samples import seed_title_and_body


def test_shipped_model_matches_the_features_and_names_its_data() -> None:
    model = load_model()
    assert model.trees
    title, body = seed_title_and_body()
    document = build_document(body, "en")
    rows = sentence_features(document, title=title, language="en")
    assert all(len(row) == len(FEATURE_NAMES) for row in rows)
    scores = [model.score(row) for row in rows]
    assert len(set(scores)) > 1


def _row(**values: float) -> list[float]:
    row = [0.0] * len(FEATURE_NAMES)
    for name, value in values.items():
        row[FEATURE_NAMES.index(name)] = value
    return row


def test_tree_scoring_follows_the_splits() -> None:
    # one stump on feature 0 at 0.5: left leaf -1, right leaf +2
    model = RankingModel(name="stump", base_score=0.25, trees=[[[0, 0.5, 1, 2], [-1.0], [2.0]]])
    assert model.score(_row(pos_0=0.0)) == -0.75
    assert model.score(_row(pos_0=0.5)) == -0.75
    assert model.score(_row(pos_0=0.9)) == 2.25


def test_length_penalty_lowers_long_sentences() -> None:
    model = RankingModel(name="flat", base_score=0.0, trees=[[[1.0]]], length_penalty=0.5)
    assert model.score(_row(words=0.25)) == 0.875
    assert model.score(_row(words=2.0)) == 0.0


def test_selection_skips_repeats_and_keeps_document_order() -> None:
    body = [
        "The council approved the new budget for schools on Tuesday evening.",
        "The council approved the new budget for schools, officials said again.",
        "Opposition members said the increase was far too small for ageing bridges.",
    ]
    candidates = build_document(body, "en").candidates
    # the repeat scores second best but shares a trigram with the best one
    assert select(candidates, [3.0, 2.0, 1.0], 2) == [0, 2]
    assert select(candidates, [1.0, 2.0, 3.0], 2) == [1, 2]
    # with nothing else left, a repeat fills the budget
    assert select(candidates, [3.0, 2.0, 1.0], 3) == [0, 1, 2]


def test_blocking_can_tolerate_a_shared_trigram() -> None:
    body = [
        "The council approved the new budget for schools on Tuesday evening.",
        "Parents said the council approved a plan too late for this term.",
        "Opposition members said the increase was far too small for ageing bridges.",
    ]
    candidates = build_document(body, "en").candidates
    # one shared trigram ("the council approved") blocks at 1, not at 2
    assert select(candidates, [3.0, 2.0, 1.0], 2, blocking_trigrams=1) == [0, 2]
    assert select(candidates, [3.0, 2.0, 1.0], 2, blocking_trigrams=2) == [0, 1]


def test_model_without_trees_scores_its_base() -> None:
    assert RankingModel(name="empty", base_score=0.5, trees=[]).score(_row()) == 0.5


def test_rows_are_scored_together_as_one_by_one() -> None:
    model = load_model()
    title, body = seed_title_and_body()
    rows = sentence_features(build_document(body, "en"), title=title, language="en")
    assert model.score_rows(rows) == [model.score(row) for row in rows]
    assert model.score_rows([]) == []


def test_large_ensembles_compile() -> None:
    # thousands of trees: the compiled scorer must not nest one expression per tree
    stump = [[0, 0.5, 1, 2], [-0.001], [0.002]]
    model = RankingModel(name="many", base_score=0.0, trees=[stump] * 3000)
    low, high = model.score_rows([_row(pos_0=0.0), _row(pos_0=1.0)])
    assert low == pytest.approx(-3.0)
    assert high == pytest.approx(6.0)
