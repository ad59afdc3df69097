"""Index function: a queue batch of summary events → the search index, written once per batch;
only the messages of records that fail on their own are reported as batch item failures."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsbrief import runtime
from newsbrief.events import object_events
from newsbrief.queues import SQS_CORRELATION_ID, QueueBatch

logger = Logger()
tracer = Tracer(patch_modules=runtime.TRACED_MODULES)
metrics = Metrics()
queue = QueueBatch()


@logger.inject_lambda_context(correlation_id_path=SQS_CORRELATION_ID)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    stage = runtime.index_stage()

    @tracer.capture_method
    def record_handler(record: SQSRecord) -> None:
        stage.collect(record.message_id, object_events(record.body))

    response = queue.process(event, context, record_handler)
    written = stage.flush(remaining=lambda: context.get_remaining_time_in_millis() / 1000)
    response["batchItemFailures"] += [
        {"itemIdentifier": message_id} for message_id in written.failed_messages
    ]
    metrics.add_metric(name="ArticlesIndexed", unit=MetricUnit.Count, value=len(written.indexed))
    return response
