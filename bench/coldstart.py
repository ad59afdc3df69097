"""Cold-start timing: a snippet's wall time in fresh interpreters, as a cold start pays it."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOTO3_AND_ONE_CLIENT = (
    "import boto3\nboto3.client('s3', region_name='us-east-1', "
    "aws_access_key_id='x', aws_secret_access_key='x')"
)


def lambda_environment(function_dir: Path) -> dict[str, str]:
    """The variables Lambda sets that change what a handler does at import (the X-Ray SDK,
    for one, samples locally inside Lambda instead of creating an X-Ray client), and the
    template's, which a handler checks at import."""
    from local.template import read_stack

    spec, _ = read_stack(ROOT / "template.yaml", "newsbrief")
    return {
        **spec.environment,
        "LAMBDA_TASK_ROOT": str(function_dir),
        "AWS_LAMBDA_FUNCTION_NAME": function_dir.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "false",
    }


def handler_import(function_dir: Path) -> str:
    """A snippet that imports ``function_dir``'s handler module as Lambda's runtime does."""
    return (
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('app', {str(function_dir / 'app.py')!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)"
    )


def cold_seconds(
    snippet: str,
    runs: int,
    environment: dict[str, str] | None = None,
    interpreter: str = sys.executable,
) -> list[float]:
    """Seconds that ``snippet`` takes in each of ``runs`` fresh interpreters, timed inside them."""
    program = (
        f"import time\n_start = time.perf_counter()\n{snippet}\nprint(time.perf_counter() - _start)"
    )
    timings = []
    for _ in range(runs):
        # The program is built from the benchmarks' own snippets.
        result = subprocess.run(  # noqa: S603
            [interpreter, "-c", program],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, **(environment or {})},
        )
        timings.append(float(result.stdout.strip().splitlines()[-1]))
    return timings


def median_cold_seconds(
    snippet: str, runs: int, environment: dict[str, str] | None = None
) -> float:
    return statistics.median(cold_seconds(snippet, runs, environment))
