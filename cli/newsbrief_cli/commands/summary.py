"""`newsbrief summary show|edit|approve|history ID`: an article's summary as readers see it and
where it came from; an editor's own summary in its place; the machine summary approved; every
version kept."""

from __future__ import annotations

import argparse
import getpass
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from newsbrief.settings import INCOMING_PREFIX
from newsbrief_cli.target import Target

BULLET_MARKS = ("- ", "* ", "• ")
EDITOR_TEMPLATE = """\
# One bullet a line; lines starting with # are left out. An empty file changes nothing.
# Article: {title}
"""


class EditAbandonedError(RuntimeError):
    """The editor was closed without bullets, or failed."""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "summary",
        help="an article's summary: show, edit, approve, history",
        description=__doc__.replace("`", ""),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, help_text in (
        ("show", "the summary readers see, where it came from, and who reviewed it"),
        ("edit", "replace the summary with your own bullets"),
        ("approve", "approve the current machine summary"),
        ("history", "every version of the summary, newest first"),
    ):
        action = actions.add_parser(name, help=help_text, description=help_text)
        action.add_argument(
            "article", metavar="ID", help=f"an article id or an {INCOMING_PREFIX} key"
        )
        if name in ("edit", "approve"):
            action.add_argument(
                "--by",
                metavar="NAME",
                default=os.environ.get("NEWSBRIEF_EDITOR_NAME") or getpass.getuser(),
                help="the editor's name (default: $NEWSBRIEF_EDITOR_NAME, else your user name)",
            )
        if name == "edit":
            source = action.add_mutually_exclusive_group()
            source.add_argument(
                "--text",
                action="append",
                metavar="BULLET",
                help="one bullet (repeat for more); without --text or --file, $EDITOR opens "
                "with the current summary",
            )
            source.add_argument(
                "--file", type=Path, help="a text file with one bullet a line ('-' is stdin)"
            )
            action.add_argument("--note", help="a note kept with this version")
        action.set_defaults(run=RUNS[name])


def article_id(args: argparse.Namespace) -> str:
    from newsbrief.events import article_id_for

    given: str = args.article
    return article_id_for(given) if given.startswith(INCOMING_PREFIX) else given


def origin_line(summary: dict[str, Any]) -> str:
    origin = summary["origin"]
    if origin == "editor":
        said = f"written by {summary['editor']} at {summary['reviewed_at']}"
    elif origin == "approved":
        said = f"{summary['method']}, approved by {summary['editor']} at {summary['reviewed_at']}"
    else:
        said = f"{summary['method']}, not reviewed"
    stale = " — STALE: the article's text changed since" if summary.get("stale") else ""
    return f"{origin} ({said}){stale}"


def print_bullets(console: Console, sentences: list[str]) -> None:
    for sentence in sentences:
        console.print(f"  • {escape(sentence)}")


def show(args: argparse.Namespace, target: Target) -> int:
    article = article_id(args)
    summary = target.api_get(f"/articles/{article}/summary")
    console = Console()
    console.print(f"[bold]{escape(summary.get('title') or '(no title)')}[/] ({article})")
    if summary["pending_review"]:
        console.print("Summary pending review: readers see none until an editor approves or edits.")
        versions = target.api_get(f"/articles/{article}/summary/history", with_key=True)
        machine = next((v for v in versions["versions"] if v["origin"] == "machine"), None)
        if machine:
            console.print(f"The machine summary ({escape(str(machine['method']))}):")
            print_bullets(console, machine["summary"])
        return 0
    console.print(escape(origin_line(summary)))
    if summary.get("note"):
        console.print(f"note: {escape(summary['note'])}")
    print_bullets(console, summary["summary"])
    return 0


def bullets_from(args: argparse.Namespace, target: Target, article: str) -> list[str]:
    if args.text:
        return [str(text) for text in args.text]
    if args.file:
        text = sys.stdin.read() if str(args.file) == "-" else args.file.read_text(encoding="utf-8")
        return bullet_lines(text)
    current = target.api_get(f"/articles/{article}/summary")
    return bullet_lines(edit_in_editor(current))


def bullet_lines(text: str) -> list[str]:
    """One bullet a line, without list marks, comments and blank lines."""
    bullets = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        for mark in BULLET_MARKS:
            line = line.removeprefix(mark)
        bullets.append(line.strip())
    return [bullet for bullet in bullets if bullet]


def edit_in_editor(current: dict[str, Any]) -> str:
    """Opens $EDITOR (or $VISUAL, else vi) on the current summary; returns what was saved."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    header = EDITOR_TEMPLATE.format(title=current.get("title") or "")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "summary.txt"
        path.write_text(header + "".join(f"{s}\n" for s in current["summary"]), encoding="utf-8")
        finished = subprocess.run([*shlex.split(command), str(path)], check=False)  # noqa: S603
        if finished.returncode != 0:
            raise EditAbandonedError(f"the editor exited with code {finished.returncode}")
        return path.read_text(encoding="utf-8")


def edit(args: argparse.Namespace, target: Target) -> int:
    article = article_id(args)
    console = Console()
    try:
        bullets = bullets_from(args, target, article)
    except EditAbandonedError as exc:
        Console(stderr=True).print(f"[red]error:[/] {escape(str(exc))}; nothing changed")
        return 1
    if not bullets:
        Console(stderr=True).print("[red]error:[/] no bullets given; nothing changed")
        return 1
    body = {"summary": bullets, "editor": args.by, "note": args.note}
    stored = target.api_send("PUT", f"/articles/{article}/summary", body)
    console.print(f"stored: {escape(origin_line(stored))}")
    print_bullets(console, stored["summary"])
    return 0


def approve(args: argparse.Namespace, target: Target) -> int:
    article = article_id(args)
    stored = target.api_send("POST", f"/articles/{article}/summary/approve", {"editor": args.by})
    console = Console()
    console.print(f"stored: {escape(origin_line(stored))}")
    print_bullets(console, stored["summary"])
    return 0


def history(args: argparse.Namespace, target: Target) -> int:
    article = article_id(args)
    versions = target.api_get(f"/articles/{article}/summary/history", with_key=True)["versions"]
    console = Console()
    console.print(f"{len(versions)} versions of the summary of {article}, newest first")
    for version in versions:
        by = f"  by {version['editor']}" if version["editor"] else ""
        stale = "  STALE" if version["stale"] else ""
        console.print(
            f"\n{version['written_at']}  {version['origin']}  {version['method'] or '–'}"
            f"{escape(by)}{stale}",
            highlight=False,
        )
        if version["note"]:
            console.print(f"  note: {escape(version['note'])}")
        print_bullets(console, version["summary"])
    return 0


RUNS = {"show": show, "edit": edit, "approve": approve, "history": history}
