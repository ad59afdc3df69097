"""What the tests drive: the template's stack in moto, its queues drained through the functions,
and the API through the local API Gateway front."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from local.api_gateway import ApiGateway
from local.functions import QueuePoller
from local.template import StackSpec

API_KEY = "test-api-key"


@dataclass
class Api:
    gateway: ApiGateway

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        content_type: str | None = None,
        api_key: str | None = API_KEY,
    ) -> tuple[int, Any]:
        headers = {}
        if content_type:
            headers["content-type"] = content_type
        if api_key:
            headers["x-api-key"] = api_key
        data = body.encode() if isinstance(body, str) else (body or b"")
        status, _, payload = self.gateway.handle(method, path, headers, data)
        return status, json.loads(payload) if payload else None

    def get(self, path: str) -> Any:
        status, body = self.request("GET", path)
        assert status == 200, (status, body)
        return body


@dataclass
class Pipeline:
    """The template's stack in moto, with each queue drained through its function."""

    spec: StackSpec
    s3: Any
    sqs: Any
    dynamodb: Any
    events: Any
    pollers: list[QueuePoller]
    api: Api

    @property
    def bucket(self) -> str:
        return self.spec.bucket_name

    def upload(self, name: str, body: bytes | str, content_type: str = "text/plain") -> str:
        key = f"incoming/{name}"
        data = body.encode() if isinstance(body, str) else body
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)
        return key

    def drain(self, rounds: int = 50) -> int:
        """Runs every queue until all are empty; returns how many batches ran."""
        for batches in range(rounds):
            if not sum(poller.poll_once() for poller in self.pollers):
                return batches
        raise AssertionError("queues did not drain")

    def article_for(self, key: str) -> dict[str, Any]:
        items = self.api.get(f"/articles?key={quote(key)}")["items"]
        assert len(items) == 1, items
        return self.api.get(f"/articles/{items[0]['id']}")
