"""`newsbrief furniture list|forget SOURCE`: the lines learned as a source's furniture (its site's
boilerplate, left out of its articles), and forgetting them. A source is a site's host, or the
folder under incoming/ its files were uploaded to. Forgetting applies to uploads parsed from then
on: the lines stay in their articles until they recur in enough new uploads."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from rich.console import Console

from newsbrief_cli.target import Target

if TYPE_CHECKING:
    from newsbrief.storage.articles import FurnitureRepository


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "furniture",
        help="list or forget the furniture learned for a source",
        description=__doc__.replace("`", ""),
    )
    parser.add_argument("action", choices=["list", "forget"])
    parser.add_argument("source", help="a site's host, or a folder under incoming/")
    parser.add_argument("--line", help="forget only this line")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, target: Target) -> int:
    from newsbrief.settings import FURNITURE_MIN_UPLOADS
    from newsbrief.storage.articles import FurnitureRepository

    repository = FurnitureRepository(target.table("ArticlesTableName"), FURNITURE_MIN_UPLOADS)
    console = Console()
    if args.action == "list":
        lines = learned_report(repository, args.source)
    else:
        lines = [forget_report(repository, args.source, args.line)]
    for line in lines:
        console.print(line, markup=False, highlight=False)
    return 0


def learned_report(furniture: FurnitureRepository, source: str) -> list[str]:
    """A source's learned lines, each with the number of uploads that carried it."""
    lines = furniture.learned(source)
    if not lines:
        return [f"no furniture learned for {source}"]
    return [f"{line.uploads:6d} uploads  {line.text}" for line in lines]


def forget_report(furniture: FurnitureRepository, source: str, line: str | None) -> str:
    """Forgets a source's learned furniture (or one line of it) and says what was forgotten."""
    from newsbrief.parsing.furniture import normalize_line

    if line is None:
        return f"forgot {furniture.forget(source)} lines counted for {source}"
    normalized = normalize_line(line)
    if not furniture.forget(source, normalized):
        return f"{source} has no furniture line {normalized!r}"
    return f"forgot {normalized!r} for {source}"
