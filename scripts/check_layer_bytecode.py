"""Checks that a built layer carries bytecode for the interpreter running this script.

Run it with the target interpreter (``python3.13 scripts/check_layer_bytecode.py DIR``): every
``.py`` file under DIR needs its ``__pycache__/NAME.<cache tag>.pyc`` with that interpreter's
magic number, hash-based and unchecked, so that Lambda's read-only /opt never recompiles it.
Prints the counts; exits 1 listing the files that lack such bytecode.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

# PEP 552 flags: bit 0 hash-based, bit 1 check the source: unchecked-hash is 0b01.
UNCHECKED_HASH_FLAGS = 0b01


def bytecode_problem(source: Path) -> str | None:
    """Why ``source`` has no usable bytecode for this interpreter, or None if it has."""
    compiled = Path(importlib.util.cache_from_source(str(source)))
    if not compiled.exists():
        return "no bytecode"
    header = compiled.read_bytes()[:8]
    if header[:4] != importlib.util.MAGIC_NUMBER:
        return "bytecode of another Python version"
    if int.from_bytes(header[4:8], "little") != UNCHECKED_HASH_FLAGS:
        return "bytecode that checks its source"
    return None


def check(layer_dir: Path) -> tuple[int, list[str]]:
    """The number of modules checked and a line per module without usable bytecode."""
    sources = sorted(layer_dir.rglob("*.py"))
    problems = []
    for source in sources:
        problem = bytecode_problem(source)
        if problem:
            problems.append(f"{source.relative_to(layer_dir)}: {problem}")
    return len(sources), problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("layer_dir", type=Path)
    args = parser.parse_args(argv)
    checked, problems = check(args.layer_dir)
    tag = sys.implementation.cache_tag
    print(f"{checked} modules, {checked - len(problems)} with unchecked-hash {tag} bytecode")
    for problem in problems[:50]:
        print(problem)
    return 1 if problems or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
