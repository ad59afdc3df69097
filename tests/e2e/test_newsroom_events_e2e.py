"""A newsroom's CMS subscribed to the local stack's bus, named in its banner, with a rule and a
queue of its own: an article's life from upload to deletion, and a rejected upload."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from local.launch import stack_client
from local.subscriptions import Subscription, subscribe
from newsbrief.events import article_id_for

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("local-stack")]

STORY = (
    "Harbour ferry adds dawn crossings\n\n"
    "The harbour ferry will add two crossings before seven in the morning from June, the "
    "operator said on Tuesday. Shift workers at the port had asked for earlier boats for years. "
    "The first boat will now leave at half past five, and a second at a quarter past six.\n"
)


@pytest.fixture(scope="module")
def cms(local_stack: dict[str, str]) -> Iterator[Subscription]:
    yield subscribe(
        stack_client(local_stack, "events"),
        stack_client(local_stack, "sqs"),
        local_stack["event_bus"],
        "cms-e2e",
    )


def events_of(
    cms: Subscription, article_id: str, wanted: set[str], timeout: float = 90
) -> list[dict[str, Any]]:
    """The article's events, waiting until each of ``wanted`` detail types has come."""
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found += [
            e for e in cms.received(wait_seconds=1) if e["detail"]["article_id"] == article_id
        ]
        if wanted <= {event["detail-type"] for event in found}:
            return found
    raise AssertionError(f"{wanted} not all received for {article_id}: {found}")


def api(banner: dict[str, str], url: str, method: str = "GET") -> tuple[int, Any]:
    headers = {"x-api-key": banner["api_key"]}
    request = urllib.request.Request(url, method=method, headers=headers)  # noqa: S310 - local
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local stack
        body = response.read()
        return response.status, json.loads(body) if body else None


def test_an_articles_life_reaches_a_cms_subscribed_to_the_banners_bus(
    local_stack: dict[str, str], cms: Subscription
) -> None:
    key = "incoming/e2e-events-ferry.txt"
    stack_client(local_stack, "s3").put_object(
        Bucket=local_stack["bucket"], Key=key, Body=STORY.encode(), ContentType="text/plain"
    )
    article_id = article_id_for(key)

    indexed = events_of(cms, article_id, {"Summary Ready", "Article Indexed"})
    detail = indexed[-1]["detail"]
    assert (detail["source_key"], detail["title"]) == (key, "Harbour ferry adds dawn crossings")
    # The link goes to the stack's own API.
    assert detail["resource_url"] == f"{local_stack['api_url']}/articles/{article_id}"
    status, article = api(local_stack, detail["resource_url"])
    assert (status, article["status"]) == (200, "indexed")

    status, _ = api(local_stack, detail["resource_url"], method="DELETE")
    assert status == 204
    [deleted] = [
        e
        for e in events_of(cms, article_id, {"Article Deleted"})
        if e["detail-type"] == "Article Deleted"
    ]
    assert deleted["detail"]["title"] == "Harbour ferry adds dawn crossings"


def test_a_rejected_upload_reaches_the_cms_with_its_reason(
    local_stack: dict[str, str], cms: Subscription
) -> None:
    key = "incoming/e2e-events-empty.txt"
    stack_client(local_stack, "s3").put_object(
        Bucket=local_stack["bucket"], Key=key, Body=b"", ContentType="text/plain"
    )
    [rejected] = events_of(cms, article_id_for(key), {"Article Rejected"})
    assert rejected["detail"]["reason_code"] == "empty"
    assert rejected["detail"]["source_key"] == key
