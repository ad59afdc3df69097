"""The local stack as a user starts it: `python -m local serve` in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Two origins, as `AllowedOrigins` takes them: CORS must answer the second as well as the first.
ALLOWED_ORIGINS = ("http://localhost:3000", "https://newsroom.example")


@pytest.fixture(scope="session")
def banner_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the stack writes its banner for `newsbrief --local`."""
    return tmp_path_factory.mktemp("banner") / "banner.json"


@pytest.fixture(scope="session")
def local_stack(
    tmp_path_factory: pytest.TempPathFactory, banner_file: Path
) -> Iterator[dict[str, str]]:
    env = {
        **os.environ,
        "NEWSBRIEF_S3_PORT": "0",
        "NEWSBRIEF_API_PORT": "0",
        "NEWSBRIEF_BANNER_FILE": str(banner_file),
        "NEWSBRIEF_ALLOWED_ORIGINS": ",".join(ALLOWED_ORIGINS),
    }
    env.pop("AWS_ENDPOINT_URL", None)
    # The stack's output and log (its functions' JSON logs) stay readable after a failure.
    log = (tmp_path_factory.mktemp("local-stack") / "stderr.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "local", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = json.loads(process.stdout.readline())
        # Keep draining the stack's output (its functions log to stdout) so it never blocks.
        threading.Thread(target=shutil.copyfileobj, args=(process.stdout, log), daemon=True).start()
        yield banner
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
