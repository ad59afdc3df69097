from __future__ import annotations

import zlib

import pytest

from newsbrief.indexing.analyzer import contains_phrase, fold, parse_query, phrase_keys, terms
from newsbrief.indexing.cursor import decode_cursor, encode_cursor
from newsbrief.indexing.models import InvalidCursorError, SearchRequest
from newsbrief.indexing.neardup import band_terms, signature, similarity
from newsbrief.indexing.postings import (
    Posting,
    Run,
    day_number,
    decode_norm,
    decode_run,
    encode_norm,
    encode_run,
    language_id,
    merge_runs,
    split_run,
    without_docs,
)
from newsbrief.indexing.snippets import make_snippet


def test_terms_fold_stem_and_drop_stop_words() -> None:
    assert terms("The Runners were RUNNING in Zürich's café") == ["runner", "run", "zurich", "cafe"]
    assert terms("Ёлки и новости") == ["елк", "новост"]
    assert fold("Йошкар-Ола") == "йошкар-ола"
    assert terms("a b 7 " + "x" * 41) == ["7"]


def test_query_syntax() -> None:
    parsed = parse_query('storm “harbour wall” -flood -"sea level" the')
    assert parsed.terms == ["storm"]
    assert [p.keys for p in parsed.phrases] == [["harbour", "wall"]]
    assert parsed.excluded_terms == ["flood"]
    assert [p.terms for p in parsed.excluded_phrases] == [["sea", "level"]]
    assert parsed.lookup_terms() == {"storm", "harbour", "wall", "flood", "sea", "level"}
    assert parse_query("the of -").is_empty
    assert parse_query('"unterminated phrase').phrases[0].terms == ["untermin", "phrase"]


def test_phrase_matching_keeps_stop_words_and_order() -> None:
    text = phrase_keys("The Prime Minister of the United Kingdom spoke.")
    assert contains_phrase(text, phrase_keys("minister of the united"))
    assert contains_phrase(text, phrase_keys("prime ministers"))
    assert not contains_phrase(text, phrase_keys("minister united"))
    assert not contains_phrase(text, phrase_keys("united prime"))


def postings(*docs: int) -> list[Posting]:
    return [
        Posting(doc, doc % 5 + 1, encode_norm(100 + doc % 50), doc % 3, 19000 + doc % 100)
        for doc in docs
    ]


def test_run_round_trip_and_selective_decode() -> None:
    run = Run(
        3, 450, {"b": postings(5, 1 << 40, (1 << 40) + 3), "a": postings(7), "é": postings(2)}
    )
    blob = encode_run(run)
    assert decode_run(blob) == Run(3, 450, {t: sorted(p) for t, p in run.postings.items()})
    assert decode_run(blob, {"a", "zz"}) == Run(3, 450, {"a": postings(7)})


def test_merge_union_dedupes_and_removal() -> None:
    one = Run(2, 10, {"a": postings(1, 2), "b": postings(2)})
    again = Run(1, 5, {"a": postings(2, 3)})
    merged = merge_runs([one, again])
    assert (merged.doc_count, merged.total_length) == (3, 15)
    assert [p.doc for p in merged.postings["a"]] == [1, 2, 3]
    assert without_docs(merged, {2}).postings == {"a": postings(1, 3)}
    parts = split_run(merged, {"a": 0, "b": 1})
    assert parts[1].postings == {"b": postings(2)} and parts[1].doc_count == 3


def test_norms_days_and_languages() -> None:
    for length in (0, 1, 50, 800, 20_000):
        assert abs(decode_norm(encode_norm(length)) - length) <= max(1.0, 0.03 * length)
    assert day_number("1970-01-02T10:00:00Z") == 1
    assert day_number("not a date") == day_number(None) == day_number("1900-01-01") == 0
    assert language_id("en-GB") == language_id("EN") != language_id("ru")
    assert language_id("xx") == 255 and language_id(None) == 0


def test_near_duplicate_signatures() -> None:
    base = " ".join(f"word{i} filler{i % 7}" for i in range(200))
    edited = base.replace("word50 ", "changed ").replace("word120 ", "other ")
    unrelated = " ".join(f"term{i} stuff{i % 5}" for i in range(200))
    assert similarity(signature(base), signature(base)) == 1.0
    assert similarity(signature(base), signature(edited)) >= 0.75
    assert similarity(signature(base), signature(unrelated)) < 0.2
    assert set(band_terms(signature(base))) & set(band_terms(signature(edited)))
    assert not set(band_terms(signature(base))) & set(band_terms(signature(unrelated)))


def test_snippet_window_and_marks() -> None:
    text = " ".join(["filler"] * 50) + " the harbour & wall " + " ".join(["tail"] * 50)
    snippet = make_snippet(text, {"harbour", "wall"}, words=10)
    assert snippet.startswith("\u2026 ") and snippet.endswith(" \u2026")
    assert "<mark>harbour</mark> &amp; <mark>wall</mark>" in snippet
    assert make_snippet("Short text.", {"absent"}) == "Short text."


def test_cursor_round_trip_and_tampering() -> None:
    request = SearchRequest(q="harbour", sort="date")
    cursor = encode_cursor(b"k", request, (-19000.0, -1.25, 42.0))
    assert decode_cursor(b"k", request.model_copy(update={"limit": 50}), cursor) == (
        -19000.0,
        -1.25,
        42.0,
    )
    for key, req, token in [
        (b"other", request, cursor),
        (b"k", request.model_copy(update={"tag": "x"}), cursor),
        (b"k", request, cursor[:-3] + "AAA"),
        (b"k", request, "no-dot"),
        (b"k", request, "!!.??"),
    ]:
        with pytest.raises(InvalidCursorError):
            decode_cursor(key, req, token)


def test_run_stores_each_document_once_not_once_per_term() -> None:
    """Norm, language and day live in the run's document table: a posting costs its table
    index and tf, a couple of bytes, however many terms a document has."""
    docs = range(1000, 1100)
    run = Run(100, 10_000, {f"term{t}": postings(*docs) for t in range(50)})
    raw = zlib.decompress(encode_run(run))
    posting_count = 50 * len(docs)
    assert len(raw) < 2.5 * posting_count
    assert decode_run(encode_run(run)) == run
