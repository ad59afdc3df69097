"""The local stack reads its resources, event sources and routes from template.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from local.template import StackSpec, read_stack

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"


def test_every_queue_table_and_event_source_comes_from_the_template(
    stack_spec: tuple[StackSpec, Any],
):
    spec, resolver = stack_spec
    assert spec.bucket_name == "newsbrief-articles-123456789012-us-east-1"
    assert set(spec.queues) == {
        "ParseQueue",
        "SummarizeQueue",
        "IndexQueue",
        "ParseDeadLetterQueue",
        "SummarizeDeadLetterQueue",
        "IndexDeadLetterQueue",
    }
    for name in ("ParseQueue", "SummarizeQueue", "IndexQueue"):
        assert "RedrivePolicy" in spec.queues[name].attributes
    assert set(spec.tables) == {"ArticlesTable", "SearchIndexTable", "IdempotencyTable"}
    assert {(m.function, m.queue_logical_id) for m in spec.mappings} == {
        ("ParseFunction", "ParseQueue"),
        ("SummarizeFunction", "SummarizeQueue"),
        ("IndexFunction", "IndexQueue"),
    }
    assert all(m.report_batch_item_failures for m in spec.mappings)
    assert spec.environment["ARTICLES_BUCKET"] == spec.bucket_name
    assert spec.environment["ARTICLES_TABLE"] == "newsbrief-ArticlesTable"
    notifications = spec.bucket_properties["NotificationConfiguration"]["QueueConfigurations"]
    prefixes = {
        (entry["Filter"]["S3Key"]["Rules"][0]["Value"], entry["Queue"]) for entry in notifications
    }
    assert prefixes == {
        ("incoming/", resolver.arns["ParseQueue"]),
        ("parsed/", resolver.arns["SummarizeQueue"]),
        ("summaries/", resolver.arns["IndexQueue"]),
    }


def test_write_routes_need_the_api_key_and_reads_do_not(stack_spec: tuple[StackSpec, Any]):
    spec, _ = stack_spec
    protected = {(r.method, r.path) for r in spec.routes if r.api_key_required}
    public = {(r.method, r.path) for r in spec.routes if not r.api_key_required}
    assert {("POST", "/articles"), ("POST", "/parse"), ("POST", "/summarize")} <= protected
    assert any(method == "DELETE" for method, _ in protected)
    assert ("GET", "/search") in public
    assert ("GET", "/articles") in public
    assert all(method in ("GET", "OPTIONS") for method, _ in public)


def test_each_queue_fed_function_runs_as_many_instances_as_its_maximum_concurrency(
    stack_spec: tuple[StackSpec, Any],
):
    spec, _ = stack_spec
    # The template's StageMaximumConcurrency default, as its ScalingConfig names it.
    assert {m.function: m.maximum_concurrency for m in spec.mappings} == {
        "ParseFunction": 2,
        "SummarizeFunction": 2,
        "IndexFunction": 2,
    }
    raised, _ = read_stack(TEMPLATE, "newsbrief", {"StageMaximumConcurrency": "5"})
    assert {m.maximum_concurrency for m in raised.mappings} == {5}


def test_the_event_bus_and_the_api_url_come_from_the_template(stack_spec: tuple[StackSpec, Any]):
    spec, resolver = stack_spec
    assert spec.event_bus_name == "newsbrief-newsroom"
    assert spec.environment["EVENT_BUS_NAME"] == spec.event_bus_name
    assert resolver.arns["NewsroomEventBus"] == (
        "arn:aws:events:us-east-1:123456789012:event-bus/newsbrief-newsroom"
    )
    # The stack's own API stands in for this URL once it listens (local/stack.py).
    assert spec.environment["API_URL"].startswith("https://")
