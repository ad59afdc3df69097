"""Follows an import's files through the pipeline until each is indexed or rejected, reading
the articles table a hundred keys a request."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from newsbrief.events import article_id_for
from newsbrief.models import Status
from newsbrief_cli.manifest import Ledger
from newsbrief_cli.target import Target

BATCH = 100
FINAL = {Status.INDEXED.value, Status.REJECTED.value}


def _epoch(timestamp: str | None) -> float:
    if not timestamp:
        return 0.0
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


class Follower:
    def __init__(self, target: Target, ledger: Ledger, stopping: threading.Event) -> None:
        self._dynamodb = target.client("dynamodb")
        self._table = target.output("ArticlesTableName")
        self._ledger = ledger
        self._stopping = stopping

    def follow(
        self, settled: Callable[[int], None], idle_timeout: float, interval: float = 1.0
    ) -> int:
        """Polls until every file settled, nothing settled for ``idle_timeout`` seconds, or
        ``stopping``; reports each round's newly settled count; returns how many are left."""
        last_change = time.monotonic()
        while not self._stopping.is_set():
            changed = self._round()
            if changed:
                settled(changed)
                last_change = time.monotonic()
            if not self._ledger.unsettled("", 1):
                return 0
            if time.monotonic() - last_change > idle_timeout:
                break
            self._stopping.wait(interval)
        return self._remaining()

    def _remaining(self) -> int:
        left, after = 0, ""
        while page := self._ledger.unsettled(after, 1000):
            left += len(page)
            after = page[-1][0]
        return left

    def _round(self) -> int:
        changed, after = 0, ""
        while not self._stopping.is_set() and (page := self._ledger.unsettled(after, BATCH)):
            after = page[-1][0]
            items = self._get({article_id_for(key) for key, _ in page})
            for key, since in page:
                found = items.get(article_id_for(key))
                articles = [found] if found else self._articles_of(key)
                if self._settle(key, since, articles):
                    changed += 1
        return changed

    def _settle(self, key: str, since: float | None, articles: list[dict[str, Any]]) -> bool:
        if not articles:
            return False
        for article in articles:
            if _value(article, "status") not in FINAL:
                return False
            # An earlier upload's record of a replaced key does not count.
            if since is not None and _epoch(_value(article, "updated_at")) < int(since):
                return False
        rejected = [a for a in articles if _value(a, "status") == Status.REJECTED.value]
        if rejected:
            self._ledger.settle(key, "rejected", _value(rejected[0], "reason_code"), False)
        else:
            duplicate = any(_value(a, "duplicate_of") for a in articles)
            self._ledger.settle(key, "indexed", None, duplicate)
        return True

    def _get(self, ids: set[str]) -> dict[str, dict[str, Any]]:
        request: dict[str, Any] = {
            self._table: {
                "Keys": [{"id": {"S": article_id}} for article_id in sorted(ids)],
                "ProjectionExpression": "id, #s, reason_code, updated_at, duplicate_of",
                "ExpressionAttributeNames": {"#s": "status"},
            }
        }
        found: dict[str, dict[str, Any]] = {}
        while request:
            response = self._dynamodb.batch_get_item(RequestItems=request)
            for item in response.get("Responses", {}).get(self._table, []):
                found[item["id"]["S"]] = item
            request = response.get("UnprocessedKeys") or {}
            if request:
                time.sleep(0.2)
        return found

    def _articles_of(self, key: str) -> list[dict[str, Any]]:
        """The articles of a file that holds several (a JSON list), numbered after its key."""
        if not key.lower().endswith(".json"):
            return []
        response = self._dynamodb.query(
            TableName=self._table,
            IndexName="SourceKeyIndex",
            KeyConditionExpression="source_key = :key",
            ExpressionAttributeValues={":key": {"S": key}},
        )
        ids = [item["id"]["S"] for item in response.get("Items", [])]
        return list(self._get(set(ids)).values()) if ids else []


def _value(item: dict[str, Any], name: str) -> str | None:
    attribute = item.get(name)
    if not attribute:
        return None
    return str(next(iter(attribute.values())))
