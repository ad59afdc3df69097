"""Starts the whole stack on localhost: moto, the template's resources, the functions' instances
and the API, each in processes of their own (local/processes.py)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cache
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

from local.api_gateway import ApiGateway
from local.call_recorder import install_from_environment
from local.functions import mapping_function, route_functions
from local.processes import (
    FaultSettings,
    InstanceReport,
    open_function_log,
    run_api,
    run_function_instance,
)
from local.resources import create_resources
from local.template import REGION, StackSpec, read_stack

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"
STACK_NAME = "newsbrief"
FUNCTION_LOG = ROOT / ".local-stack" / "functions.log"
# Time for a child to start: an interpreter and its imports, on a loaded machine.
START_SECONDS = 120.0
# Time for a child to end on SIGTERM before it is killed.
STOP_SECONDS = 5.0


class StackStartError(RuntimeError):
    """A process of the stack did not start."""


@dataclass
class LocalStack:
    spec: StackSpec
    s3_endpoint: str
    api_url: str
    api_key: str
    queue_urls: dict[str, str]
    moto: subprocess.Popen[str] | None = None
    # The forked children: the functions' instances and the API.
    processes: list[BaseProcess] = field(default_factory=list)
    instances: list[BaseProcess] = field(default_factory=list)
    _stopping: Event | None = None
    _reports: Queue[InstanceReport] | None = None

    @property
    def bucket(self) -> str:
        return self.spec.bucket_name

    @property
    def event_bus(self) -> str:
        return self.spec.event_bus_name

    def banner(self) -> dict[str, str]:
        return {
            "s3_endpoint": self.s3_endpoint,
            "api_url": self.api_url,
            "bucket": self.bucket,
            "event_bus": self.event_bus,
            "api_key": self.api_key,
        }

    def client(self, service: str) -> Any:
        """A client outside the functions' session, as a newsroom's own tools would have."""
        return infrastructure_session().client(
            service, endpoint_url=self.s3_endpoint, region_name=REGION
        )

    def stop_functions(self) -> list[InstanceReport]:
        """Stops the queue-fed functions' instances once their batches are done (moto and the
        API keep running); returns what each instance did."""
        if self._stopping is None or self._reports is None:
            return []
        self._stopping.set()
        reports = []
        for instance in self.instances:
            if not instance.is_alive() and instance.exitcode != 0:
                continue
            try:
                reports.append(self._reports.get(timeout=START_SECONDS))
            except queue.Empty:
                break
        for instance in self.instances:
            instance.join(STOP_SECONDS)
        return reports

    def stop(self) -> None:
        """Ends every process at once: work under way goes back to its queue, as in Lambda."""
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join(STOP_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
        if self.moto is not None and self.moto.poll() is None:
            self.moto.terminate()
            try:
                self.moto.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.moto.kill()
                self.moto.wait()


@cache
def infrastructure_session() -> Any:
    """The session of what stands in for AWS itself (resource creation, event source polling),
    apart from the functions' default session, so that injected faults reach only functions."""
    import boto3

    return boto3.session.Session()


def _configure_environment(spec: StackSpec) -> None:
    """What Lambda would give the functions (moto's endpoint aside); the children inherit it."""
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
    os.environ.pop("AWS_PROFILE", None)
    os.environ.update(spec.environment)
    os.environ["POWERTOOLS_LOG_LEVEL"] = defaults["POWERTOOLS_LOG_LEVEL"]


def _parameter_overrides() -> dict[str, str]:
    """Template parameters from the environment, as `sam deploy --parameter-overrides` sets
    them: the allowed origins, the stages' concurrency (StageMaximumConcurrency) and whether
    summaries need an editor's review (SummaryReview)."""
    overrides = {}
    if origins := os.environ.get("NEWSBRIEF_ALLOWED_ORIGINS"):
        overrides["AllowedOrigins"] = origins
    if concurrency := os.environ.get("NEWSBRIEF_STAGE_CONCURRENCY"):
        overrides["StageMaximumConcurrency"] = concurrency
    if review := os.environ.get("NEWSBRIEF_SUMMARY_REVIEW"):
        overrides["SummaryReview"] = review
    return overrides


def _wait_until_ready(
    ready: Queue[tuple[str, int]], processes: list[BaseProcess], count: int
) -> list[tuple[str, int]]:
    """What ``count`` children report once started; fails as soon as one of them died."""
    reported: list[tuple[str, int]] = []
    waited = 0.0
    while len(reported) < count:
        try:
            reported.append(ready.get(timeout=1.0))
            continue
        except queue.Empty:
            waited += 1.0
        dead = [p.name for p in processes if p.exitcode is not None]
        if dead or waited > START_SECONDS:
            for process in processes:
                process.kill()
            raise StackStartError(f"the local stack did not start: {dead or 'timed out'}")
    return reported


def start(
    s3_port: int | None = None,
    api_port: int | None = None,
    api_key: str | None = None,
    retry_delay: int = 1,
    function_log: Path = FUNCTION_LOG,
    faults: FaultSettings | None = None,
) -> LocalStack:
    """Starts moto, creates the template's resources in it, then forks each queue-fed
    function's instances (as many as its MaximumConcurrency, one per core without one) and the
    API; returns once every process is ready."""
    # Before any botocore session exists: the functions' sessions, made in this process and in
    # the forked instances, record their calls when NEWSBRIEF_RECORD_CALLS asks for it.
    install_from_environment()
    # Forked children inherit the imported handlers.
    fork = multiprocessing.get_context("fork")
    parent = os.getpid()
    s3_port = s3_port if s3_port is not None else int(os.environ.get("NEWSBRIEF_S3_PORT", "5000"))
    api_port = (
        api_port if api_port is not None else int(os.environ.get("NEWSBRIEF_API_PORT", "3000"))
    )
    api_key = api_key or os.environ.get("NEWSBRIEF_API_KEY") or secrets.token_urlsafe(24)

    # An interpreter of its own, which needs none of the handlers: it prints its port.
    moto = subprocess.Popen(  # noqa: S603 - this package's own module
        [sys.executable, "-m", "local.processes", str(s3_port), str(parent)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )

    # While moto starts: the template, and every handler imported once, in this process.
    spec, resolver = read_stack(TEMPLATE, STACK_NAME, _parameter_overrides())
    _configure_environment(spec)
    log = open_function_log(function_log)
    # Powertools' loggers keep the stdout they were created with: the log, not the console.
    with contextlib.redirect_stdout(log):
        runners = {mapping.function: mapping_function(mapping) for mapping in spec.mappings}
        gateway = ApiGateway(
            spec.routes,
            route_functions(spec),
            api_key,
            spec.binary_media_types,
            spec.gateway_responses,
        )

    reported = moto.stdout.readline().strip() if moto.stdout else ""
    if moto.stdout:
        moto.stdout.close()
    if not reported.isdigit():
        moto.kill()
        raise StackStartError(f"moto's server did not start ({moto.wait()})")
    port = int(reported)
    endpoint = f"http://127.0.0.1:{port}"
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    session = infrastructure_session()
    s3, sqs, dynamodb, events = (
        session.client(name, endpoint_url=endpoint, region_name=REGION)
        for name in ("s3", "sqs", "dynamodb", "events")
    )
    queue_urls = create_resources(spec, s3, sqs, dynamodb, events)

    ready: Queue[tuple[str, int]] = fork.Queue()
    stopping = fork.Event()
    reports: Queue[InstanceReport] = fork.Queue()
    instances: list[BaseProcess] = []
    for mapping in spec.mappings:
        for instance in range(mapping.maximum_concurrency or os.cpu_count() or 1):
            instances.append(
                fork.Process(
                    target=run_function_instance,
                    args=(
                        runners[mapping.function],
                        mapping,
                        queue_urls[mapping.queue_logical_id],
                        resolver.arns[mapping.queue_logical_id],
                        retry_delay,
                        len(instances),
                        log,
                        faults,
                        parent,
                        ready,
                        stopping,
                        reports,
                    ),
                    name=f"{mapping.function}-{instance}",
                    daemon=True,
                )
            )
    api = fork.Process(
        target=run_api, args=(gateway, api_port, log, parent, ready), name="api", daemon=True
    )
    stack = LocalStack(
        spec=spec,
        s3_endpoint=endpoint,
        api_url="",
        api_key=api_key,
        queue_urls=queue_urls,
        moto=moto,
        processes=[api],
        instances=instances,
        _stopping=stopping,
        _reports=reports,
    )
    try:
        # The API first: the stages link their events to its URL, known once it listens.
        api.start()
        ((_, port),) = _wait_until_ready(ready, stack.processes, 1)
        stack.api_url = f"http://127.0.0.1:{port}"
        os.environ["API_URL"] = stack.api_url
        for process in instances:
            process.start()
        stack.processes = [*instances, api]
        _wait_until_ready(ready, stack.processes, len(instances))
    except StackStartError:
        stack.stop()
        raise
    return stack
