"""Where moto behaves unlike S3 in a way the pipeline depends on, made to behave like S3."""

from __future__ import annotations

import itertools
import threading
from typing import Any


def emit_delete_marker_events() -> None:
    """Deleting from a versioned bucket creates a delete marker, and S3 notifies
    ``s3:ObjectRemoved:DeleteMarkerCreated``; moto 5.2 sends no event at all."""
    from moto.s3 import models, notifications

    original = models.S3Backend.delete_object
    if getattr(original, "emits_delete_marker_events", False):
        return

    def delete_object(
        self: Any,
        bucket_name: str,
        key_name: str,
        version_id: str | None = None,
        bypass: bool = False,
    ) -> Any:
        bucket = self.get_bucket(bucket_name)
        current = bucket.keys.get(key_name)
        result = original(self, bucket_name, key_name, version_id=version_id, bypass=bypass)
        if (
            bucket.is_versioned
            and version_id is None
            and current is not None
            and not isinstance(current, models.FakeDeleteMarker)
        ):
            notifications.send_event(
                self.account_id,
                notifications.S3NotificationEvent.OBJECT_REMOVED_DELETE_MARKER_CREATED_EVENT,
                bucket,
                current,
            )
        return result

    delete_object.emits_delete_marker_events = True  # type: ignore[attr-defined]
    models.S3Backend.delete_object = delete_object  # type: ignore[method-assign]


def order_events_by_sequencer() -> None:
    """S3 gives each event of a key a sequencer that grows with time, so that consumers can
    order them; moto sends the same constant with every event."""
    from moto.s3 import notifications

    original = notifications._get_s3_event
    if getattr(original, "orders_events", False):
        return
    counter = itertools.count(1)
    lock = threading.Lock()

    def get_s3_event(*args: Any, **kwargs: Any) -> dict[str, list[dict[str, Any]]]:
        event = original(*args, **kwargs)
        with lock:
            sequence = next(counter)
        for record in event["Records"]:
            record["s3"]["object"]["sequencer"] = f"{sequence:016X}"
        return event

    get_s3_event.orders_events = True  # type: ignore[attr-defined]
    notifications._get_s3_event = get_s3_event


def behave_like_s3() -> None:
    emit_delete_marker_events()
    order_events_by_sequencer()
