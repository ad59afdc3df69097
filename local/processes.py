"""The local stack's processes: moto's server, each queue-fed function's instances and the API
gateway, each in an interpreter of its own so that they run on every core.

moto's server is an interpreter of its own (``python -m local.processes PORT PARENT_PID``,
which prints the port it listens on). The functions' instances and the API are forked from
the stack's process once it has imported the handlers, so that each starts warm, as a Lambda
instance after its first invocation. The stack's process stops them: SIGTERM ends a child at
once (a batch cut short goes back to its queue, as when Lambda loses an instance), and a child
whose parent is gone ends itself.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from local.template import REGION, QueueMapping

if TYPE_CHECKING:
    from multiprocessing.queues import Queue
    from multiprocessing.synchronize import Event

    from local.api_gateway import ApiGateway
    from local.functions import Function

# How often a child checks that the stack's process is still there.
PARENT_CHECK_SECONDS = 0.5
STDOUT_FD = 1


@dataclass(frozen=True)
class FaultSettings:
    """Faults injected into the pipeline functions' AWS calls (local/faults.py), each instance
    with a seed of its own; ``without_waits`` drops the SDK's and the index's waits between
    retries so that a run with many faults settles quickly."""

    rate: float
    seed: int = 7
    without_waits: bool = False


@dataclass
class InstanceReport:
    """What one instance of a queue-fed function did, sent when it is stopped gracefully."""

    function: str
    batches: int = 0
    failed_messages: int = 0
    calls: int = 0
    injected: Counter[str] = field(default_factory=Counter)


def open_function_log(path: Path) -> TextIO:
    """Functions write their JSON logs and metrics to stdout, as in Lambda; here they go to a
    file (CloudWatch Logs' stand-in), opened for appending and written a line at a time, so
    that the processes sharing it never interleave within a line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Powertools warns on stderr when an invocation published no metric; that is expected here.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    return path.open("a", encoding="utf-8", buffering=1)


def _become_child(parent_pid: int, function_log: TextIO) -> None:
    # Ctrl-C reaches the whole process group, and a forked child inherits the stack's SIGTERM
    # handler: the stack's process stops its children itself, and SIGTERM ends them at once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # The stack's stdout is its console (or a pipe a caller reads to its end): children write
    # to the function log, and keep no copy of the console open after the stack has ended.
    sys.stdout.flush()
    os.dup2(function_log.fileno(), STDOUT_FD)
    sys.stdout = function_log
    _watch_parent(parent_pid)


def _watch_parent(parent_pid: int) -> None:
    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _infrastructure_client(service: str) -> Any:
    """A client of what stands in for AWS itself, apart from the functions' default session,
    so that injected faults reach only functions."""
    import boto3

    return boto3.session.Session().client(
        service, endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name=REGION
    )


def run_moto(port: int, parent_pid: int) -> None:
    """moto's server, with moto_gaps' fixes, until the stack stops it; prints its port."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _watch_parent(parent_pid)
    from moto.server import ThreadedMotoServer

    from local.moto_gaps import behave_like_aws, remember_service_hosts

    behave_like_aws()
    remember_service_hosts()
    # moto's server logs every request; the stack reports what matters itself.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    print(server.get_host_and_port()[1], flush=True)
    # The port was all the stack reads from this process.
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), STDOUT_FD)
    threading.Event().wait()


def _inject_faults(faults: FaultSettings, instance: int) -> Any:
    import boto3

    from local.faults import FaultInjector

    if faults.without_waits:
        import botocore.retries.standard

        from newsbrief.backoff import Backoff

        botocore.retries.standard.ExponentialBackoff.delay_amount = lambda *_: 0
        Backoff.delay = lambda *_: 0.0  # type: ignore[method-assign]
    injector = FaultInjector(rate=faults.rate, seed=faults.seed * 1000 + instance)
    boto3.setup_default_session()
    injector.attach(boto3.DEFAULT_SESSION)
    return injector


def run_function_instance(
    function: Function,
    mapping: QueueMapping,
    queue_url: str,
    queue_arn: str,
    retry_delay: int,
    instance: int,
    function_log: TextIO,
    faults: FaultSettings | None,
    parent_pid: int,
    ready: Queue[tuple[str, int]],
    stopping: Event,
    reports: Queue[InstanceReport],
) -> None:
    """One warm instance of a queue-fed function with its share of the event source mapping's
    polling; ``stopping`` ends it after its batch, with a report of what it did."""
    _become_child(parent_pid, function_log)
    from local.functions import QueuePoller
    from newsbrief import runtime

    injector = _inject_faults(faults, instance) if faults else None
    # The instance's own AWS clients, from its own default session.
    runtime.reset()
    poller = QueuePoller(
        mapping,
        function,
        _infrastructure_client("sqs"),
        queue_url,
        queue_arn,
        retry_delay=retry_delay,
    )
    poller.start()
    ready.put((mapping.function, instance))
    stopping.wait()
    poller.stop()
    poller.join()
    report = InstanceReport(mapping.function, poller.batches, poller.failed_messages)
    if injector is not None:
        report.calls, report.injected = injector.calls, injector.injected
    reports.put(report)


def run_api(
    gateway: ApiGateway,
    port: int,
    function_log: TextIO,
    parent_pid: int,
    ready: Queue[tuple[str, int]],
) -> None:
    """API Gateway and the functions its routes invoke."""
    _become_child(parent_pid, function_log)
    from local.api_gateway import serve
    from newsbrief import runtime

    runtime.reset()
    server = serve(gateway, "127.0.0.1", port)
    ready.put(("api", server.server_port))
    threading.Event().wait()


if __name__ == "__main__":
    run_moto(int(sys.argv[1]), int(sys.argv[2]))
