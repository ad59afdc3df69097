"""A stack started with SummaryReview=required, as readers see it in Chromium: the article page
and the newsroom's widget say "Summary pending review" until an editor approves the machine
summary, then show it labelled as generated; an editor's own summary is labelled as the
newsroom's."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import Newsroom, free_port, open_page, serve_newsroom
from playwright.sync_api import expect

from local.launch import served_stack

# The browser group's worker runs this file after the other: one stack at a time.
pytestmark = pytest.mark.xdist_group("browser")

ARTICLE_URL = "https://www.harbourgazette.example/news/2026/06/ferry-crossings"
STORY = {
    "title": "Harbour ferry adds crossings",
    "language": "en",
    "url": ARTICLE_URL,
    "published": "2026-06-01T08:00:00Z",
    "body": "The ferry operator will add four crossings a day from June, the company said on "
    "Monday.\n\nCommuters had asked for earlier morning boats for years, and the harbour board "
    "agreed to longer opening hours at the terminal.\n\nThe new timetable also adds a late "
    "service on Fridays and Saturdays, when the last boat now leaves at ten.",
}
BULLETS = ["Four more ferry crossings a day from June.", "A late boat on Fridays and Saturdays."]


@dataclass
class ReviewStack:
    banner: dict[str, Any]
    article_id: str
    newsroom: Newsroom

    def call(self, method: str, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(  # noqa: S310 - localhost
            self.banner["api_url"] + path,
            data=None if body is None else json.dumps(body).encode(),
            headers={"x-api-key": self.banner["api_key"], "Content-Type": "application/json"},
            method=method,
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read())


@pytest.fixture(scope="module")
def review_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReviewStack]:
    newsroom, server = serve_newsroom(free_port())
    env = {"NEWSBRIEF_SUMMARY_REVIEW": "required", "NEWSBRIEF_ALLOWED_ORIGINS": newsroom.origin}
    try:
        with served_stack(tmp_path_factory.mktemp("review-stack"), env) as served:
            stack = ReviewStack(served.banner, "", newsroom)
            submitted = stack.call("POST", "/articles?filename=ferry.json", STORY)
            stack.article_id = submitted["id"]
            deadline = time.monotonic() + 120
            while stack.call("GET", f"/articles/{stack.article_id}")["status"] != "indexed":
                assert time.monotonic() < deadline, "not indexed in time"
                time.sleep(0.5)
            yield stack
    finally:
        server.shutdown()


def widget_page(stack: ReviewStack) -> str:
    stack.newsroom.pages["/ferry.html"] = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The Harbour Gazette</title></head>
<body><h1>Harbour ferry adds crossings</h1><div id="newsbrief"></div>
<script src="{stack.banner["api_url"]}/widget.js" data-article-url="{ARTICLE_URL}"
        data-target="newsbrief" defer></script></body></html>"""
    return stack.newsroom.origin + "/ferry.html"


def shown_sentences(page: Any, selector: str) -> list[str]:
    return [text.strip() for text in page.locator(f"{selector} li").all_inner_texts()]


def test_pending_review_then_approved_then_the_newsrooms_own(
    browser: Any, screenshots: Path, review_stack: ReviewStack
) -> None:
    stack = review_stack
    article_page = f"{stack.banner['api_url']}/read/{stack.article_id}"
    page = open_page(browser, screenshots, "summary-review")
    try:
        page.goto(article_page)
        expect(page.locator(".summary-pending")).to_have_text("Summary pending review")
        assert page.get_by_role("button", name="No time to read? Get a summary").count() == 0
        page.goto(widget_page(stack))
        page.locator(".newsbrief-summary-button").click()
        page.locator(".newsbrief-summary[data-state=done]").wait_for()
        expect(page.locator(".newsbrief-summary-status")).to_have_text("Summary pending review")
        assert page.locator(".newsbrief-summary-sentences li").count() == 0

        approved = stack.call(
            "POST", f"/articles/{stack.article_id}/summary/approve", {"editor": "Ben Cole"}
        )
        assert approved["origin"] == "approved" and approved["summary"]

        page.goto(article_page)
        page.get_by_role("button", name="No time to read? Get a summary").click()
        page.locator(".summary[data-state=done]").wait_for()
        assert shown_sentences(page, ".summary-sentences") == approved["summary"]
        expect(page.locator(".summary-origin:visible")).to_have_text(
            "Automatically generated summary"
        )
        page.screenshot(path=str(screenshots / "summary-review-approved.png"), full_page=True)

        stack.call(
            "PUT",
            f"/articles/{stack.article_id}/summary",
            {"summary": BULLETS, "editor": "Ana Ortiz"},
        )
        page.goto(article_page)
        page.get_by_role("button", name="No time to read? Get a summary").click()
        page.locator(".summary[data-state=done]").wait_for()
        assert shown_sentences(page, ".summary-sentences") == BULLETS
        expect(page.locator(".summary-origin:visible")).to_have_text("Summary by the newsroom")
        page.goto(widget_page(stack))
        page.locator(".newsbrief-summary-button").click()
        page.locator(".newsbrief-summary[data-state=done]").wait_for()
        assert shown_sentences(page, ".newsbrief-summary-sentences") == BULLETS
        expect(page.locator(".newsbrief-summary-origin")).to_have_text("Summary by the newsroom")
    finally:
        page.screenshot(path=str(page.screenshot_name), full_page=True)
        page.context.close()
