"""`python -m local serve` as a user runs it: upload with plain boto3, read through the API."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

pytestmark = pytest.mark.e2e


def api(banner: dict[str, str], path: str) -> Any:
    with urllib.request.urlopen(banner["api_url"] + path, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def test_banner_names_the_endpoints(local_stack: dict[str, str]):
    assert set(local_stack) == {"s3_endpoint", "api_url", "bucket", "api_key"}
    assert local_stack["bucket"].startswith("newsbrief-articles-")


def test_an_s3_upload_is_visible_through_the_api(local_stack: dict[str, str]):
    s3 = boto3.client(
        "s3",
        endpoint_url=local_stack["s3_endpoint"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    key = "incoming/seed story.txt"
    s3.put_object(
        Bucket=local_stack["bucket"], Key=key, Body=(FIXTURES / "seed-article.txt").read_bytes()
    )
    deadline = time.monotonic() + 60
    items: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        items = api(local_stack, "/articles?" + urllib.parse.urlencode({"key": key}))["items"]
        if items and items[0]["status"] == "indexed":
            break
        time.sleep(0.5)
    assert items and items[0]["status"] == "indexed", items
    article = api(local_stack, f"/articles/{items[0]['id']}")
    assert (
        article["title"] == "Russia and Uzbekistan discuss steps to strengthen regional stability"
    )
    results = api(local_stack, "/search?q=Uzbekistan%20Afghanistan")
    assert results["items"][0]["id"] == article["id"]

    request = urllib.request.Request(  # noqa: S310
        local_stack["api_url"] + "/articles?filename=note.md",
        data=b"# Harbour ferry returns\n\nThe ferry resumed service on Monday after repairs.",
        headers={"Content-Type": "text/markdown", "x-api-key": local_stack["api_key"]},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 202
        assert json.loads(response.read())["status"] == "queued"


def test_presigned_upload_goes_straight_to_the_bucket(local_stack: dict[str, str]):
    import requests

    response = requests.post(
        local_stack["api_url"] + "/uploads",
        params={"filename": "presigned story.txt", "content_type": "text/plain"},
        headers={"x-api-key": local_stack["api_key"]},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    grant = response.json()
    assert grant["key"] == "incoming/presigned story.txt"
    assert grant["max_bytes"] == 10 * 1024 * 1024
    upload = requests.post(
        grant["url"],
        data=grant["fields"],
        files={"file": ("story.txt", (FIXTURES / "seed-article.txt").read_bytes())},
        timeout=30,
    )
    assert upload.status_code in (200, 204), upload.text
    deadline = time.monotonic() + 60
    article: dict[str, Any] = {}
    while time.monotonic() < deadline:
        article = api(local_stack, f"/articles/{grant['id']}")
        if article["status"] == "indexed":
            break
        time.sleep(0.5)
    assert article["status"] == "indexed", article

    unauthorised = requests.post(local_stack["api_url"] + "/uploads", timeout=30)
    assert unauthorised.status_code == 403
