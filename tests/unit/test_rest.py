"""The API's HTTP plumbing, on a resolver of its own: the error map, parameter types, bodies."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from botocore.exceptions import ClientError, EndpointConnectionError
from pydantic import BaseModel

from local.functions import LambdaContext
from local.template import StackSpec
from newsbrief import indexing, rest, runtime
from newsbrief.responses import ErrorResponse
from newsbrief.rest import ArticleId, Limit
from newsbrief.service import ServiceError
from newsbrief.storage import articles

ARTICLE = "0123456789abcdef0123"


class Echo(BaseModel):
    body: str
    content_type: str | None


def aws_error(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "GetItem",
    )


RAISED: dict[str, Exception] = {
    "service": ServiceError(409, "not_indexed", "the article is queued"),
    "cursor": articles.InvalidCursorError("bad"),
    "search-cursor": indexing.InvalidCursorError("bad"),
    "throttled": aws_error("ProvisionedThroughputExceededException", 400),
    "aws-5xx": aws_error("InternalServerError", 500),
    "connection": EndpointConnectionError(endpoint_url="https://dynamodb.example"),
    "denied": aws_error("AccessDeniedException", 400),
    "bug": KeyError("status"),
}


@pytest.fixture
def api(stack_spec: tuple[StackSpec, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in stack_spec[0].environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "https://news.example")
    runtime.reset()
    app = rest.resolver(Logger(service="rest-test"))

    @app.get("/articles/<article_id>", responses=rest.documented(Echo, 404))
    def article(article_id: ArticleId, limit: Limit = 20) -> dict[str, Any]:
        return {"id": article_id, "limit": limit}

    @app.get("/raise/<name>")
    def fail(name: str) -> None:
        raise RAISED[name]

    @app.get("/date/<day>")
    def date(day: str) -> None:
        # A value the route's type lets through but a model refuses.
        indexing.SearchRequest(q="x", since=day)

    @app.post("/echo")
    def echo() -> Any:
        body = Echo(body=rest.request_body(app).decode(), content_type=rest.content_type(app))
        return rest.json_response(202, body)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi() -> Any:
        return rest.openapi_document(app)

    def call(
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        encode: bool = False,
    ) -> tuple[int, dict[str, str], Any]:
        event = {
            "httpMethod": method,
            "path": path,
            "resource": path,
            "headers": {"Origin": "https://news.example", **(headers or {})},
            "multiValueHeaders": {},
            "queryStringParameters": query,
            "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()},
            "pathParameters": None,
            "requestContext": {"stage": "v1", "requestId": "request-1"},
            "body": base64.b64encode(body).decode() if encode else body.decode(),
            "isBase64Encoded": encode,
        }
        context: Any = LambdaContext("ApiFunction", 512, 29)
        response = app.resolve(event, context)
        headers = {name: values[-1] for name, values in response["multiValueHeaders"].items()}
        return response["statusCode"], headers, json.loads(response["body"])

    yield call
    runtime.reset()


def error_of(body: Any) -> tuple[str, str]:
    error = ErrorResponse.model_validate(body).error
    return error.code, error.message


def test_a_valid_request_reaches_its_route_with_cors_headers(api: Any) -> None:
    status, headers, body = api("GET", f"/articles/{ARTICLE}", query={"limit": "3"})
    assert (status, body) == (200, {"id": ARTICLE, "limit": 3})
    assert headers["Access-Control-Allow-Origin"] == "https://news.example"


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/articles/not-an-id", None, "path.article_id"),
        (f"/articles/{ARTICLE}", {"limit": "101"}, "query.limit"),
        (f"/articles/{ARTICLE}", {"limit": "ten"}, "query.limit"),
    ],
)
def test_a_parameter_outside_its_type_is_an_invalid_request(
    api: Any, path: str, query: dict[str, str] | None, field: str
) -> None:
    status, _, body = api("GET", path, query=query)
    code, message = error_of(body)
    assert (status, code) == (400, "invalid_request")
    assert message.startswith(f"{field}: "), message


def test_a_value_the_domain_refuses_is_an_invalid_request(api: Any) -> None:
    status, _, body = api("GET", "/date/2026-02-30")
    code, message = error_of(body)
    assert (status, code) == (400, "invalid_request")
    assert "since" in message


@pytest.mark.parametrize(
    ("raised", "status", "code"),
    [
        ("service", 409, "not_indexed"),
        ("cursor", 400, "invalid_cursor"),
        ("search-cursor", 400, "invalid_cursor"),
        ("denied", 500, "internal_error"),
        ("bug", 500, "internal_error"),
    ],
)
def test_errors_map_to_their_status_and_code(api: Any, raised: str, status: int, code: str) -> None:
    answered, headers, body = api("GET", f"/raise/{raised}")
    assert (answered, error_of(body)[0]) == (status, code)
    assert "Retry-After" not in headers


def test_a_service_error_keeps_its_message(api: Any) -> None:
    assert error_of(api("GET", "/raise/service")[2])[1] == "the article is queued"


@pytest.mark.parametrize("raised", ["throttled", "aws-5xx", "connection"])
def test_a_transient_aws_error_is_busy_with_retry_after(api: Any, raised: str) -> None:
    status, headers, body = api("GET", f"/raise/{raised}")
    assert (status, error_of(body)[0]) == (503, "unavailable")
    assert headers["Retry-After"] == rest.RETRY_AFTER_SECONDS


def test_an_unknown_route_is_not_found(api: Any) -> None:
    status, _, body = api("GET", "/nowhere")
    assert (status, error_of(body)[0]) == (404, "not_found")


@pytest.mark.parametrize("encode", [False, True])
@pytest.mark.parametrize("header", ["content-type", "Content-Type"])
def test_the_body_and_content_type_are_read_as_sent(api: Any, encode: bool, header: str) -> None:
    status, _, body = api("POST", "/echo", "é tram".encode(), {header: "text/plain"}, None, encode)
    assert (status, body) == (202, {"body": "é tram", "content_type": "text/plain"})


def test_a_route_documents_its_result_and_error_cases(api: Any) -> None:
    _, _, document = api("GET", "/openapi.json")
    assert (document["info"]["title"], document["info"]["version"]) == (rest.TITLE, rest.VERSION)
    responses = document["paths"]["/articles/{article_id}"]["get"]["responses"]
    for code in (400, 404, 429, 500, 503):
        assert responses[str(code)]["description"] == rest.ERROR_DESCRIPTIONS[code]
    error_schema = responses["404"]["content"]["application/json"]["schema"]
    assert error_schema["$ref"].endswith("/ErrorResponse")
    assert responses["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Echo")


def test_a_route_without_a_body_documents_none() -> None:
    responses = rest.documented(None, 403, status=204, description="Deleted")
    assert responses[204] == {"description": "Deleted"}
    assert sorted(responses) == [204, 400, 403, 429, 500, 503]


def test_no_cors_origins_means_no_cors_headers(
    stack_spec: tuple[StackSpec, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in stack_spec[0].environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "")
    runtime.reset()
    try:
        app: APIGatewayRestResolver = rest.resolver(Logger(service="rest-test"))
    finally:
        runtime.reset()
    assert app._cors is None
