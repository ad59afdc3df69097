"""Runs the functions' real handlers in-process, fed the way Lambda's event sources feed them."""

from __future__ import annotations

import importlib.util
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from local.call_recorder import acting_as
from local.template import ACCOUNT_ID, REGION, QueueMapping, Route, StackSpec
from newsbrief.queues import ObjectEventQueue

log = logging.getLogger("newsbrief.local")
# What the calls of the local SQS poller stand in for, in the recorded calls.
EVENT_SOURCE_MAPPING = "event source mapping"


@dataclass
class LambdaContext:
    """The part of Lambda's context object that handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: float
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"
    started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self.started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


class Function:
    """One function's handler, imported once; calls are serialized like one warm instance."""

    def __init__(
        self, name: str, code_dir: Path, handler: str, memory_mb: int, timeout: float
    ) -> None:
        self.name = name
        self.memory_mb = memory_mb
        self.timeout = timeout
        module_name, _, self._attribute = handler.rpartition(".")
        # Lambda runs the module's import (its init phase) with the function's role too.
        with acting_as(name):
            self._module = _load_module(
                f"newsbrief_function_{name}", code_dir / f"{module_name}.py"
            )
        # Powertools idempotency marks a record "in progress" for as long as the context says
        # the function has left (see QueuePoller._run_batch).
        self.uses_idempotency = any(
            isinstance(value, ObjectEventQueue) for value in vars(self._module).values()
        )
        self._lock = threading.Lock()
        self.invocations = 0
        self.errors = 0
        self.seconds = 0.0

    def invoke(self, event: dict[str, Any], lifetime: float | None = None) -> Any:
        """Runs the handler; ``lifetime`` is the time its context says it has (default: timeout)."""
        handler = getattr(self._module, self._attribute)
        context = LambdaContext(self.name, self.memory_mb, lifetime or self.timeout)
        with self._lock:
            self.invocations += 1
            started = time.perf_counter()
            try:
                with acting_as(self.name):
                    return handler(event, context)
            except Exception:
                self.errors += 1
                raise
            finally:
                self.seconds += time.perf_counter() - started


def _load_module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": message.get("MessageAttributes", {}),
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for message in messages
        ]
    }


class QueuePoller(threading.Thread):
    """Lambda's SQS event source mapping: batches, partial failures, retries, dead letters.

    Failed messages go back to the queue after ``retry_delay`` seconds (instead of the full
    visibility timeout, so the local stack settles quickly); the queue's redrive policy moves
    them to the dead-letter queue after maxReceiveCount receives.
    """

    def __init__(
        self,
        mapping: QueueMapping,
        function: Function,
        sqs: Any,
        queue_url: str,
        queue_arn: str,
        retry_delay: int = 1,
    ) -> None:
        super().__init__(name=f"poller-{mapping.function}", daemon=True)
        self.mapping = mapping
        self.function = function
        self._sqs = sqs
        self._queue_url = queue_url
        self._queue_arn = queue_arn
        self._retry_delay = retry_delay
        self._stopped = threading.Event()
        self.batches = 0
        self.failed_messages = 0

    def stop(self) -> None:
        self._stopped.set()

    def run(self) -> None:
        while not self._stopped.is_set():
            try:
                self.poll_once(wait_seconds=1)
            except Exception:
                log.exception("poller %s failed to poll", self.mapping.function)
                self._stopped.wait(1)

    def poll_once(self, wait_seconds: int = 0) -> int:
        """Receives one batch and runs it; returns how many messages it received."""
        messages = self._receive_batch(wait_seconds)
        if not messages:
            return 0
        self.batches += 1
        failed = self._run_batch(messages)
        done = [m for m in messages if m["MessageId"] not in failed]
        retried = [m for m in messages if m["MessageId"] in failed]
        self.failed_messages += len(retried)
        # SQS takes at most 10 entries per batch call.
        for start in range(0, len(done), 10):
            with acting_as(self.mapping.function, via=EVENT_SOURCE_MAPPING):
                self._sqs.delete_message_batch(
                    QueueUrl=self._queue_url,
                    Entries=[
                        {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                        for n, m in enumerate(done[start : start + 10])
                    ],
                )
        # Lambda leaves a failed message invisible until its visibility timeout ends; this
        # shortcut of the local stack is its own call, not one made with the function's role.
        for start in range(0, len(retried), 10):
            self._sqs.change_message_visibility_batch(
                QueueUrl=self._queue_url,
                Entries=[
                    {
                        "Id": str(n),
                        "ReceiptHandle": m["ReceiptHandle"],
                        "VisibilityTimeout": self._retry_delay,
                    }
                    for n, m in enumerate(retried[start : start + 10])
                ],
            )
        return len(messages)

    def _receive_batch(self, wait_seconds: int) -> list[dict[str, Any]]:
        """Up to the mapping's batch size, from as many receives (of 10 at most) as it takes.
        Lambda would wait up to the batching window for a batch to fill; here the batch is
        run as soon as the queue has no more, so that the local stack answers quickly."""
        messages: list[dict[str, Any]] = []
        while len(messages) < self.mapping.batch_size:
            wanted = min(self.mapping.batch_size - len(messages), 10)
            # Lambda's event source mapping polls with the function's role.
            with acting_as(self.mapping.function, via=EVENT_SOURCE_MAPPING):
                response = self._sqs.receive_message(
                    QueueUrl=self._queue_url,
                    MaxNumberOfMessages=wanted,
                    WaitTimeSeconds=0 if messages else wait_seconds,
                    VisibilityTimeout=max(self.mapping.timeout + 1, self._retry_delay),
                    AttributeNames=["All"],
                    MessageAttributeNames=["All"],
                )
            received = response.get("Messages", [])
            messages += received
            if len(received) < wanted:
                break
        return messages

    def _run_batch(self, messages: list[dict[str, Any]]) -> set[str]:
        every_message = {m["MessageId"] for m in messages}
        try:
            # In AWS a failed message reappears only after the visibility timeout, which is longer
            # than the function's lifetime, so idempotency records left "in progress" by a dead
            # invocation have expired by then. Here failures reappear after `retry_delay`: the
            # context of a function using idempotency promises no longer a life than that, to
            # keep the same order of events. Others get their timeout, as in Lambda.
            lifetime = max(self._retry_delay, 0.001) if self.function.uses_idempotency else None
            result = self.function.invoke(sqs_event(messages, self._queue_arn), lifetime=lifetime)
        except Exception:
            log.exception("function %s failed on a batch", self.mapping.function)
            return every_message
        if not self.mapping.report_batch_item_failures or not isinstance(result, dict):
            return set()
        return {str(failure["itemIdentifier"]) for failure in result.get("batchItemFailures", [])}


# The API's functions have no event source mapping to size them; API Gateway's 29 s integration
# timeout bounds them.
ROUTE_MEMORY_MB = 512
ROUTE_TIMEOUT_SECONDS = 29


def mapping_function(mapping: QueueMapping) -> Function:
    """The runner of a queue-fed function, sized as its event source mapping says."""
    return Function(
        mapping.function, mapping.code_dir, mapping.handler, mapping.memory_mb, mapping.timeout
    )


def route_function(route: Route) -> Function:
    """The runner of a function the API invokes, bounded by API Gateway's timeout."""
    return Function(
        route.function, route.code_dir, route.handler, ROUTE_MEMORY_MB, ROUTE_TIMEOUT_SECONDS
    )


def route_functions(spec: StackSpec) -> dict[str, Function]:
    """One runner per function the API's routes invoke."""
    functions: dict[str, Function] = {}
    for route in spec.routes:
        if route.function not in functions:
            functions[route.function] = route_function(route)
    return functions


def stack_functions(spec: StackSpec) -> dict[str, Function]:
    """One runner per function of the template: queue-fed ones sized as their mapping says."""
    functions: dict[str, Function] = {}
    for mapping in spec.mappings:
        if mapping.function not in functions:
            functions[mapping.function] = mapping_function(mapping)
    for route in spec.routes:
        if route.function not in functions:
            functions[route.function] = route_function(route)
    return functions


def queue_pollers(
    spec: StackSpec,
    queue_arns: dict[str, str],
    functions: dict[str, Function],
    sqs: Any,
    queue_urls: dict[str, str],
    retry_delay: int,
) -> list[QueuePoller]:
    """One event source mapping per queue-fed function, in the template's order."""
    return [
        QueuePoller(
            mapping,
            functions[mapping.function],
            sqs,
            queue_urls[mapping.queue_logical_id],
            queue_arns[mapping.queue_logical_id],
            retry_delay=retry_delay,
        )
        for mapping in spec.mappings
    ]
