"""Writes the JSON Schema of each event's detail under docs/events/, from the models in
newsbrief.announcements.details; ``--check`` only says whether the files are current.

    .venv/bin/python scripts/event_schemas.py [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "layers" / "newsbrief" / "python"))

from newsbrief.announcements.details import (  # noqa: E402
    DetailType,
    detail_schema,
    schema_file_name,
)

SCHEMAS = ROOT / "docs" / "events"


def schema_text(detail_type: DetailType) -> str:
    return json.dumps(detail_schema(detail_type), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    args = parser.parse_args()
    stale = []
    for detail_type in DetailType:
        path = SCHEMAS / schema_file_name(detail_type)
        text = schema_text(detail_type)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path.relative_to(ROOT))
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{'stale' if args.check else 'wrote'}: {path}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
