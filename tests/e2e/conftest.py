"""The local stack as a user starts it: `python -m local serve` in a subprocess."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from local.launch import served_stack

# Two origins, as `AllowedOrigins` takes them: CORS must answer the second as well as the first.
ALLOWED_ORIGINS = ("http://localhost:3000", "https://newsroom.example")


@pytest.fixture(scope="session")
def banner_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the stack writes its banner for `newsbrief --local`."""
    return tmp_path_factory.mktemp("banner") / "banner.json"


@pytest.fixture(scope="session")
def local_stack(
    tmp_path_factory: pytest.TempPathFactory, banner_file: Path
) -> Iterator[dict[str, str]]:
    env = {
        "NEWSBRIEF_BANNER_FILE": str(banner_file),
        "NEWSBRIEF_ALLOWED_ORIGINS": ",".join(ALLOWED_ORIGINS),
    }
    with served_stack(tmp_path_factory.mktemp("local-stack"), env) as stack:
        yield stack.banner
