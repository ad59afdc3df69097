"""Where moto behaves unlike AWS in a way the pipeline depends on, made to behave like AWS:
S3's events, DynamoDB's atomic writes, and DynamoDB queries and SQS receives whose cost does
not grow with the data."""

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


def behave_like_aws() -> None:
    emit_delete_marker_events()
    order_events_by_sequencer()
    write_items_atomically()
    query_one_partition()
    check_retention_cheaply()


def write_items_atomically() -> None:
    """A DynamoDB write is atomic: its condition is checked and its update applied (an ADD,
    a counter) with no other write between. moto's server runs requests in threads and reads,
    changes and stores an item with no lock, so two writers of one item (instances of a
    function running at once) can lose an update or both pass a condition. Writes take turns."""
    from moto.dynamodb.models import DynamoDBBackend

    if getattr(DynamoDBBackend.update_item, "writes_atomically", False):
        return
    # Reentrant: a transaction's writes go through the single-item writes.
    lock = threading.RLock()

    def atomic(original: Any) -> Any:
        def write(self: Any, *args: Any, **kwargs: Any) -> Any:
            with lock:
                return original(self, *args, **kwargs)

        write.writes_atomically = True  # type: ignore[attr-defined]
        return write

    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        setattr(DynamoDBBackend, name, atomic(getattr(DynamoDBBackend, name)))


def query_one_partition() -> None:
    """A DynamoDB query reads one partition; moto 5.2 sorts and scans the whole table for
    every query, which makes a local archive of thousands of articles crawl. Base-table
    queries now see only their partition's items (index queries keep moto's scan)."""
    from moto.dynamodb.models import table

    original_query = table.Table.query
    if getattr(original_query, "reads_one_partition", False):
        return
    original_all_items = table.Table.all_items
    scope = threading.local()

    def all_items(self: Any) -> Any:
        partition = getattr(scope, "partition", None)
        if partition is not None and partition[0] is self:
            return partition[1]
        return original_all_items(self)

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("index_name") or not self.has_range_key or hash_key is None:
            return original_query(self, hash_key, *args, **kwargs)
        scope.partition = (self, list(self.items.get(hash_key, {}).values()))
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            scope.partition = None

    query.reads_one_partition = True  # type: ignore[attr-defined]
    table.Table.all_items = all_items  # type: ignore[method-assign]
    table.Table.query = query  # type: ignore[method-assign]


def check_retention_cheaply() -> None:
    """moto 5.2 checks each message's retention on receive by computing every attribute of
    its queue, counts of all messages included: a receive costs the square of the backlog.
    The check needs one attribute, read directly."""
    from moto.core.utils import unix_time
    from moto.sqs import models

    original = models.SQSBackend.is_message_valid_based_on_retention_period
    if getattr(original, "reads_retention_only", False):
        return

    def is_message_valid_based_on_retention_period(
        self: Any, queue_name: str, message: Any
    ) -> bool:
        retention_seconds = int(self.get_queue(queue_name).message_retention_period)
        return bool(retention_seconds + message.sent_timestamp / 1000 > unix_time())

    is_message_valid_based_on_retention_period.reads_retention_only = True  # type: ignore[attr-defined]
    models.SQSBackend.is_message_valid_based_on_retention_period = (  # type: ignore[method-assign]
        is_message_valid_based_on_retention_period
    )


def remember_service_hosts() -> None:
    """moto's server matches every request's host against every service's URL patterns;
    the answer for a host never changes, so it is looked up once."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    original = DomainDispatcherApplication.get_backend_for_host
    if getattr(original, "remembers_hosts", False):
        return
    backends: dict[str | None, Any] = {}

    def get_backend_for_host(self: Any, host: str | None) -> Any:
        if host not in backends:
            backends[host] = original(self, host)
        return backends[host]

    get_backend_for_host.remembers_hosts = True  # type: ignore[attr-defined]
    DomainDispatcherApplication.get_backend_for_host = get_backend_for_host  # type: ignore[method-assign]
