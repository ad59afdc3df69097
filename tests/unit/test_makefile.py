"""`make help` lists every target of the Makefile, each with its one-line description."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAKEFILE = ROOT / "Makefile"
# a rule's first line: "name:" or "name: prerequisites", not a ":=" assignment
RULE = re.compile(r"^(?P<name>[A-Za-z][\w-]*)\s*:(?!=)", re.MULTILINE)
DESCRIPTION = re.compile(r"^## (?P<name>[A-Za-z][\w-]*): (?P<text>\S.*)$", re.MULTILINE)


def targets() -> list[str]:
    return RULE.findall(MAKEFILE.read_text(encoding="utf-8"))


def described() -> dict[str, str]:
    text = MAKEFILE.read_text(encoding="utf-8")
    return {m["name"]: m["text"] for m in DESCRIPTION.finditer(text)}


def test_every_target_has_a_description_line() -> None:
    assert len(targets()) >= 10
    missing = [name for name in targets() if name not in described()]
    assert not missing, f"targets without a '## target: description' line: {missing}"


def test_every_description_names_a_target() -> None:
    stale = sorted(set(described()) - set(targets()))
    assert not stale, f"'## target:' lines for targets the Makefile no longer has: {stale}"


def test_make_help_prints_one_line_per_target() -> None:
    make = shutil.which("make")
    assert make is not None
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [make, "--no-print-directory", "-C", str(ROOT), "help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    lines = result.stdout.splitlines()
    assert len(lines) == len(targets())
    listed = {line.split()[0]: line.split(None, 1)[1] for line in lines}
    assert listed == described()
