"""bench/search.py --scale: recombined articles analyzed from their sentences as analyze() does."""

from __future__ import annotations

import pytest

from bench import search
from newsbrief.indexing.documents import analyze

SENTENCES = [
    "the council approved a plan on tuesday to rebuild the old harbour wall .",
    "engineers said the new wall would be higher .",
    "`` it will last '' , the mayor said .",
    "ok .",
    "fishermen welcomed the decision but warned that work must finish before autumn .",
]


@pytest.mark.parametrize(
    "picked", [[0, 1, 2], [3], [3, 3, 1], [4, 0, 3, 2, 1, 0], [1, 3, 2]], ids=str
)
def test_sentence_analysis_equals_analyze(picked: list[int]) -> None:
    analysis = search.SentenceAnalysis()
    fast = analysis.analyze("doc", [SENTENCES[i] for i in picked])
    slow = analyze(fast.doc)
    assert fast.term_freqs == slow.term_freqs
    assert (fast.length, fast.signature, fast.content_sha256) == (
        slow.length,
        slow.signature,
        slow.content_sha256,
    )


def test_tokenized_sentences_keep_a_closing_quote() -> None:
    text = "he said `` go . '' then he left ! why ? end"
    assert search.tokenized_sentences(text) == [
        "he said `` go . ''",
        "then he left !",
        "why ?",
        "end",
    ]


def test_power_law_fit_reads_the_curve() -> None:
    points = [(n, 3.0 * n**0.5) for n in (10_000, 100_000, 300_000)]
    assert search.fit_power(points, 1_000_000) == pytest.approx(3000.0)
