"""The `newsbrief` command: parses the command line, finds the stack, runs one command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rich.console import Console

from newsbrief_cli.commands import (
    furniture,
    import_files,
    redrive,
    reindex,
    resummarize,
    search,
    show,
    status,
    summary,
)
from newsbrief_cli.target import ApiError, Target, TargetError, deployed_target, local_target

EXIT_INTERRUPTED = 130

DESCRIPTION = """\
The command-line client of a Newsbrief stack: import an archive, watch the pipeline, operate it,
search it. Talks to the local stack (--local, started by `make serve` or `make demo`) or a
deployed one (--stack NAME, found by its CloudFormation outputs; AWS credentials as usual).
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsbrief", description=DESCRIPTION)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--local", action="store_true", help="the running local stack (the default)")
    where.add_argument("--stack", metavar="NAME", help="a deployed stack, by its name")
    parser.add_argument("--region", help="the deployed stack's region (default: AWS_REGION)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (
        import_files,
        status,
        redrive,
        reindex,
        resummarize,
        search,
        show,
        summary,
        furniture,
    ):
        module.register(commands)
    return parser


def resolve_target(args: argparse.Namespace) -> Target:
    if args.stack:
        return deployed_target(args.stack, args.region)
    return local_target()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    errors = Console(stderr=True)
    try:
        target = resolve_target(args)
        code: int = args.run(args, target)
    except KeyboardInterrupt:
        errors.print("interrupted")
        return EXIT_INTERRUPTED
    except (TargetError, ApiError) as exc:
        errors.print(f"[red]error:[/] {exc}", highlight=False)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
