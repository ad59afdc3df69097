"""Records the AWS calls each function makes, as the permissions IAM would check for them.

With ``NEWSBRIEF_RECORD_CALLS`` naming a folder (``python -m local serve --record-calls DIR``
sets it), every botocore session created afterwards carries hooks that write one JSON line per
distinct permission a function used into ``DIR/calls-<pid>.jsonl``: the function, the SDK
call, the IAM action and the resource ARN (bucket and key, table and index, queue, bus, model).
A call counts as a function's only while that function runs (``Function.invoke``) or while the
local event source mapping polls for it (``acting_as(..., via=...)``): the local stack's own
setup, the tests' and the CLI's calls are not the function's and are not recorded.
``python -m local.iam_check DIR`` checks the lines against the template's roles.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from local.iam_actions import (
    Place,
    Requirement,
    missing_object_requirement,
    presigned_post_requirement,
    requirements,
    source_bucket,
)
from local.template import ACCOUNT_ID, REGION

ENVIRONMENT_VARIABLE = "NEWSBRIEF_RECORD_CALLS"
# S3 reads whose 404 (rather than 403) depends on s3:ListBucket on the bucket read from.
READS_OF_A_KEY = ("GetObject", "HeadObject", "CopyObject")
_BUCKET_IN_CONTEXT = "newsbrief_recorded_bucket"


@dataclass(frozen=True)
class Actor:
    function: str
    # Who makes the call on the function's behalf (Lambda's event source mapping), if not its code.
    via: str | None = None


_acting: ContextVar[Actor | None] = ContextVar("newsbrief_acting_function", default=None)


@contextmanager
def acting_as(function: str, via: str | None = None) -> Iterator[None]:
    """AWS calls made in this block (in this thread) are ``function``'s, made with its role."""
    token = _acting.set(Actor(function, via))
    try:
        yield
    finally:
        _acting.reset(token)


class CallRecorder:
    """Writes each distinct permission a function used, once per process, as a JSON line."""

    def __init__(self, folder: Path, place: Place | None = None) -> None:
        self.folder = folder
        self.place = place or Place(REGION, ACCOUNT_ID)
        self._lock = threading.Lock()
        self._seen: set[str] = set()
        self._file: IO[str] | None = None
        self._pid = 0

    def handlers(self) -> list[tuple[str, Any]]:
        return [
            ("before-parameter-build", self._before_parameter_build),
            ("after-call", self._after_call),
            ("before-sign.s3.PutObject", self._before_sign_post),
        ]

    def record(self, actor: Actor, service: str, operation: str, needed: list[Requirement]) -> None:
        lines = [
            json.dumps(
                {
                    "function": actor.function,
                    "call": f"{service}.{operation}",
                    **({"via": actor.via} if actor.via else {}),
                    **requirement.as_json(),
                },
                sort_keys=True,
            )
            for requirement in needed
        ]
        with self._lock:
            output = self._output()
            for line in lines:
                if line not in self._seen:
                    output.write(line + "\n")
                    self._seen.add(line)

    def _output(self) -> IO[str]:
        # A forked function instance writes a file of its own, so no two processes share one.
        if self._file is None or self._pid != os.getpid():
            self.folder.mkdir(parents=True, exist_ok=True)
            self._pid = os.getpid()
            self._seen = set()
            self._file = (self.folder / f"calls-{self._pid}.jsonl").open(
                "a", encoding="utf-8", buffering=1
            )
        return self._file

    def _before_parameter_build(
        self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any
    ) -> None:
        actor = _acting.get()
        if actor is None:
            return
        service = model.service_model.service_name
        if context.get("is_presign_request") and model.name == "CreateBucket":
            return  # a presigned POST: recorded when it is signed, with its key
        if service == "s3" and model.name in READS_OF_A_KEY:
            source = params.get("CopySource")
            context[_BUCKET_IN_CONTEXT] = source_bucket(source) if source else params.get("Bucket")
        self.record(
            actor, service, model.name, requirements(service, model.name, params, self.place)
        )

    def _after_call(
        self, http_response: Any, model: Any, context: dict[str, Any], **_: Any
    ) -> None:
        actor = _acting.get()
        bucket = context.get(_BUCKET_IN_CONTEXT)
        if actor is None or bucket is None or getattr(http_response, "status_code", 0) != 404:
            return
        self.record(actor, "s3", model.name, [missing_object_requirement(bucket, self.place)])

    def _before_sign_post(self, request: Any, **_: Any) -> None:
        actor = _acting.get()
        fields = request.context.get("s3-presign-post-fields")
        if actor is None or not fields:
            return
        policy = request.context.get("s3-presign-post-policy", {})
        bucket = next(
            str(condition["bucket"])
            for condition in policy.get("conditions", [])
            if isinstance(condition, dict) and "bucket" in condition
        )
        needed = [presigned_post_requirement(bucket, str(fields["key"]), self.place)]
        self.record(actor, "s3", "GeneratePresignedPost", needed)


_installed: CallRecorder | None = None


def install(folder: Path) -> CallRecorder:
    """Hooks every botocore session created from now on (and boto3's default session, if it
    exists) to record the functions' calls into ``folder``."""
    global _installed
    if _installed is not None:
        return _installed
    import boto3
    import botocore.handlers

    recorder = CallRecorder(folder)
    botocore.handlers.BUILTIN_HANDLERS.extend(recorder.handlers())
    if boto3.DEFAULT_SESSION is not None:
        for event, handler in recorder.handlers():
            boto3.DEFAULT_SESSION.events.register(event, handler)
    _installed = recorder
    return recorder


def install_from_environment() -> CallRecorder | None:
    """Installs the recorder when ``NEWSBRIEF_RECORD_CALLS`` names a folder."""
    folder = os.environ.get(ENVIRONMENT_VARIABLE)
    return install(Path(folder)) if folder else None
