"""`newsbrief redrive`: sends the messages of a stage's dead-letter queue back to its queue,
once the cause of their failure is fixed."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console
from rich.table import Table

from newsbrief_cli.target import Target, TargetError


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "redrive",
        help="move dead-lettered messages back to their stage's queue",
        description=__doc__.replace("`", ""),
    )
    parser.add_argument(
        "--stage",
        action="append",
        metavar="STAGE",
        help="parse, summarize or index (repeatable; default: every stage)",
    )
    parser.add_argument("--max", type=int, metavar="N", help="at most N messages per stage")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, target: Target) -> int:
    from newsbrief_cli.operations import redrive

    stages = {stage.lower(): stage for stage in target.stages()}
    wanted = [stage.lower() for stage in args.stage or stages]
    unknown = [stage for stage in wanted if stage not in stages]
    if unknown:
        raise TargetError(f"no stage {', '.join(unknown)}; the stages are {', '.join(stages)}")
    table = Table(title=f"Redrive in {target.name}", title_justify="left")
    table.add_column("stage")
    table.add_column("messages moved back", justify="right")
    sqs = target.client("sqs")
    for name in wanted:
        stage = stages[name]
        moved = redrive(
            sqs,
            target.output(f"{stage}DeadLetterQueueUrl"),
            target.output(f"{stage}QueueUrl"),
            args.max,
        )
        table.add_row(name, str(moved))
    Console().print(table)
    return 0
