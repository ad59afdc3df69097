"""Queue message → the S3 object events it carries, with keys decoded."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus, unquote_plus

from pydantic import BaseModel, ValidationError


class MalformedEventError(ValueError):
    """A queue message that is not an S3 event notification: it can never succeed on retry."""


class _S3Object(BaseModel):
    key: str
    size: int = 0
    versionId: str | None = None
    sequencer: str | None = None


class _S3Bucket(BaseModel):
    name: str


class _S3Entity(BaseModel):
    bucket: _S3Bucket
    object: _S3Object


class _S3Record(BaseModel):
    eventName: str
    eventTime: str = ""
    s3: _S3Entity


class _S3Notification(BaseModel):
    Records: list[_S3Record]


@dataclass(frozen=True)
class ObjectEvent:
    bucket: str
    key: str
    removed: bool
    size: int
    version_id: str | None
    sequencer: str | None
    event_time: str


def article_id_for(key: str) -> str:
    """An article's id is a digest of its upload key: re-uploading the key updates the article."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def object_events(message_body: str) -> list[ObjectEvent]:
    """Decode one SQS message body written by an S3 notification.

    ``s3:TestEvent`` messages carry no records and decode to an empty list.
    """
    try:
        payload: Any = json.loads(message_body)
    except json.JSONDecodeError as exc:
        raise MalformedEventError(f"message body is not JSON: {exc.msg}") from exc
    if not isinstance(payload, dict):
        raise MalformedEventError("message body is not a JSON object")
    if payload.get("Event") == "s3:TestEvent":
        return []
    if "Records" not in payload:
        raise MalformedEventError("message body has no S3 event records")
    try:
        notification = _S3Notification.model_validate(payload)
    except ValidationError as exc:
        problems = exc.error_count()
        raise MalformedEventError(f"not an S3 event notification ({problems} problems)") from exc
    events = []
    for record in notification.Records:
        s3_object = record.s3.object
        events.append(
            ObjectEvent(
                bucket=record.s3.bucket.name,
                # S3 URL-encodes keys in notifications (spaces as "+").
                key=unquote_plus(s3_object.key),
                removed=record.eventName.startswith("ObjectRemoved"),
                size=s3_object.size,
                version_id=s3_object.versionId,
                sequencer=s3_object.sequencer,
                event_time=record.eventTime,
            )
        )
    return events


def created_event_message(bucket: str, key: str, sequencer: str) -> str:
    """An S3 ``ObjectCreated`` notification for ``key``, as the bucket would send it to a queue.

    Operations use it to run a stage again on objects that already exist.
    """
    return json.dumps(
        {
            "Records": [
                {
                    "eventSource": "aws:s3",
                    "eventName": "ObjectCreated:Copy",
                    "eventTime": datetime.now(UTC).isoformat(timespec="milliseconds"),
                    "s3": {
                        "bucket": {"name": bucket},
                        "object": {"key": quote_plus(key, safe="/"), "sequencer": sequencer},
                    },
                }
            ]
        }
    )
