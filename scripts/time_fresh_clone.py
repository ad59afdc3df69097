"""A newcomer's first minutes, timed: `make demo` and `make test` from fresh clones.

Clones the repository twice into a temporary folder (with ../shared beside the clones when this
checkout has one, as CI lays it out), then times, each from nothing but the clone:

* `make demo` until its first summary sentence is on stdout (virtualenv, install, stack start,
  samples uploaded and processed), then stops it as Ctrl-C would;
* `make test` to its end, install included.

    python3 scripts/time_fresh_clone.py [--source PATH_OR_URL] [--ref REF] [--cold-cache]
                                        [--demo-only]

The package caches of this machine are used as they are (uv's and pip's), as a second clone on
the same machine would find them; --cold-cache gives uv an empty cache so every wheel is
downloaded again. The local stack takes free ports.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO_TARGET_SECONDS = 30.0
TEST_TARGET_SECONDS = 240.0
GIT = shutil.which("git") or "git"
MAKE = shutil.which("make") or "make"
INSTALL_STAMP = ".venv/.installed"
SUMMARY_HEADING = "Summary of "
BULLET = "  • "


def clone(source: str, ref: str | None, destination: Path) -> None:
    # git and make with arguments from this script's own command line, no shell, throughout
    command = [GIT, "clone", "--quiet", "--no-hardlinks", source, str(destination)]
    subprocess.run(command, check=True)  # noqa: S603
    if ref:
        checkout = [GIT, "-C", str(destination), "checkout", "--quiet", ref]
        subprocess.run(checkout, check=True)  # noqa: S603


def stop(process: subprocess.Popen[str]) -> None:
    """Ctrl-C to the whole process group (make and the stack under it), harder if ignored."""
    for sig, grace in ((signal.SIGINT, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue


def time_demo(clone_dir: Path, environment: dict[str, str], timeout: float) -> float | None:
    """Seconds from `make demo` until the first summary sentence is printed; None if never.
    Prints when the install ended (make echoes the command that stamps it)."""
    began = time.monotonic()
    process = subprocess.Popen(  # noqa: S603
        [MAKE, "--no-print-directory", "demo"],
        cwd=clone_dir,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    if process.stdout is None:
        raise RuntimeError("make demo has no stdout pipe")
    timer = threading.Timer(timeout, stop, args=(process,))
    timer.start()
    seconds = None
    in_summary = False
    try:
        for line in process.stdout:
            if line.startswith("touch ") and INSTALL_STAMP in line:
                print(f"    install done after {time.monotonic() - began:.1f} s", flush=True)
            elif line.startswith(SUMMARY_HEADING):
                in_summary = True
            elif in_summary and line.startswith(BULLET):
                seconds = time.monotonic() - began
                print(f"    {line.rstrip()}", flush=True)
                break
    finally:
        timer.cancel()
        stop(process)
    return seconds


def time_test(clone_dir: Path, environment: dict[str, str], log: Path) -> tuple[float, int]:
    began = time.monotonic()
    with log.open("w", encoding="utf-8") as output:
        result = subprocess.run(  # noqa: S603
            [MAKE, "--no-print-directory", "test"],
            cwd=clone_dir,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    return time.monotonic() - began, result.returncode


def verdict(seconds: float | None, target: float) -> str:
    if seconds is None:
        return "did not get there"
    return "within target" if seconds <= target else "OVER target"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(REPO), help="repository to clone (default: this)")
    parser.add_argument("--ref", help="commit or branch to check out (default: the clone's HEAD)")
    parser.add_argument("--cold-cache", action="store_true", help="an empty uv cache")
    parser.add_argument("--demo-timeout", type=float, default=600.0)
    parser.add_argument("--demo-only", action="store_true", help="time make demo, not make test")
    parser.add_argument("--keep", action="store_true", help="keep the clones and the test log")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="newsbrief-fresh-"))
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("VIRTUAL_ENV", "PYTHONPATH", "UV_CACHE_DIR")
    }
    environment.update({"NEWSBRIEF_S3_PORT": "0", "NEWSBRIEF_API_PORT": "0"})
    if args.cold_cache:
        environment["UV_CACHE_DIR"] = str(workdir / "uv-cache")
    shared = REPO.parent / "shared"
    if shared.is_dir():
        (workdir / "shared").symlink_to(shared)
    uv = shutil.which("uv")
    print(
        f"cloning {args.source} into {workdir}; uv on PATH: {uv or 'no'}; "
        f"uv cache: {'empty' if args.cold_cache else 'as this machine has it'}",
        flush=True,
    )
    try:
        clone(args.source, args.ref, workdir / "demo")
        head = subprocess.run(  # noqa: S603
            [GIT, "-C", str(workdir / "demo"), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        print(f"commit {head}", flush=True)

        print("make demo ...", flush=True)
        demo = time_demo(workdir / "demo", environment, args.demo_timeout)
        demo_figure = f"{demo:.1f} s" if demo is not None else "-"
        print(
            f"make demo, first summary on screen: {demo_figure:>8}  "
            f"(target <= {DEMO_TARGET_SECONDS:.0f} s: {verdict(demo, DEMO_TARGET_SECONDS)})",
            flush=True,
        )
        if args.demo_only:
            return 0 if demo is not None else 1
        clone(args.source, args.ref, workdir / "test")
        print("make test ...", flush=True)
        log = workdir / "make-test.log"
        test, returncode = time_test(workdir / "test", environment, log)
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:]
        print(
            f"make test, wall incl. install:      {test:6.1f} s  "
            f"(target <= {TEST_TARGET_SECONDS:.0f} s: {verdict(test, TEST_TARGET_SECONDS)}); "
            f"exit {returncode}: {tail[0] if tail else ''}"
        )
        return 0 if demo is not None and returncode == 0 else 1
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
