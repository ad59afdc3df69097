"""Where moto behaves unlike S3 in a way the pipeline depends on, made to behave like S3."""

from __future__ import annotations

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
