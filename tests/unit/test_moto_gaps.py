"""moto's server made to behave like AWS where the local stack's processes depend on it."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from local.moto_gaps import write_items_atomically

WRITERS = 6
WRITES = 40


@pytest.fixture
def moto_server() -> Iterator[dict[str, Any]]:
    from moto.server import ThreadedMotoServer

    write_items_atomically()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield {
        "endpoint_url": f"http://{host}:{port}",
        "region_name": "us-east-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    server.stop()


def test_concurrent_writers_of_one_item_lose_no_update(moto_server: dict[str, Any]):
    # Threads switch as often as they can, so that unguarded read-change-store writes collide.
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    dynamodb = boto3.client("dynamodb", **moto_server)
    dynamodb.create_table(
        TableName="counts",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )

    def write(writer: int) -> None:
        client = boto3.session.Session().client("dynamodb", **moto_server)
        for n in range(WRITES):
            client.update_item(
                TableName="counts",
                Key={"id": {"S": "source"}},
                UpdateExpression="ADD uploads :upload",
                ExpressionAttributeValues={":upload": {"SS": [f"{writer}-{n}"]}},
            )

    try:
        writers = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
        for thread in writers:
            thread.start()
        for thread in writers:
            thread.join()
    finally:
        sys.setswitchinterval(previous)
    item = dynamodb.get_item(TableName="counts", Key={"id": {"S": "source"}})["Item"]
    assert len(item["uploads"]["SS"]) == WRITERS * WRITES
