"""Uploads an import's files to the bucket: a bounded number at a time through S3's transfer
manager, skipping content already there under the same key, stoppable at any moment."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from s3transfer.subscribers import BaseSubscriber

from newsbrief_cli.files import LocalFile, sha256_of, walk
from newsbrief_cli.manifest import Ledger, Manifest
from newsbrief_cli.target import Target

MULTIPART_THRESHOLD = 16 * 1024 * 1024
SHA256_METADATA = "sha256"


@dataclass(frozen=True)
class UploadOptions:
    prefix: str = ""
    concurrency: int = 8
    max_bandwidth: int | None = None  # bytes per second, all transfers together
    recheck: bool = False  # ask the bucket even when the manifest knows the content


@dataclass(frozen=True)
class Result:
    file: LocalFile
    outcome: str  # uploaded | present | failed | interrupted
    sha256: str = ""
    detail: str = ""
    since: float | None = None  # for a replaced object: when the new one was stored


class Progress:
    """What the uploader reports as it goes; the command draws it."""

    def found(self, files: int, size: int) -> None: ...
    def transferred(self, size: int) -> None: ...
    def done(self, result: Result) -> None: ...


class _Subscriber(BaseSubscriber):
    """The transfer manager's progress callbacks for one file."""

    def __init__(self, report: Callable[[int], None]) -> None:
        self._report = report
        self.sent = 0

    def on_progress(self, future: Any, bytes_transferred: int, **kwargs: Any) -> None:
        self.sent += bytes_transferred
        self._report(bytes_transferred)


class Uploader:
    def __init__(
        self,
        target: Target,
        manifest: Manifest,
        ledger: Ledger,
        options: UploadOptions,
        progress: Progress,
    ) -> None:
        from boto3.s3.transfer import TransferConfig, create_transfer_manager

        self._target = target
        self._s3 = target.client("s3")
        self._manifest = manifest
        self._ledger = ledger
        self._options = options
        self._progress = progress
        self.stopping = threading.Event()
        config = TransferConfig(
            multipart_threshold=MULTIPART_THRESHOLD,
            max_concurrency=options.concurrency,
            max_bandwidth=options.max_bandwidth,
        )
        self._transfers = create_transfer_manager(self._s3, config)
        self._active: set[Any] = set()  # transfers under way, cancelled on a stop
        self._active_lock = threading.Lock()

    def count(self, roots: Iterable[Path]) -> None:
        """Walks the roots once more to tell the progress the totals, beside the uploads."""
        files = size = 0
        for file in walk(roots, self._options.prefix):
            if self.stopping.is_set():
                return
            if file.content_type:
                files += 1
                size += file.size
                if files % 1000 == 0:
                    self._progress.found(files, size)
        self._progress.found(files, size)

    def run(self, roots: list[Path]) -> None:
        """Uploads every supported file under ``roots``; returns early once ``stopping`` is set."""
        counter = threading.Thread(target=self.count, args=(roots,), daemon=True)
        counter.start()
        window = 2 * self._options.concurrency
        in_flight: set[Future[Result]] = set()
        with ThreadPoolExecutor(self._options.concurrency, "upload") as pool:
            try:
                for file in walk(roots, self._options.prefix):
                    if self.stopping.is_set():
                        break
                    if not self._admit(file):
                        continue
                    while len(in_flight) >= window and not self.stopping.is_set():
                        in_flight = self._collect(in_flight, timeout=0.2)
                    if self.stopping.is_set():
                        self._ledger.finish(file.key, "interrupted")
                        break
                    in_flight.add(pool.submit(self._upload, file, self._manifest.digest(file.key)))
                while in_flight and not self.stopping.is_set():
                    in_flight = self._collect(in_flight, timeout=0.2)
            finally:
                if in_flight:
                    # Stopping: cancel transfers under way (an unfinished multipart upload is
                    # aborted) and the files not started; what finished is still recorded.
                    with self._active_lock:
                        for transfer in self._active:
                            transfer.cancel()
                    for future in in_flight:
                        future.cancel()
                    wait(in_flight)
                    self._collect(in_flight, timeout=0)
                self._transfers.shutdown()
                self._manifest.commit()
        self.stopping.set()  # ends the counting walk if it is still going
        counter.join()

    def _admit(self, file: LocalFile) -> bool:
        """Records the file in the run; False for files that are not uploaded."""
        if not file.content_type:
            self._ledger.add(file.key, file.path, file.size, "unsupported")
            return False
        if file.key_too_long:
            self._refuse(file, "the key is longer than S3's 1,024 bytes")
            return False
        other = self._ledger.add(file.key, file.path, file.size, "queued")
        if other is not None:
            self._refuse(file, f"same key as {other}")
            return False
        return True

    def _refuse(self, file: LocalFile, detail: str) -> None:
        if self._ledger.add(file.key, file.path, file.size, "failed", detail) is not None:
            # Another file of this run holds the key: this one is recorded under its path too.
            self._ledger.add(f"{file.key} ({file.path})", file.path, file.size, "failed", detail)
        self._progress.transferred(file.size)
        self._progress.done(Result(file, "failed", detail=detail))

    def _collect(self, futures: set[Future[Result]], timeout: float) -> set[Future[Result]]:
        done, rest = wait(futures, timeout=timeout, return_when=FIRST_COMPLETED)
        for future in done:
            if future.cancelled():
                continue
            result = future.result()
            if result.outcome in ("uploaded", "present"):
                self._manifest.record(result.file.key, result.sha256)
            self._ledger.finish(result.file.key, result.outcome, result.detail, result.since)
            self._progress.done(result)
        return rest

    def _upload(self, file: LocalFile, known_digest: str | None) -> Result:
        subscriber = _Subscriber(self._progress.transferred)
        try:
            result = self._upload_unless_present(file, known_digest, subscriber)
        except (CancelledError, KeyboardInterrupt):
            result = Result(file, "interrupted")
        except OSError as exc:
            result = Result(file, "failed", detail=f"cannot read the file: {exc.strerror or exc}")
        except (ClientError, BotoCoreError) as exc:
            result = Result(file, "failed", detail=_aws_error(exc))
        # The bar counts every file whole, however far its transfer went.
        self._progress.transferred(file.size - subscriber.sent)
        return result

    def _upload_unless_present(
        self, file: LocalFile, known_digest: str | None, subscriber: _Subscriber
    ) -> Result:
        sha256 = sha256_of(file.path)
        if known_digest == sha256 and not self._options.recheck:
            return Result(file, "present", sha256, "in the manifest")
        stored = self._head(file.key)
        if stored is not None and stored.get("Metadata", {}).get(SHA256_METADATA) == sha256:
            return Result(file, "present", sha256, "in the bucket")
        if self.stopping.is_set():
            return Result(file, "interrupted")
        transfer = self._transfers.upload(
            file.path,
            self._target.bucket,
            file.key,
            extra_args={"ContentType": file.content_type, "Metadata": {SHA256_METADATA: sha256}},
            subscribers=[subscriber],
        )
        with self._active_lock:
            self._active.add(transfer)
        try:
            transfer.result()
        finally:
            with self._active_lock:
                self._active.discard(transfer)
        since = None
        if stored is not None:
            # The key held other content: the pipeline's record of it counts from the new
            # object's time on (both clocks are the stack's).
            replaced = self._head(file.key)
            since = replaced["LastModified"].timestamp() if replaced else None
        return Result(file, "uploaded", sha256, since=since)

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            head: dict[str, Any] = self._s3.head_object(Bucket=self._target.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return head


def _aws_error(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'error')}: {error.get('Message', '')}".strip(": ")
    return str(exc)
