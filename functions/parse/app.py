"""Parse function: a queue batch of upload events → parsed article JSON or rejections."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsbrief import runtime
from newsbrief.events import ObjectEvent, object_events
from newsbrief.settings import get_settings

logger = Logger()
tracer = Tracer(patch_modules=runtime.TRACED_MODULES)
metrics = Metrics()
# A missing environment variable fails the cold start, naming it, not the first AWS call.
get_settings()
processor = BatchProcessor(event_type=EventType.SQS)
idempotency = IdempotencyConfig(expires_after_seconds=24 * 3600)


def parse_object(event: dict[str, Any]) -> dict[str, Any]:
    outcome = runtime.parse_stage().handle(ObjectEvent(**event))
    if outcome.rejected:
        metrics.add_metric(name="UploadsRejected", unit=MetricUnit.Count, value=1)
    else:
        metrics.add_metric(
            name="ArticlesParsed", unit=MetricUnit.Count, value=len(outcome.article_ids)
        )
    return {"article_ids": outcome.article_ids, "rejected": outcome.rejected}


@tracer.capture_method
def record_handler(record: SQSRecord) -> None:
    for event in object_events(record.body):
        logger.append_keys(object_key=event.key)
        runtime.idempotent(parse_object, idempotency)(event=asdict(event))


@logger.inject_lambda_context(correlation_id_path="Records[0].messageId")
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    idempotency.register_lambda_context(context)
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
