"""`python -m local serve` as a user runs it: upload with plain boto3, read through the API."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from local.launch import stack_client

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# One worker runs the CLI and local-stack files: their tests share one stack (session fixture).
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("local-stack")]


def api(banner: dict[str, str], path: str) -> Any:
    with urllib.request.urlopen(banner["api_url"] + path, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def test_banner_names_the_endpoints(local_stack: dict[str, str]):
    assert set(local_stack) == {"s3_endpoint", "api_url", "bucket", "event_bus", "api_key"}
    assert local_stack["bucket"].startswith("newsbrief-articles-")


def test_an_s3_upload_is_visible_through_the_api(local_stack: dict[str, str]):
    s3 = stack_client(local_stack, "s3")
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


def preflight(url: str, origin: str, method: str = "POST") -> Any:
    import requests

    return requests.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type,x-api-key",
        },
        timeout=30,
    )


@pytest.mark.parametrize("origin", ["http://localhost:3000", "https://newsroom.example"])
@pytest.mark.parametrize("path", ["/articles", "/articles/some-id/related", "/uploads"])
def test_the_api_answers_preflights_from_every_allowed_origin(
    local_stack: dict[str, str], origin: str, path: str
):
    response = preflight(local_stack["api_url"] + path, origin)
    assert response.status_code in (200, 204), response.text
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed_headers = response.headers["Access-Control-Allow-Headers"].lower()
    assert {"content-type", "x-api-key"} <= {h.strip() for h in allowed_headers.split(",")}


def test_the_api_allows_no_other_origin(local_stack: dict[str, str]):
    import requests

    response = preflight(local_stack["api_url"] + "/articles", "https://elsewhere.example")
    assert "Access-Control-Allow-Origin" not in response.headers
    listing = requests.get(
        local_stack["api_url"] + "/articles",
        headers={"Origin": "https://elsewhere.example"},
        timeout=30,
    )
    assert listing.status_code == 200
    assert "Access-Control-Allow-Origin" not in listing.headers


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("POST", "/articles?filename=a.txt", 403, "forbidden"),
        ("GET", "/no/such/route", 404, "not_found"),
    ],
)
def test_errors_the_gateway_answers_itself_are_readable_cross_origin(
    local_stack: dict[str, str], method: str, path: str, status: int, code: str
):
    import requests

    response = requests.request(
        method,
        local_stack["api_url"] + path,
        headers={"Origin": "https://newsroom.example"},
        data=b"text",
        timeout=30,
    )
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_bucket_accepts_upload_forms_from_allowed_origins_only(local_stack: dict[str, str]):
    bucket_url = f"{local_stack['s3_endpoint']}/{local_stack['bucket']}"
    allowed = preflight(bucket_url, "https://newsroom.example")
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://newsroom.example"
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    refused = preflight(bucket_url, "https://elsewhere.example")
    assert refused.status_code == 403
