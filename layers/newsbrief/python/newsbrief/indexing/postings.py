"""Posting lists and the compact binary "run" that carries many terms' postings in one item.

A run holds, for a set of terms, every posting of a group of documents (one upsert batch, or
several merged). Encoding, before zlib: a header (documents covered, their summed length), a
table of the documents posted in the run (count, then column by column: delta-coded references,
norms, languages, days), then per term in sorted order: the UTF-8 term, its posting count and
byte length (so a reader skips the terms it does not need), and its postings sorted by document
reference, each as ``varint(table index delta) varint(tf)``. A document's norm, language and day
are the same in every term's posting, so the table stores them once per run rather than once
per term: postings shrink to about two bytes, and so do the read and write units. Delta-coded
references are why the reference is a dense integer (see ``writer.py``), not the article id.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

# Languages with their own code in the posting's language byte (1, 2, ...); 0 is "unknown",
# 255 "another language".
LANGUAGE_CODES = (
    "ar bg ca cs da de el en es et fa fi fr he hi hr hu id it ja ko lt lv nl no pl pt ro ru sk "
    "sl sr sv th tr uk vi zh"
)
OTHER_LANGUAGE = 255
_LANGUAGE_IDS = {code: i for i, code in enumerate(LANGUAGE_CODES.split(), start=1)}
_EPOCH = date(1970, 1, 1)
# Document length is kept as one byte on a log scale (about 4 % resolution), as Lucene's norms.
_NORM_SCALE = 25.0


class Posting(NamedTuple):
    doc: int
    tf: int
    norm: int
    lang: int
    day: int


def language_id(language: str | None) -> int:
    if not language:
        return 0
    return _LANGUAGE_IDS.get(language.lower().split("-")[0], OTHER_LANGUAGE)


def day_number(iso_date: str | None) -> int:
    """Days since 1970-01-01 of an ISO 8601 date or timestamp; 0 when absent or unreadable."""
    if not iso_date:
        return 0
    try:
        days = (date.fromisoformat(iso_date[:10]) - _EPOCH).days
    except ValueError:
        return 0
    # The posting keeps the day in two bytes: dates outside 1970-2149 count as unknown.
    return days if 0 < days < 1 << 16 else 0


def encode_norm(length: int) -> int:
    return min(255, round(math.log1p(length) * _NORM_SCALE))


def decode_norm(norm: int) -> float:
    return math.expm1(norm / _NORM_SCALE)


def _put_varint(out: bytearray, value: int) -> None:
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def _get_varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


@dataclass
class Run:
    """Postings of some documents for some terms, with how many documents the run covers."""

    doc_count: int = 0
    total_length: int = 0
    postings: dict[str, list[Posting]] = field(default_factory=dict)


def _doc_table(run: Run) -> list[Posting]:
    """One posting per document of the run (tf unused), sorted by reference."""
    by_doc: dict[int, Posting] = {}
    for postings in run.postings.values():
        for posting in postings:
            by_doc[posting.doc] = posting
    return [by_doc[doc] for doc in sorted(by_doc)]


def encode_run(run: Run) -> bytes:
    table = _doc_table(run)
    position = {posting.doc: i for i, posting in enumerate(table)}
    out = bytearray()
    _put_varint(out, run.doc_count)
    _put_varint(out, run.total_length)
    _put_varint(out, len(table))
    previous = 0
    for posting in table:
        _put_varint(out, posting.doc - previous)
        previous = posting.doc
    out += bytes(p.norm for p in table)
    out += bytes(p.lang for p in table)
    for posting in table:
        out += posting.day.to_bytes(2, "big")
    _put_varint(out, len(run.postings))
    for term in sorted(run.postings):
        encoded_term = term.encode()
        body = bytearray()
        previous = 0
        for posting in sorted(run.postings[term]):
            index = position[posting.doc]
            # Most deltas and term frequencies fit one byte: skip the call for them.
            delta = index - previous
            if delta < 0x80:
                body.append(delta)
            else:
                _put_varint(body, delta)
            previous = index
            if posting.tf < 0x80:
                body.append(posting.tf)
            else:
                _put_varint(body, posting.tf)
        _put_varint(out, len(encoded_term))
        out += encoded_term
        _put_varint(out, len(run.postings[term]))
        _put_varint(out, len(body))
        out += body
    return zlib.compress(bytes(out), 6)


def decode_run(blob: bytes, wanted: set[str] | None = None) -> Run:
    """Decode a run; with ``wanted``, only those terms' postings (the rest are skipped)."""
    data = zlib.decompress(blob)
    doc_count, pos = _get_varint(data, 0)
    total_length, pos = _get_varint(data, pos)
    table_size, pos = _get_varint(data, pos)
    refs = []
    doc = 0
    for _ in range(table_size):
        delta, pos = _get_varint(data, pos)
        doc += delta
        refs.append(doc)
    norms = data[pos : pos + table_size]
    langs = data[pos + table_size : pos + 2 * table_size]
    pos += 2 * table_size
    days = [int.from_bytes(data[pos + 2 * i : pos + 2 * i + 2]) for i in range(table_size)]
    pos += 2 * table_size
    term_count, pos = _get_varint(data, pos)
    run = Run(doc_count, total_length)
    for _ in range(term_count):
        size, pos = _get_varint(data, pos)
        term = data[pos : pos + size].decode()
        pos += size
        count, pos = _get_varint(data, pos)
        size, pos = _get_varint(data, pos)
        if wanted is None or term in wanted:
            postings = []
            index = 0
            at = pos
            for _ in range(count):
                # One-byte values (most of them) without the call.
                delta = data[at]
                if delta < 0x80:
                    at += 1
                else:
                    delta, at = _get_varint(data, at)
                index += delta
                tf = data[at]
                if tf < 0x80:
                    at += 1
                else:
                    tf, at = _get_varint(data, at)
                postings.append(Posting(refs[index], tf, norms[index], langs[index], days[index]))
            run.postings[term] = postings
        pos += size
    return run


def merge_runs(runs: Iterable[Run]) -> Run:
    """The union of runs. A document's posting for a term is the same wherever it is stored,
    so a posting present in two runs (a merge retried after a crash) is kept once."""
    merged = Run()
    by_term: dict[str, dict[int, Posting]] = {}
    for run in runs:
        merged.doc_count += run.doc_count
        merged.total_length += run.total_length
        for term, postings in run.postings.items():
            target = by_term.setdefault(term, {})
            for posting in postings:
                target[posting.doc] = posting
    merged.postings = {term: sorted(docs.values()) for term, docs in by_term.items()}
    return merged


def without_docs(run: Run, docs: set[int]) -> Run:
    """The run with every posting of ``docs`` removed (terms left empty are dropped)."""
    kept = {
        term: [p for p in postings if p.doc not in docs] for term, postings in run.postings.items()
    }
    return Run(run.doc_count, run.total_length, {t: p for t, p in kept.items() if p})


def split_run(run: Run, part_of: Mapping[str, int]) -> dict[int, Run]:
    """Split a run's terms into parts by ``part_of[term]``; every part covers all the docs."""
    parts: dict[int, Run] = {}
    for term, postings in run.postings.items():
        part = parts.setdefault(part_of[term], Run(run.doc_count, run.total_length))
        part.postings[term] = postings
    return parts
