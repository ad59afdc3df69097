"""Injects AWS faults into the functions' SDK calls: throttling, 500s, timeouts, S3 SlowDown.

Faults are decided before a request is sent (botocore's ``before-send``), at a fixed rate and
seed, so the SDK's own retries and the queues' redeliveries handle them as they would in AWS.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError

FAULT_KINDS = ("throttle", "server_error", "timeout", "slow_down")


class _RawBody:
    """Just enough of urllib3's response for botocore to read a body."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, amt: int = 1024, decode_content: bool = True) -> Any:
        yield self._body

    def read(self, amt: int | None = None) -> bytes:
        body, self._body = self._body, b""
        return body


def _throttle(service: str, url: str) -> AWSResponse:
    if service == "s3":
        return _slow_down(url)
    body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "x-amzn-ErrorType": "ThrottlingException",
    }
    return AWSResponse(url, 400, headers, _RawBody(body))


def _server_error(url: str) -> AWSResponse:
    return AWSResponse(url, 500, {}, _RawBody(b""))


def _slow_down(url: str) -> AWSResponse:
    body = (
        b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
    )
    return AWSResponse(url, 503, {"Content-Type": "application/xml"}, _RawBody(body))


@dataclass
class FaultInjector:
    """Fails ``rate`` of the calls of every client of the sessions it is attached to (or only
    of ``operations``, such as ``"dynamodb.BatchWriteItem"``)."""

    rate: float
    seed: int = 7
    kinds: tuple[str, ...] = FAULT_KINDS
    operations: tuple[str, ...] = ()
    injected: Counter[str] = field(default_factory=Counter)
    calls: int = 0
    _random: random.Random = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)  # noqa: S311 - reproducible faults, not secrets

    def attach(self, session: Any) -> None:
        """Attaches to a boto3 session: the clients it creates from now on get faults."""
        session.events.register_first("before-send", self._before_send)

    def _before_send(self, request: Any, **kwargs: Any) -> AWSResponse | None:
        event_name = str(kwargs.get("event_name", ""))
        service = event_name.split(".")[1] if "." in event_name else ""
        if self.operations and event_name.removeprefix("before-send.") not in self.operations:
            return None
        with self._lock:
            self.calls += 1
            if self._random.random() >= self.rate:
                return None
            kind = self._random.choice(self.kinds)
            self.injected[kind] += 1
        if kind == "timeout":
            raise ReadTimeoutError(endpoint_url=request.url)
        if kind == "throttle":
            return _throttle(service, request.url)
        if kind == "slow_down" and service == "s3":
            return _slow_down(request.url)
        return _server_error(request.url)

    @property
    def total(self) -> int:
        return sum(self.injected.values())


@dataclass
class PoisonInjector:
    """Refuses every call of one operation (``"dynamodb.BatchWriteItem"``, ``"s3.GetObject"``)
    whose URL or body holds ``marker``, as a record no retry can help would: a client error.

    Refused at ``before-call``, so the request is never made (the faults above are injected at
    ``before-send``, where moto has already carried the request out: a write that failed may
    have happened)."""

    operation: str
    marker: str
    failures: int = 0

    def attach(self, session: Any) -> None:
        """Attaches to a boto3 session: the clients it creates from now on get the refusals."""
        session.events.register_first(f"before-call.{self.operation}", self._before_call)

    def _before_call(self, params: dict[str, Any], **kwargs: Any) -> tuple[Any, Any] | None:
        body = params.get("body")
        body = body if isinstance(body, bytes) else str(body or "").encode()
        if self.marker not in str(params.get("url", "")) and self.marker.encode() not in body:
            return None
        self.failures += 1
        code = "InvalidRequest" if self.operation.startswith("s3.") else "ValidationException"
        status = {"HTTPStatusCode": 400, "HTTPHeaders": {}}
        response = AWSResponse(str(params.get("url", "")), 400, {}, _RawBody(b""))
        return response, {
            "Error": {"Code": code, "Message": "Poisoned"},
            "ResponseMetadata": status,
        }
