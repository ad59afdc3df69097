"""Which stack the tool talks to: the running local stack (its banner file) or a deployed one
(its CloudFormation outputs), and the AWS clients for it."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

BANNER_FILE_VARIABLE = "NEWSBRIEF_BANNER_FILE"
# The local stack writes it in the repository this tool is installed from (editable).
DEFAULT_BANNER_FILE = Path(__file__).resolve().parents[2] / ".local-stack" / "banner.json"
LOCAL_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


class TargetError(RuntimeError):
    """The stack cannot be found or reached; the message says what to do."""


class ApiError(RuntimeError):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code


@dataclass
class Target:
    """One stack: its outputs (as CloudFormation names them) and how to reach AWS for it."""

    name: str
    region: str
    outputs: dict[str, str]
    identity: str
    endpoint_url: str | None = None
    api_key: str | None = None
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def bucket(self) -> str:
        return self.output("ArticlesBucketName")

    @property
    def api_url(self) -> str:
        return self.output("ApiUrl").rstrip("/")

    def output(self, name: str) -> str:
        try:
            return self.outputs[name]
        except KeyError:
            raise TargetError(f"the stack {self.name} has no output {name}") from None

    def stages(self) -> list[str]:
        """The pipeline's stages, each with a queue and a dead-letter queue (Parse, ...)."""
        suffix = "DeadLetterQueueUrl"
        return [name.removesuffix(suffix) for name in self.outputs if name.endswith(suffix)]

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._session.client(
                service,
                region_name=self.region,
                endpoint_url=self.endpoint_url,
                config=self._config,
            )
        return self._clients[service]

    def table(self, output_name: str) -> Any:
        return self._session.resource(
            "dynamodb", region_name=self.region, endpoint_url=self.endpoint_url
        ).Table(self.output(output_name))

    @cached_property
    def _session(self) -> Any:
        import boto3

        if self.endpoint_url:
            return boto3.session.Session(**LOCAL_CREDENTIALS)
        return boto3.session.Session()

    @cached_property
    def _config(self) -> Any:
        from botocore.config import Config

        return Config(retries={"mode": "adaptive", "max_attempts": 8}, max_pool_connections=64)

    def api_get(self, path: str, *, with_key: bool = False, **params: Any) -> Any:
        """GET on the stack's API: the public read routes, or (``with_key``) the keyed ones."""
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        return self._api_call("GET", path + (f"?{query}" if query else ""), None, with_key)

    def api_send(self, method: str, path: str, body: Any) -> Any:
        """A JSON request to one of the API's write routes, with the stack's API key."""
        return self._api_call(method, path, body, with_key=True)

    def api_key_value(self) -> str:
        """The local stack's key from its banner, or a deployed stack's from API Gateway (your
        credentials need apigateway:GET on it)."""
        if self.api_key is None:
            key_id = self.output("ApiKeyId")
            response = self.client("apigateway").get_api_key(apiKey=key_id, includeValue=True)
            self.api_key = str(response["value"])
        return self.api_key

    def _api_call(self, method: str, path: str, body: Any, with_key: bool) -> Any:
        headers = {"Accept": "application/json"}
        if with_key or self.api_key:
            headers["x-api-key"] = self.api_key_value()
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(  # noqa: S310 - the stack's own URL
            f"{self.api_url}{path}", data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            try:
                error = json.loads(exc.read()).get("error", {})
            except ValueError:
                error = {}
            raise ApiError(
                exc.code, str(error.get("code", "error")), str(error.get("message", exc.reason))
            ) from None
        except urllib.error.URLError as exc:
            raise TargetError(f"cannot reach the API at {self.api_url}: {exc.reason}") from None


def banner_path() -> Path:
    return Path(os.environ.get(BANNER_FILE_VARIABLE) or DEFAULT_BANNER_FILE)


def local_target(path: Path | None = None) -> Target:
    """The stack `make serve` / `make demo` started, from the banner file it wrote."""
    path = path or banner_path()
    try:
        banner = json.loads(path.read_text())
    except FileNotFoundError:
        raise TargetError(
            f"no local stack is running ({path} is missing): start one with `make serve`"
        ) from None
    pid = int(banner.get("pid", 0))
    if pid and not _alive(pid):
        raise TargetError(
            f"the local stack that wrote {path} (pid {pid}) has stopped: run `make serve`"
        )
    return Target(
        name="local",
        region=str(banner["region"]),
        outputs={str(k): str(v) for k, v in banner["outputs"].items()},
        identity=f"local:{banner['instance']}",
        endpoint_url=str(banner["s3_endpoint"]),
        api_key=banner.get("api_key"),
    )


def deployed_target(stack: str, region: str | None) -> Target:
    """A deployed stack, from its CloudFormation outputs."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    session = boto3.session.Session(region_name=region)
    if not session.region_name:
        raise TargetError("no AWS region: pass --region or set AWS_REGION")
    try:
        description = session.client("cloudformation").describe_stacks(StackName=stack)
    except (ClientError, BotoCoreError) as exc:
        raise TargetError(f"cannot read the stack {stack}: {exc}") from None
    outputs = {
        str(output["OutputKey"]): str(output["OutputValue"])
        for output in description["Stacks"][0].get("Outputs", [])
    }
    return Target(
        name=stack,
        region=session.region_name,
        outputs=outputs,
        identity=f"aws:{session.region_name}:{outputs.get('ArticlesBucketName', stack)}",
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
