from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from newsbrief.indexing import DynamoDBSearchIndex

from .support import SMALL_LAYOUT, TABLE, ticking_clock


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
def index(dynamodb: Any) -> DynamoDBSearchIndex:
    return DynamoDBSearchIndex(
        dynamodb, TABLE, cursor_key=b"test-secret", layout=SMALL_LAYOUT, clock=ticking_clock()
    )
