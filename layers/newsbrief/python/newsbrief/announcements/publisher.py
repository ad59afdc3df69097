"""Events the API announces as it stores an editor's change: one call each.

The API answers the editor whatever the bus does: the change is stored, and an event the bus
would not take after the adapter's retries is logged whole (EventBus) to be put again by hand,
never turned into an error for a change that was made.
"""

from __future__ import annotations

from newsbrief.announcements.details import BusEvent
from newsbrief.announcements.newsroom import NewsroomEvents
from newsbrief.models import ArticleRecord
from newsbrief.storage.event_bus import EventBus, EventsNotPutError


class EventPublisher:
    def __init__(self, bus: EventBus, events: NewsroomEvents) -> None:
        self._bus = bus
        self._events = events

    def announce(self, event: BusEvent) -> bool:
        """Puts ``event``; False if the bus did not take it (it is logged)."""
        try:
            self._bus.put([event])
        except EventsNotPutError:
            return False
        return True

    def summary_edited(
        self,
        record: ArticleRecord,
        summary: list[str],
        editor: str,
        note: str | None,
        version: str,
    ) -> bool:
        return self.announce(self._events.summary_edited(record, summary, editor, note, version))

    def summary_approved(
        self, record: ArticleRecord, summary: list[str], approved_by: str, version: str
    ) -> bool:
        return self.announce(self._events.summary_approved(record, summary, approved_by, version))
