"""`python -m local serve` started as a child process, as a user starts it, for tests and benches.

The stack takes free ports and writes its banner into a folder of the caller's, apart from a
developer's own running stack; its output and log stay in that folder after a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from local.stack import ROOT

STOP_SECONDS = 30.0


class StackDidNotStartError(RuntimeError):
    """The stack ended before it printed its banner."""


@dataclass(frozen=True)
class ServedStack:
    process: subprocess.Popen[str]
    banner: dict[str, Any]
    banner_file: Path
    log_file: Path


def stack_client(banner: Mapping[str, Any], service: str) -> Any:
    """A client of the served stack's AWS (its moto server), as a newsroom's own tools have."""
    import boto3

    return boto3.client(
        service,
        endpoint_url=banner["s3_endpoint"],
        region_name="us-east-1",
        # moto takes any credentials; these are its documented dummies, not a secret.
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106
    )


def stack_environment(banner_file: Path, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a stack on free ports whose banner goes to ``banner_file``."""
    environment = {
        **os.environ,
        "NEWSBRIEF_S3_PORT": "0",
        "NEWSBRIEF_API_PORT": "0",
        "NEWSBRIEF_BANNER_FILE": str(banner_file),
        **(env or {}),
    }
    # The stack's clients must reach its own moto, not an endpoint the caller's shell points at.
    environment.pop("AWS_ENDPOINT_URL", None)
    return environment


@contextlib.contextmanager
def served_stack(
    folder: Path, env: Mapping[str, str] | None = None, *, new_session: bool = False
) -> Iterator[ServedStack]:
    """Starts the stack, waits for its banner, and stops it (and its processes) on exit.

    ``new_session`` gives the stack a process group of its own, so that a test can send Ctrl-C
    to all of it as a terminal would."""
    banner_file = folder / "banner.json"
    log_file = folder / "stack.log"
    with log_file.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "local", "serve"],
            cwd=ROOT,
            env=stack_environment(banner_file, env),
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            start_new_session=new_session,
        )
        # Keeps draining the stack's output (its functions log to stdout) so it never blocks.
        drain = threading.Thread(target=copy_after_banner, args=(process, log), daemon=True)
        try:
            if process.stdout is None:
                raise StackDidNotStartError("the local stack's output is not piped")
            line = process.stdout.readline()
            if not line:
                process.wait(timeout=STOP_SECONDS)
                raise StackDidNotStartError(
                    f"the local stack exited with {process.returncode}; its log: {log_file}"
                )
            drain.start()
            yield ServedStack(process, json.loads(line), banner_file, log_file)
        finally:
            stop(process, new_session=new_session)
            # The log closes only once the last of the stack's output is in it.
            if drain.is_alive():
                drain.join(timeout=STOP_SECONDS)


def copy_after_banner(process: subprocess.Popen[str], log: TextIO) -> None:
    if process.stdout is not None:
        shutil.copyfileobj(process.stdout, log)


def stop(process: subprocess.Popen[str], *, new_session: bool) -> None:
    """SIGTERM, which the stack handles as Ctrl-C; SIGKILL to all of it if it does not end."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            if new_session:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
        process.wait()
