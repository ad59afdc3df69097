"""`newsbrief search "QUERY"`: full-text search through the stack's API."""

from __future__ import annotations

import argparse
import html
import re
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsbrief_cli.target import Target

MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "search",
        help="search the articles",
        description='Full-text search through the API: words, "phrases", -exclusions.',
    )
    parser.add_argument("query")
    parser.add_argument("--limit", type=int, default=10, help="hits to show (default 10)")
    parser.add_argument("--language", help="two-letter language code")
    parser.add_argument("--since", metavar="DATE", help="published on or after (YYYY-MM-DD)")
    parser.add_argument("--until", metavar="DATE", help="published on or before (YYYY-MM-DD)")
    parser.add_argument("--tag")
    parser.add_argument("--sort", choices=["relevance", "date"], default="relevance")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, target: Target) -> int:
    page = target.api_get(
        "/search",
        q=args.query,
        limit=args.limit,
        language=args.language,
        since=args.since,
        until=args.until,
        tag=args.tag,
        sort=args.sort,
    )
    total = f"{page['total']}" + ("" if page.get("total_exact", True) else " (estimated)")
    table = Table(title=f"“{args.query}”: {total} results", title_justify="left")
    table.add_column("score", justify="right")
    table.add_column("id")
    table.add_column("published")
    table.add_column("title and snippet", overflow="fold")
    for hit in page["items"]:
        table.add_row(
            f"{hit['score']:.2f}",
            hit["id"],
            (hit.get("published") or "")[:10],
            _title_and_snippet(hit["title"], hit.get("snippet") or ""),
        )
    Console().print(table)
    return 0


def _title_and_snippet(title: str, snippet: str) -> Text:
    """The title in bold over the snippet, its matches highlighted. The API sends the snippet
    as HTML (escaped text, matches in <mark>); the terminal gets its text, never console markup."""
    cell = Text(title, style="bold")
    cell.append("\n")
    for index, part in enumerate(MARK.split(snippet)):
        # The split alternates unmarked and marked parts.
        cell.append(html.unescape(part), style="reverse" if index % 2 else "")
    return cell
