"""The stack's EventBridge bus: puts events, retrying what EventBridge did not take.

PutEvents can take part of a request: ``FailedEntryCount`` counts the entries it refused, each
with an ``ErrorCode``. Throttled and internally failed entries are sent again, alone, after a
wait drawn with full jitter; a call that fails for a transient reason is sent again the same
way. What is still refused after the last try raises ``EventsNotPutError``, naming the events.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from newsbrief import aws_errors
from newsbrief.announcements.details import EVENT_SOURCE, BusEvent
from newsbrief.backoff import Backoff

logger = Logger(child=True)

# PutEvents takes at most 10 entries a call.
MAX_ENTRIES = 10
# Entry errors that another try may get past; others (a malformed detail, access denied) stay.
RETRYABLE_ENTRY_ERRORS = frozenset({"ThrottlingException", "InternalFailure", "InternalException"})


class EventsNotPutError(RuntimeError):
    """EventBridge did not take these events after every try."""

    def __init__(self, unsent: Sequence[BusEvent], reason: str) -> None:
        ids = ", ".join(event.event_id for event in unsent)
        super().__init__(f"{len(unsent)} events not put ({reason}): {ids}")
        self.unsent = list(unsent)


class EventBus:
    """Puts events on one bus; takes its ``events`` client from outside."""

    def __init__(
        self,
        client: Any,
        bus_name: str,
        *,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
        draw: Callable[[], float] = random.random,
    ) -> None:
        self._client = client
        self._bus_name = bus_name
        self._backoff = backoff or Backoff(base_seconds=0.1, cap_seconds=2.0, attempts=5)
        self._sleep = sleep
        self._draw = draw

    def put(self, events: Sequence[BusEvent]) -> None:
        """Puts every event, or raises EventsNotPutError naming those it could not put."""
        unsent: list[BusEvent] = []
        reasons: set[str] = set()
        for start in range(0, len(events), MAX_ENTRIES):
            left, reason = self._put_part(events[start : start + MAX_ENTRIES])
            unsent += left
            if reason:
                reasons.add(reason)
        if unsent:
            logger.error(
                "events not put on the bus",
                extra={
                    "reasons": sorted(reasons),
                    "events": [event.model_dump(mode="json") for event in unsent],
                },
            )
            raise EventsNotPutError(unsent, ", ".join(sorted(reasons)))

    def _put_part(self, part: Sequence[BusEvent]) -> tuple[list[BusEvent], str]:
        """Tries one request's worth; returns what is left unsent and why."""
        pending = list(part)
        refused: list[BusEvent] = []
        reason = ""
        for attempt in range(self._backoff.attempts):
            if attempt:
                self._sleep(self._backoff.delay(attempt - 1, self._draw))
            try:
                response = self._client.put_events(Entries=[self._entry(e) for e in pending])
            except (ClientError, BotoCoreError) as error:
                reason = aws_errors.error_code(error)
                if not aws_errors.is_transient(error):
                    break
                continue
            if not response.get("FailedEntryCount"):
                return refused, reason
            retried: list[BusEvent] = []
            for event, result in zip(pending, response["Entries"], strict=True):
                code = result.get("ErrorCode")
                if not code:
                    continue
                reason = str(code)
                (retried if code in RETRYABLE_ENTRY_ERRORS else refused).append(event)
            logger.warning(
                "EventBridge refused part of a request",
                extra={"attempt": attempt + 1, "refused": len(retried) + len(refused)},
            )
            pending = retried
            if not pending:
                break
        return refused + pending, reason

    def _entry(self, event: BusEvent) -> dict[str, Any]:
        return {
            "Source": EVENT_SOURCE,
            "DetailType": str(event.detail_type),
            "Detail": json.dumps(event.detail, ensure_ascii=False),
            "Time": datetime.fromisoformat(event.time),
            "EventBusName": self._bus_name,
        }
