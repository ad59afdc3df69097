"""bench/metering.py bills DynamoDB calls through the index's capacity meter, by its rules."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsbrief.indexing.capacity import item_size, write_units

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from metering import Meter

TABLE = "metered"


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    import boto3
    from moto import mock_aws

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


def test_units_follow_the_capacity_rules(dynamodb: Any) -> None:
    meter = Meter()
    meter.attach(dynamodb)
    big = {"id": {"S": "big"}, "body": {"S": "ж" * 3000}}  # 6,000 bytes of UTF-8: 6 units
    small = {"id": {"S": "small"}, "n": {"N": "1200"}}
    dynamodb.put_item(TableName=TABLE, Item=big)
    dynamodb.batch_write_item(RequestItems={TABLE: [{"PutRequest": {"Item": small}}]})
    assert meter.capacity.write_units == write_units(item_size(big)) + 1 == 7
    assert meter.capacity.write_units_by_key == {f"{TABLE}:big": 6, f"{TABLE}:small": 1}
    # An update is billed at the item's new size; a delete at the size of what it deleted.
    dynamodb.update_item(
        TableName=TABLE,
        Key={"id": {"S": "small"}},
        UpdateExpression="SET body = :b",
        ExpressionAttributeValues={":b": {"S": "x" * 2000}},
    )
    dynamodb.delete_item(TableName=TABLE, Key={"id": {"S": "big"}})
    assert meter.capacity.write_units == 7 + 2 + 6
    assert meter.capacity.write_units_by_kind == {TABLE: 15}

    dynamodb.get_item(TableName=TABLE, Key={"id": {"S": "small"}}, ConsistentRead=True)
    dynamodb.batch_get_item(
        RequestItems={TABLE: {"Keys": [{"id": {"S": "small"}}, {"id": {"S": "gone"}}]}}
    )
    dynamodb.scan(TableName=TABLE)
    # 1 strongly consistent; 0.5 found + 0.5 for the key with no item; 0.5 for the scan page.
    assert meter.capacity.read_units == 1.0 + 0.5 + 0.5 + 0.5
    assert meter.requests["dynamodb:BatchGetItem"] == 1


def test_put_events_are_billed_per_entry_and_started_64_kb(monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3
    from moto import mock_aws

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        events = boto3.client("events", region_name="us-east-1")
        meter = Meter()
        meter.attach(events)
        small = {"Source": "newsbrief", "DetailType": "Article Indexed", "Detail": "{}"}
        # A detail of 100 KB is two 64 KB chunks: two billed events.
        large = {**small, "Detail": json.dumps({"text": "x" * 100_000})}
        events.put_events(Entries=[small, small, large])
    assert meter.requests["events:PutEvents"] == 1
    assert meter.billed_events == 4
    assert meter.events_cost() == pytest.approx(4 / 1e6)
