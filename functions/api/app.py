"""API function: the REST routes readers and editors use, with an OpenAPI description."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from http import HTTPStatus
from typing import Annotated, Any, Literal

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import (
    APIGatewayRestResolver,
    CORSConfig,
    Response,
    content_types,
)
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from newsbrief import aws_errors, runtime
from newsbrief.indexing import InvalidCursorError as InvalidSearchCursorError
from newsbrief.indexing import SearchPage, SearchRequest
from newsbrief.models import ErrorResponse, SearchHit
from newsbrief.service import (
    ArticleDetail,
    ArticleNeighbors,
    ArticlePage,
    ArticleSummary,
    NewsroomService,
    ParsePreview,
    PresignedUpload,
    ServiceError,
    Submission,
    SummaryPreview,
    preview_parse,
    preview_summary,
)
from newsbrief.settings import get_settings
from newsbrief.storage.articles import InvalidCursorError

logger = Logger()
tracer = Tracer(patch_modules=runtime.TRACED_MODULES)
metrics = Metrics()

# Seconds a client should wait after a 503 (AWS throttled or failed a call the API made).
RETRY_AFTER_SECONDS = "2"
ARTICLE_ID = r"^[0-9a-f]{20}(-[0-9]{1,4})?$"
ArticleId = Annotated[str, Path(pattern=ARTICLE_ID, description="Article id")]
Limit = Annotated[int, Query(ge=1, le=100, description="Page size")]
Cursor = Annotated[str | None, Query(max_length=2048, description="Cursor from a previous page")]
Sentences = Annotated[int | None, Query(ge=1, le=10, description="Summary length in sentences")]
Length = Annotated[Literal["short", "medium", "long"] | None, Query(description="Summary length")]
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


def documented(
    model: Any, *errors: int, status: int = 200, description: str = "OK"
) -> dict[int, Any]:
    """The route's responses for the OpenAPI document: its result and its error cases."""
    responses: dict[int, Any] = {
        code: {
            "description": ERROR_DESCRIPTIONS[code],
            "content": {"application/json": {"model": ErrorResponse}},
        }
        for code in (400, 429, 500, 503, *errors)
    }
    content = {"application/json": {"model": model}} if model is not None else None
    responses[status] = {"description": description, **({"content": content} if content else {})}
    return responses


def _cors() -> CORSConfig | None:
    origins = get_settings().cors_allowed_origins
    if not origins:
        return None
    return CORSConfig(allow_origin=origins[0], extra_origins=list(origins[1:]), max_age=300)


app = APIGatewayRestResolver(enable_validation=True, cors=_cors())
app.enable_swagger(path="/swagger", title="Newsbrief API", version="1.0.0")


def service() -> NewsroomService:
    return NewsroomService(
        runtime.object_store(), runtime.article_repository(), runtime.search_index
    )


def request_body() -> bytes:
    event = app.current_event
    body = event.body or ""
    if event.is_base64_encoded:
        return base64.b64decode(body)
    return body.encode("utf-8")


def content_type() -> str | None:
    return app.current_event.headers.get("content-type") or app.current_event.headers.get(
        "Content-Type"
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


@app.exception_handler(ServiceError)
def handle_service_error(exc: ServiceError) -> Response[Any]:
    return error(exc.status, exc.code, exc.message)


@app.exception_handler(RequestValidationError)
def handle_validation_error(exc: RequestValidationError) -> Response[Any]:
    return invalid_request(exc.errors())


@app.exception_handler(ValidationError)
def handle_model_error(exc: ValidationError) -> Response[Any]:
    # Values the route's types let through but the domain's models refuse (say, 2026-02-30).
    return invalid_request(exc.errors())


@app.exception_handler([InvalidCursorError, InvalidSearchCursorError])
def handle_bad_cursor(exc: ValueError) -> Response[Any]:
    return error(HTTPStatus.BAD_REQUEST, "invalid_cursor", "the cursor is not one this API issued")


@app.exception_handler([ClientError, BotoCoreError])
def handle_aws_error(exc: Exception) -> Response[Any]:
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


@app.exception_handler(Exception)
def handle_unexpected_error(exc: Exception) -> Response[Any]:
    logger.exception("unhandled error")
    return error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "internal server error")


@app.not_found
def handle_not_found(exc: Exception) -> Response[Any]:
    return error(HTTPStatus.NOT_FOUND, "not_found", "no such route")


@app.post(
    "/articles",
    summary="Submit an article file",
    responses=documented(
        Submission, 403, 413, 415, status=202, description="Stored and queued for processing"
    ),
)
def submit_article(filename: FileName = None) -> Response[dict[str, Any]]:
    submission = service().submit(request_body(), content_type(), filename)
    return Response(
        status_code=HTTPStatus.ACCEPTED,
        content_type=content_types.APPLICATION_JSON,
        body=submission.model_dump(mode="json"),
    )


@app.post(
    "/uploads",
    summary="A presigned S3 form upload for one file under incoming/",
    responses=documented(PresignedUpload, 403, 415),
)
def presign_upload(
    filename: FileName = None,
    content_type: Annotated[str | None, Query(max_length=100)] = None,
) -> PresignedUpload:
    return service().presign_upload(filename, content_type)


@app.get("/articles", summary="List articles, newest first", responses=documented(ArticlePage))
def list_articles(
    limit: Limit = 20,
    cursor: Cursor = None,
    language: Annotated[str | None, Query(pattern=r"^[a-z]{2}$")] = None,
    key: Annotated[str | None, Query(min_length=1, max_length=1024)] = None,
    url: Annotated[
        str | None,
        Query(min_length=1, max_length=4096, description="Canonical URL, matched exactly"),
    ] = None,
) -> ArticlePage:
    return service().list_articles(limit, cursor, language, key, url)


@app.get(
    "/articles/<article_id>",
    summary="One article with its status, summary and keywords",
    responses=documented(ArticleDetail, 404),
)
def get_article(article_id: ArticleId) -> ArticleDetail:
    return service().article(article_id)


@app.get(
    "/articles/<article_id>/summary",
    summary="The article's summary",
    responses=documented(ArticleSummary, 404, 409),
)
def get_summary(
    article_id: ArticleId, sentences: Sentences = None, length: Length = None
) -> ArticleSummary:
    return service().summary(article_id, sentences, length)


@app.get(
    "/articles/<article_id>/related",
    summary="The most similar articles",
    responses=documented(list[SearchHit], 404, 409),
)
def get_related(
    article_id: ArticleId, limit: Annotated[int, Query(ge=1, le=20)] = 5
) -> list[SearchHit]:
    return service().related(article_id, limit)


@app.get(
    "/articles/<article_id>/neighbors",
    summary="The articles published just before and after, for previous/next links",
    responses=documented(ArticleNeighbors, 404),
)
def get_neighbors(article_id: ArticleId) -> ArticleNeighbors:
    return service().neighbors(article_id)


@app.delete(
    "/articles/<article_id>",
    summary="Delete an article and its upload",
    responses=documented(None, 403, 404, status=204, description="Deleted; gone from search soon"),
)
def delete_article(article_id: ArticleId) -> Response[None]:
    service().delete(article_id)
    return Response(status_code=HTTPStatus.NO_CONTENT, body=None)


@app.get("/search", summary="Full-text search", responses=documented(SearchPage))
def search(
    q: Annotated[str, Query(min_length=1, max_length=500, description="Query")],
    limit: Limit = 10,
    cursor: Cursor = None,
    language: Annotated[str | None, Query(pattern=r"^[a-z]{2}$")] = None,
    since: IsoDate = None,
    until: IsoDate = None,
    tag: Annotated[str | None, Query(max_length=100)] = None,
    sort: Annotated[Literal["relevance", "date"], Query()] = "relevance",
) -> SearchPage:
    request = SearchRequest(
        q=q,
        limit=limit,
        cursor=cursor,
        language=language,
        since=since,
        until=until,
        tag=tag,
        sort=sort,
    )
    return service().search(request)


@app.post(
    "/parse",
    summary="Parse an article file without storing it",
    responses=documented(ParsePreview, 403, 413, 415, 422),
)
def parse(filename: FileName = None) -> ParsePreview:
    return preview_parse(request_body(), content_type(), filename)


@app.post(
    "/summarize",
    summary="Summarize an article file without storing it",
    responses=documented(SummaryPreview, 403, 413, 415, 422),
)
def summarize(
    filename: FileName = None, sentences: Sentences = None, length: Length = None
) -> SummaryPreview:
    return preview_summary(request_body(), content_type(), filename, sentences, length)


@app.get("/openapi.json", summary="This API's OpenAPI document", include_in_schema=False)
def openapi() -> Response[str]:
    return Response(
        status_code=HTTPStatus.OK,
        content_type=content_types.APPLICATION_JSON,
        body=app.get_openapi_json_schema(title="Newsbrief API", version="1.0.0"),
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
