"""Parse function: a queue batch of upload events → parsed article JSON or rejections."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsbrief import runtime
from newsbrief.events import ObjectEvent
from newsbrief.queues import EVENTS_KEY, SQS_CORRELATION_ID, ObjectEventQueue

logger = Logger()
tracer = Tracer(patch_modules=runtime.TRACED_MODULES)
metrics = Metrics()


def parse_object(event: ObjectEvent) -> dict[str, Any]:
    outcome = runtime.parse_stage().handle(event)
    if outcome.rejected:
        metrics.add_metric(name="UploadsRejected", unit=MetricUnit.Count, value=1)
    else:
        metrics.add_metric(
            name="ArticlesParsed", unit=MetricUnit.Count, value=len(outcome.article_ids)
        )
    return {
        "article_ids": outcome.article_ids,
        "rejected": outcome.rejected,
        EVENTS_KEY: [announced.model_dump(mode="json") for announced in outcome.events],
    }


queue = ObjectEventQueue(parse_object, logger, tracer)


@logger.inject_lambda_context(correlation_id_path=SQS_CORRELATION_ID)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return queue(event, context)
