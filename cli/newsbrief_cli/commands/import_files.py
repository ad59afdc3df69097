"""`newsbrief import PATH…`: uploads an archive's files to ``incoming/``, optionally follows them
until each is indexed or rejected, and reports what became of every file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from newsbrief_cli.manifest import default_manifest_path
from newsbrief_cli.target import Target


def _size(text: str) -> int:
    units = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}
    number = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = number[-1:] if number[-1:] in units else ""
    try:
        return int(float(number.removesuffix(unit)) * units[unit])
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 512K, 10M)") from None


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "import",
        help="upload files and folders to the pipeline",
        description="Uploads files and folders to incoming/, optionally follows them until each "
        "is indexed or rejected, and reports what became of every file. Files already "
        "uploaded with the same content under the same key are skipped, so an interrupted "
        "import (Ctrl-C) is finished by running it again.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    parser.add_argument(
        "--prefix", default="", help="folder under incoming/ for the keys (default: none)"
    )
    parser.add_argument(
        "--wait", action="store_true", help="follow every file until it is indexed or rejected"
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="with --wait: give up when no file settled for this long (default 300)",
    )
    parser.add_argument(
        "--concurrency", type=int, default=8, help="files uploaded at once (default 8)"
    )
    parser.add_argument(
        "--max-bandwidth",
        type=_size,
        metavar="RATE",
        help="upload at most this many bytes a second, e.g. 2M (default: no limit)",
    )
    parser.add_argument(
        "--manifest",
        type=Path,
        default=None,
        help=f"what was uploaded where (default {default_manifest_path()})",
    )
    parser.add_argument(
        "--recheck",
        action="store_true",
        help="ask the bucket about every file, even those the manifest knows",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, target: Target) -> int:
    # The uploader's libraries load only when there is something to upload (`--help` is quick).
    from newsbrief_cli.importing import run_import

    return run_import(args, target)
