"""The REST API's HTTP plumbing on Powertools' resolver: the parameter types routes declare, the
map from errors to JSON error bodies, each route's documented responses, and the request and
response helpers. The API function keeps only its routes."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import (
    APIGatewayRestResolver,
    CORSConfig,
    Response,
    content_types,
)
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
    OpenAPIRequestValidationMiddleware,
)
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.types import EventHandlerInstance
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ValidationError

from newsbrief import aws_errors
from newsbrief.indexing import InvalidCursorError as InvalidSearchCursorError
from newsbrief.models import SummaryLength
from newsbrief.responses import ErrorResponse
from newsbrief.service import ServiceError
from newsbrief.settings import get_settings
from newsbrief.storage.articles import InvalidCursorError

TITLE = "Newsbrief API"
VERSION = "1.0.0"
# Seconds a client should wait after a 503 (AWS throttled or failed a call the API made).
RETRY_AFTER_SECONDS = "2"
ARTICLE_ID = r"^[0-9a-f]{20}(-[0-9]{1,4})?$"

ArticleId = Annotated[str, Path(pattern=ARTICLE_ID, description="Article id")]
Limit = Annotated[int, Query(ge=1, le=100, description="Page size")]
Cursor = Annotated[str | None, Query(max_length=2048, description="Cursor from a previous page")]
Language = Annotated[str | None, Query(pattern=r"^[a-z]{2}$")]
Sentences = Annotated[int | None, Query(ge=1, le=10, description="Summary length in sentences")]
Length = Annotated[SummaryLength | None, Query(description="Summary length")]
FileName = Annotated[str | None, Query(max_length=255, description="Object name under incoming/")]
IsoDate = Annotated[
    str | None,
    Query(pattern=r"^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$", max_length=40),
]

ERROR_DESCRIPTIONS = {
    400: "Invalid parameters or body",
    403: "Missing or invalid API key",
    404: "No such article",
    409: "The article is not that far through the pipeline yet",
    413: "Body larger than the limit",
    415: "Unsupported Content-Type",
    422: "The file cannot become an article",
    429: "Rate limit exceeded",
    500: "Internal error",
    503: "A backing service is busy; retry",
}
# What any route can answer: bad parameters, the gateway's rate limit, faults and busy backends.
EVERY_ROUTE_ERRORS = (400, 429, 500, 503)


def documented(
    model: Any, *errors: int, status: int = 200, description: str = "OK"
) -> dict[int, Any]:
    """The route's responses for the OpenAPI document: its result and its error cases."""
    responses: dict[int, Any] = {
        code: {
            "description": ERROR_DESCRIPTIONS[code],
            "content": {"application/json": {"model": ErrorResponse}},
        }
        for code in (*EVERY_ROUTE_ERRORS, *errors)
    }
    content = {"application/json": {"model": model}} if model is not None else None
    responses[status] = {"description": description, **({"content": content} if content else {})}
    return responses


def request_body(app: APIGatewayRestResolver) -> bytes:
    event = app.current_event
    body = event.body or ""
    if event.is_base64_encoded:
        return base64.b64decode(body)
    return body.encode("utf-8")


def content_type(app: APIGatewayRestResolver) -> str | None:
    # Powertools' event headers are case-insensitive.
    return app.current_event.headers.get("content-type")


def api_url(app: APIGatewayRestResolver) -> str:
    """The API's base URL as this request reached it, for the links in the events it puts
    (API Gateway sets X-Forwarded-Proto; the stage is in the path on the execute-api host)."""
    event = app.current_event
    headers = event.headers
    host = headers.get("host") or ""
    scheme = headers.get("x-forwarded-proto") or "http"
    stage = event.request_context.stage
    base = f"/{stage}" if stage and host.lower().endswith(".amazonaws.com") else ""
    return f"{scheme}://{host}{base}"


def json_response(status: int, model: BaseModel) -> Response[dict[str, Any]]:
    """A model answered with a status other than the route's 200."""
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=model.model_dump(mode="json"),
    )


def openapi_document(app: APIGatewayRestResolver) -> Response[str]:
    return Response(
        status_code=HTTPStatus.OK,
        content_type=content_types.APPLICATION_JSON,
        body=app.get_openapi_json_schema(title=TITLE, version=VERSION),
    )


def error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response[Any]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body={"error": {"code": code, "message": message}},
        headers=headers,
    )


def invalid_request(problems: Sequence[Any]) -> Response[Any]:
    message = "; ".join(
        f"{'.'.join(str(part) for part in problem.get('loc', ()))}: {problem.get('msg')}"
        for problem in problems
    )
    return error(HTTPStatus.BAD_REQUEST, "invalid_request", message[:500])


def aws_error(exc: Exception, logger: Logger) -> Response[Any]:
    code = aws_errors.error_code(exc)
    if aws_errors.is_transient(exc):
        logger.warning("an AWS call failed transiently", extra={"aws_error_code": code})
        return error(
            HTTPStatus.SERVICE_UNAVAILABLE,
            "unavailable",
            "the service is busy; try again shortly",
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )
    # Access denied, a missing table or bucket, a bad parameter: a fault of the deployment that
    # a retry cannot fix, so it is an internal error and logged with the AWS code.
    logger.exception("an AWS call failed", extra={"aws_error_code": code})
    return error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "internal server error")


class JsonBodyValidation(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, with the bodies of the routes that take a model read as
    JSON in UTF-8 only: it would parse forms and multipart too, and a multipart type without a
    boundary or a body that is not UTF-8 escapes it as a bare ValueError (a 500)."""

    def _get_body(self, app: EventHandlerInstance) -> dict[str, Any]:
        headers = app.current_event.headers
        kind = (headers.get("content-type") or "").split(";", 1)[0].strip().lower()
        if kind and kind != content_types.APPLICATION_JSON:
            raise RequestUnsupportedContentType(f"unsupported content type {kind}", errors=[])
        try:
            body: dict[str, Any] = super()._get_body(app)
        except UnicodeDecodeError as undecodable:
            problem = {"type": "json_invalid", "loc": ("body",), "msg": "not UTF-8 text"}
            raise RequestValidationError([problem]) from undecodable
        return body


def _cors() -> CORSConfig | None:
    origins = get_settings().cors_allowed_origins
    if not origins:
        return None
    return CORSConfig(allow_origin=origins[0], extra_origins=list(origins[1:]), max_age=300)


def resolver(logger: Logger) -> APIGatewayRestResolver:
    """The API's resolver: validated parameters, CORS from settings, Swagger UI, and every error
    answered as an ``ErrorResponse`` body."""
    app = APIGatewayRestResolver(enable_validation=True, cors=_cors())
    app._request_validation_middleware = JsonBodyValidation()
    app.enable_swagger(path="/swagger", title=TITLE, version=VERSION)

    @app.exception_handler(ServiceError)
    def handle_service_error(exc: ServiceError) -> Response[Any]:
        return error(exc.status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    def handle_validation_error(exc: RequestValidationError) -> Response[Any]:
        return invalid_request(exc.errors())

    @app.exception_handler(RequestUnsupportedContentType)
    def handle_unsupported_body(exc: RequestUnsupportedContentType) -> Response[Any]:
        return error(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "the body must be JSON (Content-Type: application/json)",
        )

    @app.exception_handler(ValidationError)
    def handle_model_error(exc: ValidationError) -> Response[Any]:
        # Values the route's types let through but the domain's models refuse (say, 2026-02-30).
        return invalid_request(exc.errors())

    @app.exception_handler([InvalidCursorError, InvalidSearchCursorError])
    def handle_bad_cursor(exc: ValueError) -> Response[Any]:
        return error(
            HTTPStatus.BAD_REQUEST, "invalid_cursor", "the cursor is not one this API issued"
        )

    @app.exception_handler([ClientError, BotoCoreError])
    def handle_aws_error(exc: Exception) -> Response[Any]:
        return aws_error(exc, logger)

    @app.exception_handler(Exception)
    def handle_unexpected_error(exc: Exception) -> Response[Any]:
        logger.exception("unhandled error")
        return error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "internal server error")

    @app.not_found
    def handle_not_found(exc: Exception) -> Response[Any]:
        return error(HTTPStatus.NOT_FOUND, "not_found", "no such route")

    return app
