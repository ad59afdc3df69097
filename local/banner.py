"""The running local stack's banner file: what `newsbrief --local` reads to find the stack."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from local.stack import ROOT, LocalStack
from local.template import REGION

BANNER_FILE_VARIABLE = "NEWSBRIEF_BANNER_FILE"
DEFAULT_BANNER_FILE = ROOT / ".local-stack" / "banner.json"


def banner_file() -> Path:
    return Path(os.environ.get(BANNER_FILE_VARIABLE) or DEFAULT_BANNER_FILE)


def stack_outputs(stack: LocalStack) -> dict[str, str]:
    """The outputs the deployed stack would have, named as in the template's Outputs."""
    outputs = {
        "ApiUrl": stack.api_url,
        "ArticlesBucketName": stack.bucket,
        "NewsroomEventBusName": stack.event_bus,
    }
    outputs.update({f"{logical_id}Url": url for logical_id, url in stack.queue_urls.items()})
    outputs.update({f"{table.logical_id}Name": table.name for table in stack.spec.tables.values()})
    return outputs


def write_banner(stack: LocalStack) -> Path:
    """Writes the banner; ``instance`` differs on every start, since moto keeps nothing."""
    document: dict[str, Any] = {
        **stack.banner(),
        "region": REGION,
        "pid": os.getpid(),
        "instance": secrets.token_hex(8),
        "outputs": stack_outputs(stack),
    }
    path = banner_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(document, indent=2))
    temporary.replace(path)
    return path


def remove_banner(path: Path) -> None:
    path.unlink(missing_ok=True)
