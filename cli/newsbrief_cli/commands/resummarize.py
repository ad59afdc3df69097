"""`newsbrief resummarize`: after a summarizer upgrade, sends every article whose summary another
summarizer version made back to the summarize stage."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console

from newsbrief_cli.target import Target


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "resummarize",
        help="summarize again what another summarizer version summarized",
        description=__doc__.replace("`", ""),
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, target: Target) -> int:
    from newsbrief.summarizing import SUMMARIZER_VERSION
    from newsbrief_cli.operations import resummarize

    count = resummarize(
        target.table("ArticlesTableName"),
        target.client("sqs"),
        target.output("SummarizeQueueUrl"),
        target.bucket,
        SUMMARIZER_VERSION,
    )
    Console().print(f"queued {count} articles for summarizer {SUMMARIZER_VERSION}")
    return 0
