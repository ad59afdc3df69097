from __future__ import annotations

import math
from typing import Any

from newsbrief.indexing import IndexLayout, SearchRequest
from newsbrief.indexing.capacity import item_size, read_units, write_units

from .support import FOOTBALL, HARBOUR, NUCLEAR, SCATTERED, article, ids, writer_and_searcher


def test_item_size_follows_dynamodb_rules() -> None:
    # Names and strings in UTF-8 bytes; numbers by significant digits (zeros trimmed) plus one.
    assert item_size({"pk": {"S": "мост"}}) == 2 + 8
    assert item_size({"n": {"N": "1200"}}) == 1 + 2
    assert item_size({"n": {"N": "-0.0125"}}) == 1 + 3
    assert item_size({"s": {"NS": ["1", "22"]}}) == 1 + 2 + 2
    assert item_size({"m": {"M": {"ключ": {"BOOL": True}}}}) == 1 + 3 + 1 + 8 + 1
    assert item_size(None) == 0


def test_units_round_up_per_started_block() -> None:
    assert [write_units(size) for size in (0, 1024, 1025)] == [1, 1, 2]
    assert read_units(4097) == 1.0
    assert read_units(4097, consistent=True) == 2.0
    assert read_units(0) == 0.5


class RecordingClient:
    """Passes calls to DynamoDB and keeps every read's request and response."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.reads: list[tuple[str, dict[str, Any], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        call = getattr(self._client, name)
        if name not in ("query", "batch_get_item"):
            return call

        def recorded(**kwargs: Any) -> Any:
            response = call(**kwargs)
            self.reads.append((name, kwargs, response))
            return response

        return recorded


def billed_read_units(reads: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> float:
    """What DynamoDB bills for these reads: a Query page per started 4 KB of its items, a
    batch get per started 4 KB of each item, half for eventually consistent reads, and the
    minimum for a key with no item."""
    units = 0.0
    for name, request, response in reads:
        if name == "query":
            size = sum(item_size(i) for i in response["Items"])
            units += math.ceil(max(size, 1) / 4096) * (1.0 if request["ConsistentRead"] else 0.5)
        else:
            ((table, asked),) = request["RequestItems"].items()
            got = response["Responses"].get(table, [])
            units += sum(math.ceil(max(item_size(i), 1) / 4096) * 0.5 for i in got)
            left = len(response.get("UnprocessedKeys", {}).get(table, {}).get("Keys", []))
            units += 0.5 * (len(asked["Keys"]) - len(got) - left)
    return units


def test_capacity_is_metered_per_key(dynamodb: Any) -> None:
    client = RecordingClient(dynamodb)
    writer, searcher = writer_and_searcher(client, IndexLayout())
    batch = [
        article("h", HARBOUR),
        article("n", NUCLEAR),
        article("f", FOOTBALL),
        article("s", SCATTERED),
    ]
    writer.upsert(batch)
    meter = writer.meter
    assert searcher.meter is meter
    # Each article writes its record and its stored text, at least a unit each.
    assert meter.write_units_by_kind["record"] == len(batch)
    assert meter.write_units_by_kind["article"] >= len(batch)
    # One level-0 run item per bucket per batch: no posting key took more than a run's worth.
    postings_keys = {k: v for k, v in meter.write_units_by_key.items() if k.startswith("p")}
    assert postings_keys and max(postings_keys.values()) <= 2
    reads_before = meter.read_units
    requests_before = meter.requests["Query"] + meter.requests["BatchGetItem"]
    client.reads.clear()
    page = searcher.search(SearchRequest(q="harbour nuclear football"))
    # SCATTERED has the three words apart.
    assert set(ids(page)) == {"h", "n", "f", "s"}
    requests = meter.requests["Query"] + meter.requests["BatchGetItem"] - requests_before
    # The postings of three terms, then the hits' records.
    assert requests == len(client.reads)
    assert {name for name, _, _ in client.reads} == {"query", "batch_get_item"}
    assert meter.read_units - reads_before == billed_read_units(client.reads)
