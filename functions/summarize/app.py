"""Summarize function: a queue batch of parsed-article events → summaries."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer, single_metric
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


def summarize_object(event: dict[str, Any]) -> dict[str, Any]:
    outcome = runtime.summarize_stage().handle(ObjectEvent(**event))
    if outcome.method is not None:
        metrics.add_metric(name="ArticlesSummarized", unit=MetricUnit.Count, value=1)
        count_fallback(outcome.method)
    return {"article_id": outcome.article_id}


def count_fallback(method: str) -> None:
    """Counts a summary that fell back from Bedrock, by reason, for the fallback alarm."""
    # Loaded with the summarizer already: nothing added to the cold start.
    from newsbrief.summarizing.bedrock import FALLBACK_METRIC, fallback_reason

    reason = fallback_reason(method)
    if reason is None:
        return
    # Its own metric record: the reason is a dimension the batch's other metrics do not have.
    with single_metric(
        name=FALLBACK_METRIC,
        unit=MetricUnit.Count,
        value=1,
        default_dimensions=metrics.default_dimensions,
    ) as metric:
        metric.add_dimension(name="reason", value=reason)


@tracer.capture_method
def record_handler(record: SQSRecord) -> None:
    for event in object_events(record.body):
        logger.append_keys(object_key=event.key)
        runtime.idempotent(summarize_object, idempotency)(event=asdict(event))


@logger.inject_lambda_context(correlation_id_path="Records[0].messageId")
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    idempotency.register_lambda_context(context)
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
