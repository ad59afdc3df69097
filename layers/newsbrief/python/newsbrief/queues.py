"""What the queue-fed functions share: an SQS batch through Powertools' BatchProcessor, so only
the records that fail are retried, and for the stages fed S3 object events one at a time, each
event handled once however often it is delivered, and the events its handling announces put on
the stack's bus after it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)

from newsbrief import runtime
from newsbrief.announcements.details import BusEvent
from newsbrief.events import ObjectEvent, object_events
from newsbrief.settings import get_settings

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger, Tracer
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
    from aws_lambda_powertools.utilities.typing import LambdaContext

# Powertools' batch logs carry the first message's id as their correlation id.
SQS_CORRELATION_ID = "Records[0].messageId"
# An event delivered again within a day (the queue's retries, a duplicate notification) is not
# handled twice.
IDEMPOTENCY_SECONDS = 24 * 3600
# The key of a stage's result under which it lists the events to put (BusEvent, as JSON).
EVENTS_KEY = "events"


class QueueBatch:
    """One function's SQS batches: each record handled on its own, the failed ones reported as
    batch item failures. Made at import, it reads the settings: a missing environment variable
    fails the cold start, naming it, not the first AWS call. Every queue-fed function is a
    stage whose events link to the API: its URL is required too."""

    def __init__(self) -> None:
        get_settings().require_api_url()
        self.processor = BatchProcessor(event_type=EventType.SQS)

    def process(
        self,
        event: dict[str, Any],
        context: LambdaContext,
        record_handler: Callable[[SQSRecord], None],
    ) -> PartialItemFailureResponse:
        return process_partial_response(
            event=event, record_handler=record_handler, processor=self.processor, context=context
        )


class ObjectEventQueue(QueueBatch):
    """A stage fed S3 object events: ``handle`` runs once per event, idempotent on the event's
    fields (bucket, key, sequencer, ...), so a message delivered again does nothing twice.

    The events listed under ``EVENTS_KEY`` in ``handle``'s result are put on the bus once the
    result is stored. If the bus does not take them the message fails; its redelivery finds
    the stored result, so the events are put again (with the same ids) and nothing is handled
    twice."""

    def __init__(
        self,
        handle: Callable[[ObjectEvent], dict[str, Any]],
        logger: Logger,
        tracer: Tracer,
    ) -> None:
        # Here, not at the top: the index function, which keeps no idempotency records, would
        # import Powertools' idempotency into its cold start.
        from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

        super().__init__()
        self.idempotency: IdempotencyConfig = IdempotencyConfig(
            expires_after_seconds=IDEMPOTENCY_SECONDS
        )
        self._handle = handle
        self._logger = logger
        self._record_handler = tracer.capture_method(self.record_handler)

    def record_handler(self, record: SQSRecord) -> None:
        for event in object_events(record.body):
            self._logger.append_keys(object_key=event.key)
            result = runtime.idempotent(self._handle, self.idempotency)(event=event)
            # Powertools gives an empty result back from its record as None.
            stored = (result or {}).get(EVENTS_KEY, [])
            announced = [BusEvent.model_validate(item) for item in stored]
            if announced:
                runtime.event_bus().put(announced)

    def __call__(self, event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        # Records left "in progress" by an invocation that died expire with its remaining time.
        self.idempotency.register_lambda_context(context)
        return self.process(event, context, self._record_handler)
