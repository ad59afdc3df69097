"""Reader pages in a real browser: Debian's Chromium driven through Playwright, against the
local stack started as a user starts it (`python -m local serve` in a subprocess).

No browser is ever downloaded: Playwright launches /usr/bin/chromium. Without it the tests are
skipped on a developer's machine and fail in CI (CI=true), where `.ci/run` installs it.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from local.launch import served_stack, stack_client

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "articles"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SAMPLES = [
    "seed-article.txt",
    "prirechensk-half-marathon-ru.txt",
    "prirechensk-climbing-wall-ru.json",
    "harbour-gazette-council-budget.html",
    "harbour-gazette-mariners-title.html",
    "wren-1-satellite-first-images.json",
    "storm-hilde-untitled.json",
    "factory-orders-third-month.txt",
    "northfield-night-trams.md",
]
CONTENT_TYPES = {".txt": "text/plain", ".md": "text/markdown", ".json": "application/json"}
# Article text and metadata carrying markup: each piece must reach the page as text.
HOSTILE_STORY = {
    "title": "<script>window.__pwned='title'</script> Harbour "
    "<img src=x onerror=\"window.__pwned='img'\"> reopens",
    "author": "<b onmouseover=\"window.__pwned='author'\">Staff</b>",
    "published": "2026-06-01T08:00:00Z",
    "url": "https://news.example/harbour-reopens",
    "body": "The harbour reopened on Monday after repairs <script>window.__pwned='body'</script> "
    "that took three months and cost the city four million.\n\n"
    "Residents can read more <a href=\"javascript:window.__pwned='link'\">here</a> or "
    "<img src=x onerror=\"window.__pwned='body-img'\"> on the city's site, officials said.\n\n"
    "The ferry to the islands runs again from Tuesday, with six sailings a day.",
}


def browser_required() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str) -> None:
    if browser_required():
        pytest.fail(f"the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Newsroom:
    """A newsroom's own site on another origin, serving pages that embed the widget."""

    origin: str
    pages: dict[str, str]


def serve_newsroom(port: int) -> tuple[Newsroom, ThreadingHTTPServer]:
    newsroom = Newsroom(f"http://127.0.0.1:{port}", {})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = newsroom.pages.get(self.path.split("?", 1)[0])
            data = (body or "not found").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return newsroom, server


@dataclass
class ReaderStack:
    api_url: str
    ids: dict[str, str]
    newsroom: Newsroom
    other_site: Newsroom

    def api(self, path: str, **params: Any) -> Any:
        query = urllib.parse.urlencode(params)
        url = self.api_url + path + (f"?{query}" if query else "")
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - localhost
            return json.loads(response.read())


# Module scope: the stack and the browser stop as soon as the browser tests are done.
@pytest.fixture(scope="module")
def reader_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReaderStack]:
    newsroom_port, other_port = free_port(), free_port()
    newsroom, newsroom_server = serve_newsroom(newsroom_port)
    other_site, other_server = serve_newsroom(other_port)
    # Only the newsroom's origin may call the API from its pages; the other site may not.
    env = {"NEWSBRIEF_ALLOWED_ORIGINS": newsroom.origin}
    try:
        with served_stack(tmp_path_factory.mktemp("reader-stack"), env) as served:
            stack = ReaderStack(served.banner["api_url"], {}, newsroom, other_site)
            stack.ids = upload_and_wait(stack, served.banner)
            yield stack
    finally:
        newsroom_server.shutdown()
        other_server.shutdown()


def upload_and_wait(stack: ReaderStack, banner: dict[str, str]) -> dict[str, str]:
    s3 = stack_client(banner, "s3")
    uploads = {name: (EXAMPLES / name).read_bytes() for name in SAMPLES}
    uploads["hostile.json"] = json.dumps(HOSTILE_STORY).encode()
    for name, body in uploads.items():
        content_type = CONTENT_TYPES.get(Path(name).suffix, "text/html")
        s3.put_object(
            Bucket=banner["bucket"], Key=f"incoming/{name}", Body=body, ContentType=content_type
        )
    ids: dict[str, str] = {}
    deadline = time.monotonic() + 180
    while len(ids) < len(uploads) and time.monotonic() < deadline:
        for name in uploads:
            items = stack.api("/articles", key=f"incoming/{name}")["items"]
            if items and items[0]["status"] == "indexed":
                ids[name] = items[0]["id"]
        time.sleep(0.5)
    assert len(ids) == len(uploads), f"not indexed in time: {set(uploads) - set(ids)}"
    return ids


def chromium_path() -> str:
    path = os.environ.get("NEWSBRIEF_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        unavailable(f"{path} is missing (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium_path()
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as exc:
        unavailable(f"Playwright is not installed ({exc})")
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        except Error as exc:
            unavailable(f"Chromium did not start: {exc}")
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def open_page(
    browser: Any, screenshots: Path, name: str, javascript: bool = True, locale: str = "en-US"
) -> Any:
    """A tab in a fresh context; ``locale`` is the browser's language (its Accept-Language)."""
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1000, "height": 900}, locale=locale
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.screenshot_name = screenshots / f"{name}.png"
    return page


@pytest.fixture
def page(
    browser: Any, screenshots: Path, request: pytest.FixtureRequest, reader_stack: ReaderStack
) -> Iterator[Any]:
    """A fresh browser tab; its last view is saved as a screenshot for a person to look at."""
    opened = open_page(browser, screenshots, request.node.name)
    yield opened
    opened.screenshot(path=str(opened.screenshot_name), full_page=True)
    opened.context.close()
