"""The browser tests never pass by skipping in CI: without Chromium they fail there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_browser_test(ci: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": ci, "NEWSBRIEF_CHROMIUM": "/nonexistent/chromium"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-rA", "tests/browser", "-k", "forbid_inline_script"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(("ci", "code", "outcome"), [("true", 1, "ERROR"), ("", 0, "SKIPPED")])
def test_a_missing_browser_fails_only_in_ci(ci: str, code: int, outcome: str) -> None:
    result = run_browser_test(ci)
    assert result.returncode == code, result.stdout[-2000:]
    assert outcome in result.stdout
    assert "/nonexistent/chromium is missing" in result.stdout
