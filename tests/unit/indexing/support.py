"""Helpers shared by the index tests."""

from __future__ import annotations

from itertools import count
from typing import Any

from newsbrief.indexing import (
    DynamoDBIndexWriter,
    DynamoDBSearcher,
    IndexDocument,
    IndexLayout,
    IndexTable,
)

TABLE = "search-index-test"


def ticking_clock(start: float = 1_750_000_000.0) -> Any:
    """A clock that moves one second per call, so every batch gets its own run."""
    ticks = count()
    return lambda: start + next(ticks)


# Small buckets and eager merges so a handful of articles exercises every level.
SMALL_LAYOUT = IndexLayout(buckets=(4, 16), merge_every=(2, 2), full_batch=1)


def article(article_id: str, text: str, **fields: Any) -> IndexDocument:
    return IndexDocument(id=article_id, body=[text], **fields)


def writer_and_searcher(
    client: Any,
    layout: IndexLayout = SMALL_LAYOUT,
    *,
    cursor_key: bytes = b"test-secret",
    clock: Any = None,
) -> tuple[DynamoDBIndexWriter, DynamoDBSearcher]:
    """A writer and a searcher on one table, metered together."""
    table = IndexTable(client, TABLE, layout=layout)
    writer = DynamoDBIndexWriter(table, clock=clock or ticking_clock())
    return writer, DynamoDBSearcher(table, cursor_key=cursor_key)


HARBOUR = (
    "The city council approved a plan on Tuesday to rebuild the old harbour wall, which was "
    "damaged by winter storms. Engineers said the new wall would be higher and built from "
    "recycled concrete. Fishermen welcomed the decision but warned that work must finish "
    "before the autumn season, when boats return to port. The council will pay for most of "
    "the project, with the rest coming from a regional fund for coastal towns. Residents "
    "who live near the harbour have asked for the road along the shore to stay open during "
    "construction, and the mayor promised a public meeting next month to discuss the timetable."
)

NUCLEAR = (
    "Negotiators announced a framework for a nuclear deal after talks that ran late into the "
    "night. Under the plan, the country would reduce its centrifuges and allow inspectors "
    "into its sites, while sanctions would be lifted in stages."
)

SCATTERED = (
    "The deal on farm subsidies was signed in the morning. Later, a debate on nuclear power "
    "plants divided the parliament for hours."
)

FOOTBALL = (
    "The home team scored twice in the second half to win the football final. The coach "
    "praised the young striker, who scored the winning goal with a header from a corner."
)

RUSSIAN = (
    "Городской совет обсудил новости о строительстве нового моста через реку. Жители "
    "просили сохранить старый мост для пешеходов."
)


def ids(page: Any) -> list[str]:
    return [hit.id for hit in page.items]


def run_items(dynamodb: Any) -> list[dict[str, Any]]:
    items = dynamodb.scan(TableName=TABLE)["Items"]
    return [i for i in items if i["pk"]["S"].startswith("p")]
