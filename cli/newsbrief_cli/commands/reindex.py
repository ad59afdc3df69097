"""`newsbrief reindex`: rebuilds the search index by sending every stored summary to the index
stage again."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console

from newsbrief_cli.target import Target


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "reindex", help="index every stored summary again", description=__doc__.replace("`", "")
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, target: Target) -> int:
    from newsbrief_cli.operations import reindex

    count = reindex(
        target.client("s3"), target.client("sqs"), target.output("IndexQueueUrl"), target.bucket
    )
    Console().print(f"queued {count} summaries for indexing")
    return 0
