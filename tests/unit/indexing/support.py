"""Helpers shared by the index tests."""

from __future__ import annotations

from itertools import count
from typing import Any

from newsbrief.indexing import IndexDocument, IndexLayout

TABLE = "search-index-test"


def ticking_clock(start: float = 1_750_000_000.0) -> Any:
    """A clock that moves one second per call, so every batch gets its own run."""
    ticks = count()
    return lambda: start + next(ticks)


# Small buckets and eager merges so a handful of articles exercises every level.
SMALL_LAYOUT = IndexLayout(buckets=(4, 16), merge_every=(2, 2), full_batch=1)


def article(article_id: str, text: str, **fields: Any) -> IndexDocument:
    return IndexDocument(id=article_id, body=[text], **fields)
