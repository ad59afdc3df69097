"""Starts the whole stack on localhost: moto, the template's resources, pollers and the API."""

from __future__ import annotations

import logging
import os
import secrets
import sys
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TextIO

from local.api_gateway import ApiGateway, serve
from local.functions import Function, QueuePoller, queue_pollers, stack_functions
from local.resources import create_resources
from local.template import REGION, StackSpec, read_stack

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"
STACK_NAME = "newsbrief"
FUNCTION_LOG = ROOT / ".local-stack" / "functions.log"


@dataclass
class LocalStack:
    spec: StackSpec
    s3_endpoint: str
    api_url: str
    api_key: str
    functions: dict[str, Function]
    pollers: list[QueuePoller]
    queue_urls: dict[str, str]
    _stoppers: list[Any] = field(default_factory=list)

    @property
    def bucket(self) -> str:
        return self.spec.bucket_name

    def banner(self) -> dict[str, str]:
        return {
            "s3_endpoint": self.s3_endpoint,
            "api_url": self.api_url,
            "bucket": self.bucket,
            "api_key": self.api_key,
        }

    def client(self, service: str) -> Any:
        """A client outside the functions' session, as a newsroom's own tools would have."""
        return infrastructure_session().client(
            service, endpoint_url=self.s3_endpoint, region_name=REGION
        )

    def stop(self) -> None:
        for poller in self.pollers:
            poller.stop()
        for stop in reversed(self._stoppers):
            stop()


@cache
def infrastructure_session() -> Any:
    """The session of what stands in for AWS itself (resource creation, event source polling),
    apart from the functions' default session, so that injected faults reach only functions."""
    import boto3

    return boto3.session.Session()


def _configure_environment(endpoint: str, spec: StackSpec) -> None:
    """What Lambda would give the functions, pointed at the embedded moto server."""
    defaults = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": os.environ.get("NEWSBRIEF_LOG_LEVEL", "INFO"),
    }
    for name, value in defaults.items():
        os.environ[name] = value
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    os.environ.pop("AWS_PROFILE", None)
    os.environ.update(spec.environment)
    os.environ["POWERTOOLS_LOG_LEVEL"] = defaults["POWERTOOLS_LOG_LEVEL"]


def send_function_output_to(path: Path) -> TextIO:
    """Functions write their JSON logs and metrics to stdout, as in Lambda; here they go to a
    file (CloudWatch Logs' stand-in). Returns the console, for what the stack reports itself."""
    console = sys.stdout
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout = path.open("a", encoding="utf-8", buffering=1)
    # Powertools warns on stderr when an invocation published no metric; that is expected here.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    return console


def start(
    s3_port: int | None = None,
    api_port: int | None = None,
    api_key: str | None = None,
    retry_delay: int = 1,
    start_pollers: bool = True,
) -> LocalStack:
    from moto.server import ThreadedMotoServer

    from local.moto_gaps import behave_like_aws, remember_service_hosts

    behave_like_aws()
    remember_service_hosts()
    # moto's server logs every request; the stack reports what matters itself.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    s3_port = s3_port if s3_port is not None else int(os.environ.get("NEWSBRIEF_S3_PORT", "5000"))
    api_port = (
        api_port if api_port is not None else int(os.environ.get("NEWSBRIEF_API_PORT", "3000"))
    )
    api_key = api_key or os.environ.get("NEWSBRIEF_API_KEY") or secrets.token_urlsafe(24)

    moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    moto_server.start()
    host, port = moto_server.get_host_and_port()  # port 0 picks a free one
    endpoint = f"http://{host}:{port}"

    # The AllowedOrigins parameter, as `sam deploy --parameter-overrides` would set it.
    origins = os.environ.get("NEWSBRIEF_ALLOWED_ORIGINS")
    spec, resolver = read_stack(
        TEMPLATE, STACK_NAME, {"AllowedOrigins": origins} if origins else {}
    )
    _configure_environment(endpoint, spec)

    from newsbrief import runtime

    runtime.reset()
    session = infrastructure_session()
    s3, sqs, dynamodb = (
        session.client(name, endpoint_url=endpoint, region_name=REGION)
        for name in ("s3", "sqs", "dynamodb")
    )
    queue_urls = create_resources(spec, s3, sqs, dynamodb)

    functions = stack_functions(spec)
    pollers = queue_pollers(spec, resolver.arns, functions, sqs, queue_urls, retry_delay)

    gateway = ApiGateway(
        spec.routes, functions, api_key, spec.binary_media_types, spec.gateway_responses
    )
    http_server = serve(gateway, "127.0.0.1", api_port)
    stack = LocalStack(
        spec=spec,
        s3_endpoint=endpoint,
        api_url=f"http://127.0.0.1:{http_server.server_port}",
        api_key=api_key,
        functions=functions,
        pollers=pollers,
        queue_urls=queue_urls,
    )
    stack._stoppers.extend([moto_server.stop, http_server.shutdown])
    if start_pollers:
        for poller in pollers:
            poller.start()
    return stack
