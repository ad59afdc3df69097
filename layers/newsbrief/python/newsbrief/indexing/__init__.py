"""Full-text search over indexed articles: the interface, and its DynamoDB implementation.

The pure parts (analysis, postings, ranking, snippets, near-duplicates) import without AWS;
``dynamodb_index`` takes a boto3 DynamoDB client made by the caller.
"""

from __future__ import annotations

from typing import Any

from newsbrief.indexing.dynamodb import (
    ArticleNotIndexedError,
    DynamoDBSearchIndex,
    IndexLayout,
)
from newsbrief.indexing.models import (
    IndexDocument,
    IndexOutcome,
    InvalidCursorError,
    SearchIndex,
    SearchPage,
    SearchRequest,
)

__all__ = [
    "ArticleNotIndexedError",
    "DynamoDBSearchIndex",
    "IndexDocument",
    "IndexLayout",
    "IndexOutcome",
    "InvalidCursorError",
    "SearchIndex",
    "SearchPage",
    "SearchRequest",
    "dynamodb_index",
]


def dynamodb_index(
    client: Any,
    table_name: str,
    *,
    cursor_key: bytes = b"",
    layout: IndexLayout | None = None,
) -> DynamoDBSearchIndex:
    """The search index kept in ``table_name`` (key schema ``pk`` S HASH + ``sk`` S RANGE).

    ``client`` is a boto3 DynamoDB client. ``cursor_key`` signs page cursors: pass a secret
    (e.g. from SSM) so cursors cannot be forged; without one they are still tamper-evident.
    """
    return DynamoDBSearchIndex(client, table_name, cursor_key=cursor_key, layout=layout)
