"""Every API route through the API Gateway front, with its error codes."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from unittest.mock import Mock

import pytest
from botocore.exceptions import ClientError
from harness import API_KEY, Pipeline

from local.functions import Function
from newsbrief.settings import MAX_API_UPLOAD_BYTES
from newsbrief.storage.articles import ArticleRepository

HTML_STORY = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Tram line to the airport approved | Northfield Daily</title>
<meta property="og:title" content="Tram line to the airport approved">
<meta property="article:published_time" content="2026-02-11T09:30:00Z">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Tram line to the airport approved</h1>
<p>NORTHFIELD — The regional transport board on Tuesday approved a new tram line linking the
city centre with the airport, ending a decade of debate over the project.</p>
<p>The line will cost 410 million euros and is expected to carry 30,000 passengers a day when it
opens in 2030, according to the board's estimates.</p>
<p>"This is the most important transport decision of a generation," said board chair Marta
Lindqvist, adding that construction would begin next spring.</p>
<p>Opponents argued that the money would be better spent on buses, but the board voted nine to
two in favour after a five-hour session.</p></article>
<footer>© 2026 Northfield Daily. All rights reserved.</footer></body></html>"""


def submit(pipeline: Pipeline, body: bytes | str, content_type: str, name: str) -> dict:
    status, response = pipeline.api.request(
        "POST", f"/articles?filename={name}", body, content_type
    )
    assert status == 202, response
    return response


def test_submit_then_read_every_view(pipeline: Pipeline, seed_article: bytes):
    submitted = submit(pipeline, seed_article, "text/plain; charset=utf-8", "seed.txt")
    assert submitted["status"] == "queued"
    assert submitted["key"] == "incoming/seed.txt"
    assert pipeline.api.get(f"/articles/{submitted['id']}")["status"] == "queued"

    pipeline.drain()
    article = pipeline.api.get(f"/articles/{submitted['id']}")
    assert article["status"] == "indexed"

    summary = pipeline.api.get(f"/articles/{submitted['id']}/summary")
    assert summary["id"] == submitted["id"]
    assert summary["title"] == article["title"]
    assert summary["summary"] == article["summary"]
    assert summary["method"]
    two = pipeline.api.get(f"/articles/{submitted['id']}/summary?sentences=2")["summary"]
    assert len(two) == 2

    listing = pipeline.api.get("/articles")
    assert [item["id"] for item in listing["items"]] == [submitted["id"]]
    assert set(listing["items"][0]) == {
        *("id", "title", "published", "language", "status"),
        *("summary", "summary_origin", "summary_stale"),
    }
    assert listing["next_cursor"] is None

    results = pipeline.api.get("/search?q=Afghanistan%20security")
    assert results["query"] == "Afghanistan security"
    assert results["total"] == 1
    hit = results["items"][0]
    assert hit["id"] == submitted["id"]
    assert hit["score"] > 0
    assert hit["snippet"]


def test_listing_is_newest_first_and_pages_with_a_cursor(pipeline: Pipeline):
    for day in range(1, 8):
        story = {
            "title": f"Council meeting of March {day}",
            "published": f"2026-03-{day:02d}T10:00:00Z",
            "body": f"The city council met on March {day} to discuss the budget for parks, "
            "schools and roads. Members agreed to publish the minutes within a week. "
            "Residents asked questions about street lighting and bus routes.",
        }
        submit(pipeline, json.dumps(story), "application/json", f"council-{day}.json")
    pipeline.drain()

    seen = []
    cursor = None
    for _ in range(5):
        path = "/articles?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = pipeline.api.get(path)
        seen.extend(item["published"][:10] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"2026-03-{day:02d}" for day in range(7, 0, -1)]

    assert pipeline.api.get("/articles?language=en&limit=100")["items"]
    assert pipeline.api.get("/articles?language=ru")["items"] == []


def test_delete_needs_the_key_and_removes_the_article(pipeline: Pipeline):
    submitted = submit(pipeline, HTML_STORY, "text/html", "tram.html")
    pipeline.drain()
    status, body = pipeline.api.request("DELETE", f"/articles/{submitted['id']}", api_key=None)
    assert status == 403
    assert body["error"]["code"] == "forbidden"

    status, body = pipeline.api.request("DELETE", f"/articles/{submitted['id']}")
    assert status == 204
    assert body is None
    pipeline.drain()
    status, _ = pipeline.api.request("GET", f"/articles/{submitted['id']}")
    assert status == 404


@pytest.mark.parametrize(
    ("method", "path", "body", "content_type", "api_key", "status", "code"),
    [
        ("POST", "/articles", "text", "text/plain", None, 403, "forbidden"),
        ("POST", "/articles", "text", "text/plain", "wrong-key", 403, "forbidden"),
        ("POST", "/articles", "text", "image/png", "ok", 415, "unsupported_media_type"),
        ("POST", "/articles", "x" * (5 * 1024 * 1024 + 1), "text/plain", "ok", 413, None),
        ("POST", "/articles", "", "text/plain", "ok", 400, "empty_body"),
        ("GET", "/articles/0123456789abcdef0123", None, None, None, 404, "not_found"),
        ("GET", "/articles/not-an-id", None, None, None, 400, "invalid_request"),
        ("GET", "/articles?limit=101", None, None, None, 400, "invalid_request"),
        ("GET", "/articles?limit=0", None, None, None, 400, "invalid_request"),
        ("GET", "/articles?cursor=bm90LWEtY3Vyc29y", None, None, None, 400, "invalid_cursor"),
        ("GET", "/search", None, None, None, 400, "invalid_request"),
        ("GET", "/search?q=" + "a" * 501, None, None, None, 400, "invalid_request"),
        ("GET", "/search?q=x&cursor=garbage!!", None, None, None, 400, "invalid_cursor"),
        ("GET", "/search?q=x&since=0000-00-00", None, None, None, 400, "invalid_request"),
        ("GET", "/nowhere", None, None, None, 404, "not_found"),
        ("POST", "/parse", "\x00\x01\x02" * 500, "text/html", "ok", 422, "binary"),
    ],
)
def test_error_responses(
    pipeline: Pipeline, method, path, body, content_type, api_key, status, code
):
    key = "test-api-key" if api_key == "ok" else api_key
    got_status, response = pipeline.api.request(method, path, body, content_type, api_key=key)
    assert got_status == status, response
    assert set(response) == {"error"}
    assert set(response["error"]) == {"code", "message"}
    if code:
        assert response["error"]["code"] == code


def test_summary_length_is_validated(pipeline: Pipeline, seed_article: bytes):
    submitted = submit(pipeline, seed_article, "text/plain", "seed.txt")
    pipeline.drain()
    for query in ("sentences=0", "sentences=11", "length=huge"):
        status, body = pipeline.api.request("GET", f"/articles/{submitted['id']}/summary?{query}")
        assert status == 400, (query, body)
    assert (
        len(pipeline.api.get(f"/articles/{submitted['id']}/summary?length=short")["summary"]) >= 1
    )


def test_parse_and_summarize_store_nothing(pipeline: Pipeline):
    status, parsed = pipeline.api.request("POST", "/parse", HTML_STORY, "text/html")
    assert status == 200, parsed
    (article,) = parsed["articles"]
    assert article["title"] == "Tram line to the airport approved"
    assert article["paragraphs"][0].startswith("NORTHFIELD — The regional transport board")
    assert not any("All rights reserved" in p for p in article["paragraphs"])
    assert article["published"].startswith("2026-02-11")

    status, summary = pipeline.api.request(
        "POST", "/summarize?sentences=2", HTML_STORY, "text/html"
    )
    assert status == 200, summary
    assert summary["title"] == "Tram line to the airport approved"
    assert len(summary["summary"]) == 2
    assert summary["keywords"]

    status, _ = pipeline.api.request("POST", "/parse", HTML_STORY, "text/html", api_key=None)
    assert status == 403
    assert pipeline.s3.list_objects_v2(Bucket=pipeline.bucket).get("KeyCount", 0) == 0
    assert pipeline.api.get("/articles")["items"] == []


def test_openapi_document_and_swagger_ui(pipeline: Pipeline):
    document = pipeline.api.get("/openapi.json")
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path in ("/articles", "/articles/{article_id}", "/search", "/parse", "/summarize"):
        assert path in paths, sorted(paths)
    status, _, body = pipeline.api.gateway.handle("GET", "/swagger", {}, b"")
    assert status == 200
    assert b"swagger" in body.lower()


FOLLOW_UP_STORY = """Uzbekistan and Russia agree on security talks over Afghanistan

Diplomats from Uzbekistan and Russia met again in Tashkent to continue talks on regional security
and stability, with the situation in Afghanistan at the centre of the discussion.

The foreign ministries said cooperation on labor migration and high-level interstate engagements
would be reviewed at the next round, as both sides seek closer coordination within regional
groupings.
"""


def test_related_articles(pipeline: Pipeline, seed_article: bytes):
    first = submit(pipeline, seed_article, "text/plain", "seed.txt")
    follow_up = submit(pipeline, FOLLOW_UP_STORY, "text/plain", "follow-up.txt")
    tram = submit(pipeline, HTML_STORY, "text/html", "tram.html")
    pipeline.drain()
    related = pipeline.api.get(f"/articles/{first['id']}/related?limit=5")
    ids = [hit["id"] for hit in related]
    # The story on the same talks comes first; the unrelated tram story ranks below it.
    assert ids and ids[0] == follow_up["id"], related
    assert first["id"] not in ids
    assert tram["id"] not in ids or related[ids.index(tram["id"])]["score"] < related[0]["score"]


def test_related_on_an_article_not_yet_indexed_is_a_conflict(pipeline: Pipeline):
    queued = submit(pipeline, HTML_STORY, "text/html", "tram.html")
    status, response = pipeline.api.request("GET", f"/articles/{queued['id']}/related")
    assert status == 409, response
    assert response["error"]["code"] == "not_indexed"
    assert "queued" in response["error"]["message"]


def test_binary_bodies_up_to_the_limit_fit_lambdas_event(pipeline: Pipeline):
    pdf = b"%PDF-1.7\n" + b"\xff" * (MAX_API_UPLOAD_BYTES - 9)
    status, response = pipeline.api.request(
        "POST", "/articles?filename=big.pdf", pdf, "application/pdf"
    )
    assert status == 202, response

    status, response = pipeline.api.request(
        "POST", "/articles?filename=bigger.pdf", pdf + b"\xff", "application/pdf"
    )
    assert status == 413, response
    assert response["error"]["code"] == "payload_too_large"
    assert "POST /uploads" in response["error"]["message"]


def test_the_gateway_refuses_events_over_lambdas_limit_as_aws_does(
    pipeline: Pipeline, functions: dict[str, Function]
):
    # 4.6 MiB is under API Gateway's 10 MB but 6.13 MiB once base64-encoded into the event.
    api_function = functions["ApiFunction"]
    invocations = api_function.invocations
    status, _, body = pipeline.api.gateway.handle(
        "POST",
        "/articles?filename=huge.pdf",
        {"content-type": "application/pdf", "x-api-key": API_KEY},
        b"\xff" * int(4.6 * 1024 * 1024),
    )
    assert status == 500
    assert json.loads(body)["error"]["code"] == "internal_error"
    assert api_function.invocations == invocations


def aws_error(code: str, http_status: int) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": code},
            "ResponseMetadata": {"HTTPStatusCode": http_status},
        },
        "GetItem",
    )


@pytest.fixture
def api_log() -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("newsbrief")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


@pytest.mark.parametrize(
    ("code", "http_status"),
    [
        ("ProvisionedThroughputExceededException", 400),
        ("ThrottlingException", 400),
        ("InternalServerError", 500),
        ("ServiceUnavailable", 503),
    ],
)
def test_aws_throttling_and_5xx_answer_503_with_retry_after(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch, code: str, http_status: int
):
    monkeypatch.setattr(ArticleRepository, "get", Mock(side_effect=aws_error(code, http_status)))
    status, headers, body = pipeline.api.gateway.handle("GET", "/articles/" + "0" * 20, {}, b"")
    assert status == 503, body
    assert json.loads(body)["error"]["code"] == "unavailable"
    assert int(headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    "code", ["AccessDeniedException", "ResourceNotFoundException", "ValidationException"]
)
def test_aws_configuration_errors_answer_500_and_are_logged_with_their_code(
    pipeline: Pipeline,
    monkeypatch: pytest.MonkeyPatch,
    api_log: list[logging.LogRecord],
    code: str,
):
    monkeypatch.setattr(ArticleRepository, "get", Mock(side_effect=aws_error(code, 400)))
    status, headers, body = pipeline.api.gateway.handle("GET", "/articles/" + "0" * 20, {}, b"")
    assert status == 500, body
    assert json.loads(body)["error"]["code"] == "internal_error"
    assert "Retry-After" not in headers
    assert [record.aws_error_code for record in api_log if hasattr(record, "aws_error_code")] == [
        code
    ]


def test_a_missing_table_is_an_internal_error_not_load(pipeline: Pipeline):
    pipeline.dynamodb.delete_table(TableName=pipeline.spec.tables["ArticlesTable"].name)
    status, response = pipeline.api.request("GET", "/articles/" + "0" * 20)
    assert status == 500, response
    assert response["error"]["code"] == "internal_error"
