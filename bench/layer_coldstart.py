"""Cold import of each handler from the shared layer, with and without the layer's bytecode.

Lambda's /opt is read-only: a layer without bytecode makes every cold start compile each module
it imports. This builds the layer as `make build` does, from layers/newsbrief/requirements.lock,
but with this machine's wheels so that python3.13 can import it here: once as pip leaves it, and
once compiled as the layer's Makefile compiles it (compileall, unchecked-hash). Each handler is
then imported in fresh python3.13 interpreters with bytecode writes off, as on /opt, and the
medians are printed side by side.

    .venv/bin/python bench/layer_coldstart.py --runs 7
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from coldstart import cold_seconds, handler_import, lambda_environment

ROOT = Path(__file__).resolve().parent.parent
LAYER = ROOT / "layers" / "newsbrief"
HANDLERS = ("parse", "summarize", "index", "api")


def find_python313() -> str:
    """The python3.13 that scripts/sam-build.sh would compile the layer with."""
    script = ROOT / "scripts" / "sam-build.sh"
    function = script.read_text().split("find_python313() {", 1)[1].split("\n}\n", 1)[0]
    result = subprocess.run(  # noqa: S603 - the project's own build script
        ["bash", "-c", f"find_python313() {{{function}\n}}\nfind_python313"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr.strip() or "no python3.13 found")
    return result.stdout.strip()


def build_layer(python313: str, target: Path) -> None:
    """The layer's packages for this machine's architecture, without bytecode."""
    subprocess.run(  # noqa: S603 - pip with the project's own lock file
        [
            python313,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--root-user-action=ignore",
            "--no-compile",
            "--no-warn-conflicts",
            "--require-hashes",
            "--no-deps",
            "--requirement",
            str(LAYER / "requirements.lock"),
            "--target",
            str(target),
            "--platform",
            f"manylinux2014_{platform.machine()}",
            "--implementation",
            "cp",
            "--python-version",
            "3.13",
            "--only-binary=:all:",
        ],
        check=True,
    )
    shutil.copytree(LAYER / "python" / "newsbrief", target / "newsbrief")
    for cache in list(target.rglob("__pycache__")):
        shutil.rmtree(cache)


COMPILEALL = ("-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash")


def compile_layer(python313: str, layer: Path) -> None:
    # The same compileall call as the layer's Makefile.
    subprocess.run([python313, *COMPILEALL, str(layer)], check=True)  # noqa: S603


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters per figure")
    parser.add_argument("--python", help="the python3.13 to use (default: as make build finds it)")
    args = parser.parse_args()
    python313 = args.python or find_python313()

    with tempfile.TemporaryDirectory(prefix="layer-coldstart-") as scratch:
        source_only = Path(scratch) / "source-only" / "python"
        build_layer(python313, source_only)
        with_bytecode = Path(scratch) / "with-bytecode" / "python"
        shutil.copytree(source_only, with_bytecode)
        compile_layer(python313, with_bytecode)
        modules = sum(1 for _ in source_only.rglob("*.py"))
        print(f"{python313}: {modules} modules in the layer; median of {args.runs} cold imports")
        print(f"{'handler':<10} {'no bytecode':>12} {'bytecode':>10} {'ratio':>6}")
        for name in HANDLERS:
            function_dir = ROOT / "functions" / name
            medians = []
            for layer in (source_only, with_bytecode):
                environment = {
                    **lambda_environment(function_dir),
                    "PYTHONPATH": f"{function_dir}{os.pathsep}{layer}",
                    # /opt is read-only: nothing compiled during a run is kept for the next.
                    "PYTHONDONTWRITEBYTECODE": "1",
                    "POWERTOOLS_SERVICE_NAME": "newsbrief",
                    "POWERTOOLS_METRICS_NAMESPACE": "Newsbrief",
                }
                timings = cold_seconds(
                    handler_import(function_dir), args.runs, environment, interpreter=python313
                )
                medians.append(statistics.median(timings))
            without, with_ = medians
            print(f"{name:<10} {without:>11.3f}s {with_:>9.3f}s {without / with_:>5.2f}x")


if __name__ == "__main__":
    main()
