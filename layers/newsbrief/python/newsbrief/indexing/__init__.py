"""Full-text search over indexed articles: the interface, and its DynamoDB implementation.

The pure parts (analysis, postings, ranking, snippets, near-duplicates) import without AWS;
``dynamodb_writer`` and ``dynamodb_searcher`` take a boto3 DynamoDB client made by the caller.
"""

from __future__ import annotations

from typing import Any

from newsbrief.indexing.models import (
    IndexDocument,
    IndexOutcome,
    IndexWriter,
    InvalidCursorError,
    SearchIndex,
    SearchPage,
    SearchRequest,
)
from newsbrief.indexing.searcher import ArticleNotIndexedError, DynamoDBSearcher
from newsbrief.indexing.table import IndexLayout, IndexTable
from newsbrief.indexing.writer import DynamoDBIndexWriter

__all__ = [
    "ArticleNotIndexedError",
    "DynamoDBIndexWriter",
    "DynamoDBSearcher",
    "IndexDocument",
    "IndexLayout",
    "IndexOutcome",
    "IndexTable",
    "IndexWriter",
    "InvalidCursorError",
    "SearchIndex",
    "SearchPage",
    "SearchRequest",
    "dynamodb_searcher",
    "dynamodb_writer",
]


def dynamodb_writer(
    client: Any, table_name: str, *, layout: IndexLayout | None = None
) -> DynamoDBIndexWriter:
    """The index writer on ``table_name`` (key schema ``pk`` S HASH + ``sk`` S RANGE);
    ``client`` is a boto3 DynamoDB client."""
    return DynamoDBIndexWriter(IndexTable(client, table_name, layout=layout))


def dynamodb_searcher(
    client: Any,
    table_name: str,
    *,
    cursor_key: bytes = b"",
    layout: IndexLayout | None = None,
) -> DynamoDBSearcher:
    """Searches of the index in ``table_name``. ``cursor_key`` signs page cursors: pass a
    secret (e.g. from SSM) so cursors cannot be forged; without one they are still
    tamper-evident."""
    return DynamoDBSearcher(IndexTable(client, table_name, layout=layout), cursor_key=cursor_key)
