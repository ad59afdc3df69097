"""API function: the REST routes readers and editors use, with an OpenAPI description."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any, Literal

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsbrief import rest, runtime
from newsbrief.editorial import SummaryApproval, SummaryEdit
from newsbrief.indexing import SearchPage, SearchRequest
from newsbrief.models import SearchHit
from newsbrief.responses import (
    ArticleDetail,
    ArticleNeighbors,
    ArticlePage,
    ArticleSummary,
    ParsePreview,
    PresignedUpload,
    Submission,
    SummaryHistory,
    SummaryPreview,
)
from newsbrief.rest import (
    ArticleId,
    Cursor,
    FileName,
    IsoDate,
    Language,
    Length,
    Limit,
    Sentences,
    documented,
)
from newsbrief.service import preview_parse, preview_summary

logger = Logger()
tracer = Tracer(patch_modules=runtime.TRACED_MODULES)
metrics = Metrics()
# Reads the settings (CORS origins): a missing environment variable fails the cold start.
app = rest.resolver(logger)


@app.post(
    "/articles",
    summary="Submit an article file",
    responses=documented(
        Submission, 403, 413, 415, status=202, description="Stored and queued for processing"
    ),
)
def submit_article(filename: FileName = None) -> Response[dict[str, Any]]:
    submission = runtime.newsroom_service().submit(
        rest.request_body(app), rest.content_type(app), filename
    )
    return rest.json_response(HTTPStatus.ACCEPTED, submission)


@app.post(
    "/uploads",
    summary="A presigned S3 form upload for one file under incoming/",
    responses=documented(PresignedUpload, 403, 415),
)
def presign_upload(
    filename: FileName = None,
    content_type: Annotated[str | None, Query(max_length=100)] = None,
) -> PresignedUpload:
    return runtime.newsroom_service().presign_upload(filename, content_type)


@app.get("/articles", summary="List articles, newest first", responses=documented(ArticlePage))
def list_articles(
    limit: Limit = 20,
    cursor: Cursor = None,
    language: Language = None,
    key: Annotated[str | None, Query(min_length=1, max_length=1024)] = None,
    url: Annotated[
        str | None,
        Query(min_length=1, max_length=4096, description="Canonical URL, matched exactly"),
    ] = None,
    summary: Annotated[
        Literal["stale"] | None,
        Query(description="stale: only articles whose newsroom summary the text outgrew"),
    ] = None,
) -> ArticlePage:
    return runtime.newsroom_service().list_articles(
        limit, cursor, language, key, url, stale_summaries=summary == "stale"
    )


@app.get(
    "/articles/<article_id>",
    summary="One article with its status, summary and keywords",
    responses=documented(ArticleDetail, 404),
)
def get_article(article_id: ArticleId) -> ArticleDetail:
    return runtime.newsroom_service().article(article_id)


@app.get(
    "/articles/<article_id>/summary",
    summary="The article's summary",
    responses=documented(ArticleSummary, 404, 409),
)
def get_summary(
    article_id: ArticleId, sentences: Sentences = None, length: Length = None
) -> ArticleSummary:
    return runtime.newsroom_service().summary(article_id, sentences, length)


@app.put(
    "/articles/<article_id>/summary",
    summary="Replace the summary with an editor's own",
    responses=documented(ArticleSummary, 403, 404, 409, 415, description="The summary as stored"),
)
def edit_summary(article_id: ArticleId, edit: Annotated[SummaryEdit, Body()]) -> ArticleSummary:
    return runtime.newsroom_service(rest.api_url(app)).edit_summary(article_id, edit)


@app.post(
    "/articles/<article_id>/summary/approve",
    summary="Approve the current machine summary",
    responses=documented(ArticleSummary, 403, 404, 409, 415, description="The summary as stored"),
)
def approve_summary(
    article_id: ArticleId, approval: Annotated[SummaryApproval, Body()]
) -> ArticleSummary:
    return runtime.newsroom_service(rest.api_url(app)).approve_summary(article_id, approval)


@app.get(
    "/articles/<article_id>/summary/history",
    summary="Every version of the summary, newest first (machine, edited, approved)",
    responses=documented(SummaryHistory, 403, 404),
)
def summary_history(
    article_id: ArticleId, limit: Annotated[int, Query(ge=1, le=100)] = 50
) -> SummaryHistory:
    return runtime.newsroom_service().summary_history(article_id, limit)


@app.get(
    "/articles/<article_id>/related",
    summary="The most similar articles",
    responses=documented(list[SearchHit], 404, 409),
)
def get_related(
    article_id: ArticleId, limit: Annotated[int, Query(ge=1, le=20)] = 5
) -> list[SearchHit]:
    return runtime.newsroom_service().related(article_id, limit)


@app.get(
    "/articles/<article_id>/neighbors",
    summary="The articles published just before and after, for previous/next links",
    responses=documented(ArticleNeighbors, 404),
)
def get_neighbors(article_id: ArticleId) -> ArticleNeighbors:
    return runtime.newsroom_service().neighbors(article_id)


@app.delete(
    "/articles/<article_id>",
    summary="Delete an article and its upload",
    responses=documented(None, 403, 404, status=204, description="Deleted; gone from search soon"),
)
def delete_article(article_id: ArticleId) -> Response[None]:
    runtime.newsroom_service().delete(article_id)
    return Response(status_code=HTTPStatus.NO_CONTENT, body=None)


@app.get("/search", summary="Full-text search", responses=documented(SearchPage))
def search(
    q: Annotated[str, Query(min_length=1, max_length=500, description="Query")],
    limit: Limit = 10,
    cursor: Cursor = None,
    language: Language = None,
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
    return runtime.newsroom_service().search(request)


@app.post(
    "/parse",
    summary="Parse an article file without storing it",
    responses=documented(ParsePreview, 403, 413, 415, 422),
)
def parse(filename: FileName = None) -> ParsePreview:
    return preview_parse(rest.request_body(app), rest.content_type(app), filename)


@app.post(
    "/summarize",
    summary="Summarize an article file without storing it",
    responses=documented(SummaryPreview, 403, 413, 415, 422),
)
def summarize(
    filename: FileName = None, sentences: Sentences = None, length: Length = None
) -> SummaryPreview:
    return preview_summary(
        rest.request_body(app), rest.content_type(app), filename, sentences, length
    )


@app.get("/openapi.json", summary="This API's OpenAPI document", include_in_schema=False)
def openapi() -> Response[str]:
    return rest.openapi_document(app)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
