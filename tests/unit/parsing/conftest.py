from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture
def seed_bytes() -> bytes:
    return (FIXTURES / "seed-article.txt").read_bytes()


@pytest.fixture
def news_page() -> bytes:
    return (FIXTURES / "parsing" / "news-page.html").read_bytes()
