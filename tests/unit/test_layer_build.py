"""The layer build: every package pinned with hashes, bytecode compiled for the target Python."""

from __future__ import annotations

import compileall
import py_compile
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYER = ROOT / "layers" / "newsbrief"
BUILT_LAYER = ROOT / ".aws-sam" / "build" / "SharedLayer" / "python"
sys.path.insert(0, str(ROOT / "scripts"))

from check_layer_bytecode import bytecode_problem, check  # noqa: E402


def pins(text: str) -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;\\]+)", text, re.MULTILINE)
    return {
        re.sub(r"\[.*\]", "", name).lower().replace("_", "-"): version for name, version in found
    }


def test_the_lock_pins_every_requirement_at_its_version_with_hashes() -> None:
    requirements = pins((LAYER / "requirements.txt").read_text())
    lock_text = (LAYER / "requirements.lock").read_text()
    locked = pins(lock_text)
    for name, version in requirements.items():
        assert locked.get(name) == version, name
    # Transitive packages too: botocore, pydantic-core, lxml, ...
    assert {"botocore", "pydantic-core", "lxml", "s3transfer"} <= set(locked)
    entries = re.split(r"\n(?=[a-z])", lock_text.split("\n", 2)[2].strip())
    assert len(entries) == len(locked)
    for entry in entries:
        assert "--hash=sha256:" in entry, entry.splitlines()[0]
    assert "--python-platform aarch64-manylinux2014 --python-version 3.13" in lock_text


def test_the_layer_installs_the_lock_and_compiles_unchecked_bytecode() -> None:
    makefile = (LAYER / "Makefile").read_text()
    recipe = makefile.split("build-SharedLayer:", 1)[1]
    assert "--require-hashes --no-deps --requirement requirements.lock" in recipe
    assert "--python-version 3.13" in makefile
    # Compiled last, after any stray __pycache__ of the host is removed.
    last_line = recipe.strip().split("\n\n", 1)[0].splitlines()[-1]
    assert last_line.strip() == (
        '$(PYTHON313) -m compileall -q -j 0 --invalidation-mode unchecked-hash "$(LAYER_DIR)"'
    )


def make_tree(root: Path) -> Path:
    package = root / "package"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "module.py").write_text("VALUE = 1\n")
    return root


def test_the_checker_accepts_unchecked_hash_bytecode_of_its_interpreter(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    assert compileall.compile_dir(
        tree, quiet=1, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
    )
    assert check(tree) == (2, [])


def test_the_checker_refuses_missing_stale_and_foreign_bytecode(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    assert [problem.split(": ")[1] for problem in check(tree)[1]] == ["no bytecode"] * 2
    compileall.compile_dir(
        tree, quiet=1, invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP
    )
    assert bytecode_problem(tree / "package" / "module.py") == "bytecode that checks its source"
    compiled = next((tree / "package" / "__pycache__").glob("module.*.pyc"))
    compiled.write_bytes(b"\x00\x00\r\n" + compiled.read_bytes()[4:])
    assert bytecode_problem(tree / "package" / "module.py") == "bytecode of another Python version"


def python313() -> str | None:
    script = (ROOT / "scripts" / "sam-build.sh").read_text()
    function = script.split("find_python313() {", 1)[1].split("\n}\n", 1)[0]
    result = subprocess.run(  # noqa: S603
        ["bash", "-c", f"find_python313() {{{function}\n}}\nfind_python313"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or None


@pytest.mark.skipif(not BUILT_LAYER.is_dir(), reason="no `make build` output here")
def test_the_built_layer_has_python313_bytecode_for_every_module() -> None:
    interpreter = python313()
    assert interpreter, "make build found a python3.13, so this machine has one"
    result = subprocess.run(  # noqa: S603
        [interpreter, str(ROOT / "scripts" / "check_layer_bytecode.py"), str(BUILT_LAYER)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "with unchecked-hash cpython-313 bytecode" in result.stdout
