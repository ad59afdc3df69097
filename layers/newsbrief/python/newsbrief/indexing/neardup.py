"""Near-duplicate detection: MinHash over word shingles, with LSH bands as lookup keys.

A document's band keys are indexed as pseudo-terms next to its words, so finding the articles
that may be the same story is an ordinary posting lookup; candidates are then confirmed by
comparing full signatures.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from newsbrief.indexing.analyzer import folded_words

SHINGLE_WORDS = 4
BANDS = 8
ROWS_PER_BAND = 3
SIGNATURE_LENGTH = BANDS * ROWS_PER_BAND
# Estimated Jaccard similarity of shingle sets above which two articles are one story. Ten
# changed words in a 500-word article leave about 0.9; distinct stories on one topic stay < 0.3.
DUPLICATE_SIMILARITY = 0.75
BAND_TERM_PREFIX = "#b"

_MASK64 = (1 << 64) - 1


def _constant(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest())


# Fixed (never change: stored signatures depend on them) odd multipliers and offsets.
_PERMUTATIONS = [
    (_constant(f"minhash-a-{i}") | 1, _constant(f"minhash-b-{i}")) for i in range(SIGNATURE_LENGTH)
]


def _hash64(text: str) -> int:
    return _constant(text)


def signature(text: str) -> list[int]:
    """MinHash signature (32-bit values) of the text's word 4-shingles, stop words included."""
    words = folded_words(text)
    if not words:
        return [0] * SIGNATURE_LENGTH
    width = min(SHINGLE_WORDS, len(words))
    hashes = {_hash64(" ".join(words[i : i + width])) for i in range(len(words) - width + 1)}
    return [min(((a * h + b) & _MASK64) >> 32 for h in hashes) for a, b in _PERMUTATIONS]


def band_terms(sig: Sequence[int]) -> list[str]:
    """LSH band keys: articles sharing one are near-duplicate candidates."""
    keys = []
    for band in range(BANDS):
        rows = sig[band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND]
        digest = hashlib.blake2b(repr(tuple(rows)).encode(), digest_size=6).hexdigest()
        keys.append(f"{BAND_TERM_PREFIX}{band}:{digest}")
    return keys


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the two signatures' shingle sets."""
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def pack_signature(sig: Sequence[int]) -> bytes:
    return b"".join(value.to_bytes(4, "big") for value in sig)


def unpack_signature(data: bytes) -> list[int]:
    return [int.from_bytes(data[i : i + 4]) for i in range(0, len(data), 4)]
