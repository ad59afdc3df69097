"""Summarize function: a queue batch of parsed-article events → summaries."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer, single_metric
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsbrief import runtime
from newsbrief.events import ObjectEvent
from newsbrief.queues import EVENTS_KEY, SQS_CORRELATION_ID, ObjectEventQueue

logger = Logger()
tracer = Tracer(patch_modules=runtime.TRACED_MODULES)
metrics = Metrics()


def summarize_object(event: ObjectEvent) -> dict[str, Any]:
    outcome = runtime.summarize_stage().handle(event)
    if outcome.method is not None:
        metrics.add_metric(name="ArticlesSummarized", unit=MetricUnit.Count, value=1)
        count_fallback(outcome.method)
    return {
        "article_id": outcome.article_id,
        EVENTS_KEY: [announced.model_dump(mode="json") for announced in outcome.events],
    }


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


queue = ObjectEventQueue(summarize_object, logger, tracer)


@logger.inject_lambda_context(correlation_id_path=SQS_CORRELATION_ID)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return queue(event, context)
