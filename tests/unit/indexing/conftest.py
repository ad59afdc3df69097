from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from newsbrief.indexing import DynamoDBIndexWriter, DynamoDBSearcher

from .support import TABLE, writer_and_searcher


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    import boto3
    from moto import mock_aws

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE,
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


@pytest.fixture
def index_pair(dynamodb: Any) -> tuple[DynamoDBIndexWriter, DynamoDBSearcher]:
    return writer_and_searcher(dynamodb)


@pytest.fixture
def writer(index_pair: tuple[DynamoDBIndexWriter, DynamoDBSearcher]) -> DynamoDBIndexWriter:
    return index_pair[0]


@pytest.fixture
def searcher(index_pair: tuple[DynamoDBIndexWriter, DynamoDBSearcher]) -> DynamoDBSearcher:
    return index_pair[1]
