from __future__ import annotations

import json

import pytest

from newsbrief.events import MalformedEventError, article_id_for, object_events


def notification(key: str, event: str = "ObjectCreated:Put", sequencer: str = "0A1B") -> str:
    return json.dumps(
        {
            "Records": [
                {
                    "eventName": event,
                    "eventTime": "2026-01-01T00:00:00.000Z",
                    "s3": {
                        "bucket": {"name": "articles"},
                        "object": {"key": key, "size": 12, "sequencer": sequencer},
                    },
                }
            ]
        }
    )


def test_keys_are_url_decoded():
    (event,) = object_events(notification("incoming%2Fnew+story+100%25+%D0%BD.txt"))
    assert event.key == "incoming/new story 100% н.txt"
    assert event.bucket == "articles"
    assert not event.removed
    assert event.size == 12


def test_removals_are_recognised():
    (event,) = object_events(notification("incoming/a.txt", "ObjectRemoved:DeleteMarkerCreated"))
    assert event.removed


def test_test_events_carry_nothing():
    assert object_events(json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent"})) == []


@pytest.mark.parametrize("body", ["not json", "[]", "{}", '{"Records": [{"eventName": 1}]}'])
def test_malformed_bodies_raise(body):
    with pytest.raises(MalformedEventError):
        object_events(body)


def test_ids_are_stable_per_key():
    assert article_id_for("incoming/a.txt") == article_id_for("incoming/a.txt")
    assert article_id_for("incoming/a.txt") != article_id_for("incoming/b.txt")
