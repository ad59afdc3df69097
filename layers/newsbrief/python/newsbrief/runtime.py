"""The composition root: builds the stages from settings, with clients created on first use.

Nothing here runs at import, so a test can start moto first and a handler module stays cheap
to import.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from newsbrief.announcements.newsroom import NewsroomEvents
from newsbrief.settings import FURNITURE_MIN_UPLOADS, get_settings
from newsbrief.storage.articles import ArticleRepository, FurnitureRepository
from newsbrief.storage.event_bus import EventBus
from newsbrief.storage.objects import ObjectStore

# The AWS SDK is the only library the functions call out through; X-Ray's default patches every
# library it supports, importing each (requests among them) into every cold start.
TRACED_MODULES = ("botocore",)

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    from newsbrief.announcements.publisher import EventPublisher
    from newsbrief.indexing import IndexWriter, SearchIndex
    from newsbrief.pipeline.index import IndexStage
    from newsbrief.pipeline.parse import ParseStage
    from newsbrief.pipeline.summarize import SummarizeStage
    from newsbrief.service import NewsroomService


@cache
def client(service: str) -> Any:
    import boto3

    return boto3.client(service)


@cache
def bedrock_runtime() -> Any:
    import boto3

    from newsbrief.summarizing.bedrock import client_config

    return boto3.client("bedrock-runtime", config=client_config())


@lru_cache(maxsize=1)
def dynamodb() -> Any:
    import boto3

    return boto3.resource("dynamodb")


def object_store() -> ObjectStore:
    return ObjectStore(client("s3"), get_settings().articles_bucket)


def article_repository() -> ArticleRepository:
    return ArticleRepository(dynamodb().Table(get_settings().articles_table))


def search_index() -> SearchIndex:
    from newsbrief.indexing import dynamodb_searcher

    return dynamodb_searcher(client("dynamodb"), get_settings().search_index_table)


def index_writer() -> IndexWriter:
    from newsbrief.indexing import dynamodb_writer

    return dynamodb_writer(client("dynamodb"), get_settings().search_index_table)


def event_bus() -> EventBus:
    return EventBus(client("events"), get_settings().event_bus_name)


def newsroom_events() -> NewsroomEvents:
    """The stages' events, linked to the API's URL from their environment."""
    return NewsroomEvents(get_settings().require_api_url())


def event_publisher(api_url: str) -> EventPublisher:
    """The API's events, linked to ``api_url``: the URL its request came in on, since the
    API's functions cannot have the API's own URL in their environment."""
    from newsbrief.announcements.publisher import EventPublisher

    return EventPublisher(event_bus(), NewsroomEvents(api_url))


def newsroom_service(api_url: str | None = None) -> NewsroomService:
    """What the API's and the reader's routes call; with ``api_url`` (an editor's change), it
    announces what it stores on the bus, linked to that URL."""
    from newsbrief.service import NewsroomService

    return NewsroomService(
        object_store(),
        article_repository(),
        search_index,
        get_settings().review_required,
        event_publisher(api_url) if api_url else None,
    )


def parse_stage() -> ParseStage:
    from newsbrief.pipeline.parse import ParseStage

    furniture = FurnitureRepository(
        dynamodb().Table(get_settings().articles_table), FURNITURE_MIN_UPLOADS
    )
    return ParseStage(object_store(), article_repository(), newsroom_events(), furniture)


def summarize_stage() -> SummarizeStage:
    from newsbrief.pipeline.summarize import SummarizeStage

    model_id = get_settings().bedrock_model_id
    bedrock = bedrock_runtime() if model_id else None
    return SummarizeStage(
        object_store(), article_repository(), newsroom_events(), bedrock, model_id
    )


def index_stage() -> IndexStage:
    from newsbrief.pipeline.index import IndexStage

    return IndexStage(
        object_store(),
        article_repository(),
        index_writer(),
        newsroom_events(),
        event_bus(),
        get_settings().review_required,
    )


@cache
def idempotent(function: Callable[..., Any], config: IdempotencyConfig) -> Callable[..., Any]:
    """``function`` made idempotent on its ``event`` argument, with the table from settings."""
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        idempotent_function,
    )

    # One persistence layer per config: an instance keeps the first config it was used with.
    store = DynamoDBPersistenceLayer(
        table_name=get_settings().idempotency_table, boto3_client=client("dynamodb")
    )
    wrapped: Callable[..., Any] = idempotent_function(
        data_keyword_argument="event", config=config, persistence_store=store
    )(function)
    return wrapped


def reset() -> None:
    """Forgets clients and settings (tests switch endpoints and environments)."""
    client.cache_clear()
    bedrock_runtime.cache_clear()
    dynamodb.cache_clear()
    idempotent.cache_clear()
    get_settings.cache_clear()
