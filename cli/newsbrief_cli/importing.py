"""An import's run: the uploads and the following drawn as progress bars, then the report."""

from __future__ import annotations

import argparse
import signal
import tempfile
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.progress import Progress as Bars
from rich.table import Table

from newsbrief_cli.following import Follower
from newsbrief_cli.manifest import Ledger, Manifest, default_manifest_path
from newsbrief_cli.target import Target
from newsbrief_cli.uploading import Progress, Result, Uploader, UploadOptions

EXIT_INTERRUPTED = 130
FIRST_KEYS = 3


class _Bars(Progress):
    """Draws the uploads (files, bytes, rate, ETA) and the following on stderr."""

    def __init__(self, bars: Bars) -> None:
        self._bars = bars
        self.upload = bars.add_task("upload", total=None, files=0, files_total="?")
        self._files = 0
        self._lock = threading.Lock()

    def found(self, files: int, size: int) -> None:
        self._bars.update(self.upload, total=size, files_total=files)

    def transferred(self, size: int) -> None:
        self._bars.advance(self.upload, size)

    def done(self, result: Result) -> None:
        with self._lock:
            self._files += 1
            self._bars.update(self.upload, files=self._files)


def run_import(args: argparse.Namespace, target: Target) -> int:
    for path in args.paths:
        if not path.exists():
            Console(stderr=True).print(f"[red]error:[/] no such file or folder: {path}")
            return 2
    manifest = Manifest(args.manifest or default_manifest_path(), target.identity)
    options = UploadOptions(
        prefix=args.prefix,
        concurrency=max(1, args.concurrency),
        max_bandwidth=args.max_bandwidth,
        recheck=args.recheck,
    )
    with tempfile.TemporaryDirectory(prefix="newsbrief-import-") as scratch:
        ledger = Ledger(Path(scratch) / "run.sqlite3")
        try:
            interrupted, left = _import(args, target, manifest, ledger, options)
            failed = _report(ledger, target, args.wait, interrupted, left)
        finally:
            ledger.close()
            manifest.close()
    if interrupted:
        return EXIT_INTERRUPTED
    return 1 if failed else 0


def _import(
    args: argparse.Namespace,
    target: Target,
    manifest: Manifest,
    ledger: Ledger,
    options: UploadOptions,
) -> tuple[bool, int]:
    stderr = Console(stderr=True)
    bars = Bars(
        TextColumn("{task.description:>7}"),
        BarColumn(),
        TextColumn("{task.fields[files]}/{task.fields[files_total]} files"),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=stderr,
    )
    with bars:
        progress = _Bars(bars)
        uploader = Uploader(target, manifest, ledger, options, progress)
        interrupted = threading.Event()

        def stop(signum: int, frame: FrameType | None) -> None:
            interrupted.set()
            uploader.stopping.set()
            # A second Ctrl-C stops at once.
            signal.signal(signal.SIGINT, signal.default_int_handler)

        previous = signal.signal(signal.SIGINT, stop)
        try:
            uploader.run(args.paths)
            left = 0
            if args.wait and not interrupted.is_set():
                left = _follow(target, ledger, interrupted, args.idle_timeout, stderr)
        finally:
            signal.signal(signal.SIGINT, previous)
    if interrupted.is_set():
        stderr.print("interrupted: run the same command again to finish the import")
    return interrupted.is_set(), left


def _follow(
    target: Target, ledger: Ledger, stopping: threading.Event, idle: float, stderr: Console
) -> int:
    bars = Bars(
        TextColumn("{task.description:>7}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=stderr,
    )
    with bars:
        task: TaskID = bars.add_task("settled", total=ledger.in_bucket())
        return Follower(target, ledger, stopping).follow(
            lambda count: bars.advance(task, count), idle_timeout=idle
        )


def _shown(key: str, width: int = 90) -> str:
    return key if len(key) <= width else f"{key[: width // 2]}…{key[-width // 2 :]}"


def _first(entries: list[Any], with_detail: bool = False) -> str:
    shown = [
        f"{_shown(e.key)} ({e.detail})" if with_detail and e.detail else _shown(e.key)
        for e in entries
    ]
    return ", ".join(shown)


def _report(ledger: Ledger, target: Target, waited: bool, interrupted: bool, left: int) -> bool:
    """Prints the table; returns whether anything failed."""
    counts = ledger.counts()
    table = Table(title=f"Import into {target.name} ({target.bucket})", title_justify="left")
    table.add_column("outcome")
    table.add_column("files", justify="right")
    table.add_column("details", overflow="fold")

    def files(outcome: str) -> int:
        return counts.get(outcome, (0, 0))[0]

    uploaded, size = counts.get("uploaded", (0, 0))
    table.add_row("uploaded", str(uploaded), f"{size:,} bytes" if uploaded else "")
    table.add_row("already uploaded", str(files("present")), "skipped: same content, same key")
    if files("unsupported"):
        entries = ledger.first("outcome = 'unsupported'", limit=FIRST_KEYS)
        table.add_row("not a supported type", str(files("unsupported")), _first(entries))
    if files("failed"):
        entries = ledger.first("outcome = 'failed'", limit=FIRST_KEYS)
        table.add_row("failed uploads", str(files("failed")), _first(entries, with_detail=True))
    not_done = files("interrupted") + files("queued")
    if interrupted:
        table.add_row(
            "interrupted", str(not_done), "under way when stopped (files not reached: not counted)"
        )
    failed = files("failed") > 0
    if waited and not interrupted:
        states = ledger.states()
        indexed = sum(n for (state, _), (n, _) in states.items() if state == "indexed")
        duplicates = sum(d for (state, _), (_, d) in states.items() if state == "indexed")
        detail = f"{duplicates} of them duplicates of other articles" if duplicates else ""
        table.add_row("indexed", str(indexed), detail)
        for (state, reason), (count, _) in sorted(states.items()):
            if state != "rejected":
                continue
            entries = ledger.first("state = 'rejected' AND reason = ?", (reason,), FIRST_KEYS)
            table.add_row(f"rejected: {reason}", str(count), _first(entries))
            failed = True
        if left:
            entries = ledger.first(
                "outcome IN ('uploaded', 'present') AND state IS NULL", limit=FIRST_KEYS
            )
            table.add_row("still processing (gave up)", str(left), _first(entries))
            failed = True
    Console().print(table)
    return failed
