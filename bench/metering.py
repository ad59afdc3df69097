"""Counts the AWS requests a run makes and what DynamoDB would bill for them.

moto does not size consumed capacity, so DynamoDB units go to the index's own capacity meter
(newsbrief.indexing.capacity.CapacityMeter, one per Meter, by table as its kind): writes per
started 1 KB of the item written (an update at the item's new size), reads
per started 4 KB (half for eventually consistent reads), query results summed before rounding,
the minimum read for a batch-get key with no item.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from newsbrief.indexing.capacity import CapacityMeter, item_size

# us-east-1 list prices (on-demand DynamoDB since its November 2024 price cut; S3 Standard,
# SQS standard, Lambda arm64, EventBridge custom events), as published on the AWS pricing pages.
PRICES_DATE = "2026-11 (unchanged since 2024-11)"
DYNAMODB_WRITE_PER_MILLION = 0.625
DYNAMODB_READ_PER_MILLION = 0.125
S3_WRITE_PER_THOUSAND = 0.005  # PUT, COPY, POST, LIST
S3_READ_PER_THOUSAND = 0.0004  # GET, HEAD and the rest
SQS_PER_MILLION = 0.40
LAMBDA_ARM_PER_GB_SECOND = 0.0000133334
LAMBDA_PER_MILLION_REQUESTS = 0.20
# Each entry of a PutEvents request is billed as one event per started 64 KB of its payload.
EVENTBRIDGE_PER_MILLION_EVENTS = 1.00
EVENTBRIDGE_BILLING_CHUNK = 64 * 1024

S3_WRITE_OPERATIONS = {"PutObject", "CopyObject", "PostObject", "ListObjectsV2", "ListObjects"}


@dataclass
class Meter:
    requests: Counter[str] = field(default_factory=Counter)
    capacity: CapacityMeter = field(default_factory=CapacityMeter)
    billed_events: int = 0
    _clients: dict[str, Any] = field(default_factory=dict)
    _schemas: dict[str, list[str]] = field(default_factory=dict)
    _busy: bool = False

    def attach(self, client: Any) -> None:
        """Meters every call ``client`` makes (DynamoDB units need a DynamoDB client attached)."""
        events = client.meta.events
        events.register("before-call", self._before)
        events.register("after-call", self._after)
        self._clients.setdefault(client.meta.service_model.service_name, client)

    def _before(
        self, model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any
    ) -> None:
        if self._busy:
            return
        service = model.service_model.service_name
        self.requests[f"{service}:{model.name}"] += 1
        if service == "events" and model.name == "PutEvents":
            self.billed_events += billed_events(json.loads(params.get("body") or b"{}"))
        if service != "dynamodb":
            return
        # The serialized body is DynamoDB's wire form, whichever API (client or resource) built it.
        request = json.loads(params.get("body") or b"{}")
        context["metered_request"] = request
        if model.name == "DeleteItem":
            table, key = request["TableName"], request["Key"]
            deleted = self._current_item(table, key) or {}
            self.capacity.wrote(deleted, table, key=_key_label(table, key))

    def _after(self, model: Any, http_response: Any, context: dict[str, Any], **_: Any) -> None:
        if self._busy or model.service_model.service_name != "dynamodb":
            return
        request: dict[str, Any] = context.get("metered_request", {})
        # The raw body, in wire form: a resource's own handler may already have unwrapped `parsed`.
        parsed: dict[str, Any] = json.loads(http_response.content or b"{}")
        name = model.name
        if name in ("PutItem", "UpdateItem") and "TableName" in request:
            table = request["TableName"]
            key = request.get("Key") or self._key_of(table, request.get("Item"))
            # moto has applied the write: an update is billed at the item's new size.
            written = request.get("Item") if name == "PutItem" else None
            stored = written or self._current_item(table, key) or {}
            self.capacity.wrote(stored, table, key=_key_label(table, key))
        elif name == "BatchWriteItem":
            for table, entries in request.get("RequestItems", {}).items():
                for entry in entries:
                    item = entry.get("PutRequest", {}).get("Item")
                    key = entry.get("DeleteRequest", {}).get("Key") or self._key_of(table, item)
                    self.capacity.wrote(item or {}, table, key=_key_label(table, key))
        elif name == "GetItem":
            self.capacity.read(
                item_size(parsed.get("Item")),
                request.get("TableName", "?"),
                consistent=bool(request.get("ConsistentRead")),
            )
        elif name in ("Query", "Scan"):
            self.capacity.read(
                sum(item_size(item) for item in parsed.get("Items", [])),
                request.get("TableName", "?"),
                consistent=bool(request.get("ConsistentRead")),
            )
        elif name == "BatchGetItem":
            for table, spec in request.get("RequestItems", {}).items():
                found = parsed.get("Responses", {}).get(table, [])
                for item in found:
                    self.capacity.read(item_size(item), table)
                left = len(parsed.get("UnprocessedKeys", {}).get(table, {}).get("Keys", []))
                # A key with no item still costs the minimum read.
                for _missing in range(len(spec.get("Keys", [])) - len(found) - left):
                    self.capacity.read(0, table)

    def _current_item(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        self._busy = True
        try:
            response = self._clients["dynamodb"].get_item(TableName=table, Key=key)
        finally:
            self._busy = False
        item: dict[str, Any] | None = response.get("Item")
        return item

    def _key_of(self, table: str, item: dict[str, Any] | None) -> dict[str, Any]:
        if not item:
            return {}
        if table not in self._schemas:
            self._busy = True
            try:
                description = self._clients["dynamodb"].describe_table(TableName=table)
            finally:
                self._busy = False
            self._schemas[table] = [
                part["AttributeName"] for part in description["Table"]["KeySchema"]
            ]
        return {name: item[name] for name in self._schemas[table] if name in item}

    # Costs ----------------------------------------------------------------------------------
    def dynamodb_cost(self) -> float:
        writes = self.capacity.write_units * DYNAMODB_WRITE_PER_MILLION / 1e6
        reads = self.capacity.read_units * DYNAMODB_READ_PER_MILLION / 1e6
        return writes + reads

    def s3_cost(self) -> float:
        total = 0.0
        for name, count in self.requests.items():
            service, operation = name.split(":", 1)
            if service != "s3":
                continue
            price = (
                S3_WRITE_PER_THOUSAND if operation in S3_WRITE_OPERATIONS else S3_READ_PER_THOUSAND
            )
            total += count * price / 1000
        return total

    def sqs_cost(self) -> float:
        count = sum(n for name, n in self.requests.items() if name.startswith("sqs:"))
        return count * SQS_PER_MILLION / 1e6

    def events_cost(self) -> float:
        return self.billed_events * EVENTBRIDGE_PER_MILLION_EVENTS / 1e6


def billed_events(request: dict[str, Any]) -> int:
    """The events EventBridge bills for one PutEvents request (its wire form)."""
    chunks = 0
    for entry in request.get("Entries", []):
        size = len(json.dumps(entry, separators=(",", ":")).encode())
        chunks += -(-size // EVENTBRIDGE_BILLING_CHUNK)
    return chunks


def _key_label(table: str, key: dict[str, Any]) -> str:
    parts = [str(next(iter(value.values()))) for _, value in sorted(key.items())]
    return f"{table}:{'|'.join(parts)}"
