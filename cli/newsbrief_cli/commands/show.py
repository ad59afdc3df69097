"""`newsbrief show ID`: one article (by id, or by its upload key) with its status, metadata,
summary and keywords, or why it was rejected."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from newsbrief.settings import INCOMING_PREFIX
from newsbrief_cli.target import Target

FIELDS = (
    "status",
    "source_key",
    "reason_code",
    "reason",
    "author",
    "published",
    "language",
    "url",
    "section",
    "word_count",
    "summary_method",
    "duplicate_of",
    "updated_at",
)


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "show", help="one article and its status", description=__doc__.replace("`", "")
    )
    parser.add_argument("article", metavar="ID", help=f"an article id or an {INCOMING_PREFIX} key")
    parser.add_argument("--text", action="store_true", help="print the article's text too")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, target: Target) -> int:
    from newsbrief.events import article_id_for

    article_id = args.article
    if article_id.startswith(INCOMING_PREFIX):
        article_id = article_id_for(article_id)
    article = target.api_get(f"/articles/{article_id}")
    console = Console()
    table = Table(
        title=escape(article.get("title") or "(no title)"), title_justify="left", show_header=False
    )
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    table.add_row("id", article["id"])
    for field in FIELDS:
        if article.get(field) not in (None, ""):
            table.add_row(field.replace("_", " "), escape(str(article[field])))
    if article.get("tags"):
        table.add_row("tags", escape(", ".join(article["tags"])))
    if article.get("keywords"):
        table.add_row("keywords", escape(", ".join(article["keywords"])))
    console.print(table)
    if article.get("summary"):
        console.print("[bold]Summary[/]")
        for sentence in article["summary"]:
            console.print(f"  • {escape(sentence)}")
    if args.text:
        for paragraph in article.get("paragraphs", []):
            console.print(f"\n{escape(paragraph)}")
    return 0
