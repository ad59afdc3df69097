"""Reader function: the server-rendered pages readers open, and the newsroom's widget script.

A page about one article speaks the article's language; the others speak the one named by the
``lang`` query parameter, else the browser's ``Accept-Language``, else English.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError

from newsbrief import runtime
from newsbrief.indexing import InvalidCursorError as InvalidSearchCursorError
from newsbrief.reader.i18n import N_, negotiate, supported
from newsbrief.reader.pages import (
    SECURITY_HEADERS,
    STATIC_FILES,
    BadRequestError,
    Page,
    Reader,
    static_file,
)
from newsbrief.service import ServiceError
from newsbrief.settings import get_settings
from newsbrief.storage.articles import InvalidCursorError

logger = Logger()
tracer = Tracer(patch_modules=runtime.TRACED_MODULES)
metrics = Metrics()
# A missing environment variable fails the cold start, naming it, not the first AWS call.
get_settings()

app = APIGatewayRestResolver()

HTML = "text/html; charset=utf-8"
WIDGET = "widget.js"
ASSET_CACHE = "public, max-age=300"


def base_path() -> str:
    """The path the stage is served under: ``/v1`` on the execute-api host, else nothing."""
    event = app.current_event
    host = (event.headers.get("host") or "").lower()
    stage = event.request_context.stage
    return f"/{stage}" if stage and host.endswith(".amazonaws.com") else ""


def reader() -> Reader:
    chosen = supported(query("lang"))
    accepted = app.current_event.headers.get("accept-language")
    return Reader(
        runtime.newsroom_service(),
        base_path(),
        chosen or negotiate(accepted),
        chosen is not None,
    )


def html(page: Page) -> Response[str]:
    return Response(
        status_code=page.status,
        content_type=HTML,
        body=page.html,
        headers={
            **SECURITY_HEADERS,
            "Cache-Control": "no-cache",
            "Content-Language": page.language,
            "Vary": "Accept-Language",
        },
    )


def notice(
    status: int, heading: str, message: str, params: dict[str, object] | None = None
) -> Response[str]:
    return html(reader().notice(status, heading, message, params))


def query(name: str) -> str | None:
    return app.current_event.get_query_string_value(name)


@app.exception_handler(ServiceError)
def handle_service_error(exc: ServiceError) -> Response[str]:
    if exc.status == HTTPStatus.NOT_FOUND:
        return notice(404, N_("No such article"), N_("There is no article at this address."))
    # The service's own words, which the catalogue does not know, go as the notice's detail.
    page = reader().notice(
        exc.status,
        N_("This page cannot be shown"),
        N_("The service could not answer this request."),
        detail=exc.message,
    )
    return html(page)


@app.exception_handler([BadRequestError, InvalidCursorError, InvalidSearchCursorError])
def handle_bad_request(exc: ValueError) -> Response[str]:
    if isinstance(exc, BadRequestError):
        return notice(400, N_("This page cannot be shown"), exc.message, exc.params)
    return notice(400, N_("This page cannot be shown"), N_("The page link is not valid."))


@app.exception_handler([ClientError, BotoCoreError])
def handle_aws_error(exc: Exception) -> Response[str]:
    logger.exception("an AWS call failed")
    return notice(503, N_("Busy"), N_("The service is busy; please try again shortly."))


@app.exception_handler(Exception)
def handle_unexpected_error(exc: Exception) -> Response[str]:
    logger.exception("unhandled error")
    return notice(500, N_("Something went wrong"), N_("This page could not be shown."))


@app.not_found
def handle_not_found(exc: Exception) -> Response[str]:
    return notice(404, N_("Page not found"), N_("There is no page at this address."))


@app.get("/")
def front_page() -> Response[str]:
    return html(reader().front(query("cursor"), query("limit")))


@app.get("/read/<article_id>")
def article_page(article_id: str) -> Response[str]:
    return html(reader().article(article_id))


@app.get("/read/<article_id>/summary")
def summary_page(article_id: str) -> Response[str]:
    return html(reader().summary(article_id, query("length")))


@app.get("/find")
def find_page() -> Response[str]:
    params = app.current_event.query_string_parameters or {}
    return html(reader().find(dict(params)))


@app.get("/static/<name>")
def static(name: str) -> Response[str]:
    content = static_file(name)
    if content is None:
        return notice(404, N_("Page not found"), N_("There is no file at this address."))
    return Response(
        status_code=200,
        content_type=STATIC_FILES[name],
        body=content.decode("utf-8"),
        headers={"Cache-Control": ASSET_CACHE, "X-Content-Type-Options": "nosniff"},
    )


@app.get(f"/{WIDGET}")
def widget() -> Response[str]:
    content = static_file(WIDGET) or b""
    return Response(
        status_code=200,
        content_type=STATIC_FILES[WIDGET],
        body=content.decode("utf-8"),
        # Newsrooms load it from their own pages' origins.
        headers={
            "Cache-Control": ASSET_CACHE,
            "X-Content-Type-Options": "nosniff",
            "Cross-Origin-Resource-Policy": "cross-origin",
        },
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
