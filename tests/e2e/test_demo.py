"""`make demo` as a newcomer runs it: the first summary comes as soon as its article is ready,
then a Russian article's summary beside it, the report of every upload, a search and where to
read them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from local.launch import stack_environment

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples" / "articles"

pytestmark = pytest.mark.e2e


def test_demo_shows_the_first_summary_then_reports_every_upload(tmp_path: Path):
    samples = tmp_path / "samples"
    samples.mkdir()
    # Sorted by name the seed would come last: the demo still uploads it, and shows it, first.
    shutil.copy(FIXTURES / "seed-article.txt", samples / "zz-seed-article.txt")
    (samples / "aa-empty.txt").write_bytes(b" ")
    shutil.copy(EXAMPLES / "prirechensk-half-marathon-ru.txt", samples)
    demo = subprocess.run(  # noqa: S603 - the project's own stack
        [sys.executable, "-m", "local", "demo", "--samples", str(samples), "--exit"],
        cwd=ROOT,
        env=stack_environment(tmp_path / "banner.json"),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert demo.returncode == 0, demo.stderr[-2000:]
    out = demo.stdout
    summary_at = out.index("Summary of “Russia and Uzbekistan")
    russian_at = out.index("Summary of “Полумарафон в Приреченске")
    report_at = out.index("3 of 3 uploads processed")
    assert summary_at < russian_at < report_at
    assert ", en):" in out[summary_at:russian_at] and ", ru):" in out[russian_at:report_at]
    english = [line for line in out[summary_at:russian_at].splitlines() if line.startswith("  • ")]
    russian = [line for line in out[russian_at:report_at].splitlines() if line.startswith("  • ")]
    assert 1 <= len(english) <= 5 and 1 <= len(russian) <= 5
    assert all(re.search("[а-яё]{4}", line) for line in russian)
    assert "[indexed ]" in out and "incoming/zz-seed-article.txt" in out
    assert "[rejected]" in out and "incoming/aa-empty.txt" in out
    assert "Search “Uzbekistan Afghanistan”" in out
    assert "Read them: open http://127.0.0.1:" in out and "in Russian: http://127.0.0.1:" in out
    assert not (tmp_path / "banner.json").exists()
