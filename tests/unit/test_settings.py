"""Settings come from the template's environment and fail the cold start when one is missing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local.functions import Function
from local.template import StackSpec
from newsbrief import runtime
from newsbrief.settings import SettingsError, get_settings

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = [
    "ARTICLES_BUCKET",
    "ARTICLES_TABLE",
    "SEARCH_INDEX_TABLE",
    "IDEMPOTENCY_TABLE",
    "EVENT_BUS_NAME",
]


@pytest.fixture
def environment(
    stack_spec: tuple[StackSpec, Any], monkeypatch: pytest.MonkeyPatch
) -> Iterator[StackSpec]:
    """The functions' environment as the template sets it; settings read afresh."""
    spec, _ = stack_spec
    for name, value in spec.environment.items():
        monkeypatch.setenv(name, value)
    runtime.reset()
    yield spec
    runtime.reset()


def test_settings_are_read_from_the_template_environment(
    environment: StackSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", " https://a.example , ,https://b.example")
    settings = get_settings()
    assert settings.articles_bucket == environment.bucket_name
    assert settings.articles_table == environment.environment["ARTICLES_TABLE"]
    assert settings.cors_allowed_origins == ("https://a.example", "https://b.example")
    assert settings.bedrock_model_id == environment.environment["BEDROCK_MODEL_ID"]


@pytest.mark.parametrize("name", REQUIRED)
@pytest.mark.parametrize("value", [None, ""])
def test_a_missing_or_empty_variable_is_named(
    environment: StackSpec, monkeypatch: pytest.MonkeyPatch, name: str, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv(name)
    else:
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        get_settings()
    message = str(raised.value)
    assert name in message
    assert [other for other in REQUIRED if other in message] == [name]


@pytest.mark.parametrize("function", ["parse", "summarize", "index", "api", "reader"])
def test_a_function_without_its_bucket_fails_at_cold_start(
    environment: StackSpec, monkeypatch: pytest.MonkeyPatch, function: str
) -> None:
    monkeypatch.delenv("ARTICLES_BUCKET")
    with pytest.raises(SettingsError, match="ARTICLES_BUCKET: Field required"):
        Function(function, ROOT / "functions" / function, "app.lambda_handler", 512, 30)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("EVENT_BUS_NAME", "a bus with spaces"),
        ("EVENT_BUS_NAME", "arn:aws:sqs:us-east-1:123456789012:not-a-bus"),
        ("API_URL", "api.example/v1"),
    ],
)
def test_a_malformed_bus_name_or_api_url_is_named(
    environment: StackSpec, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        get_settings()


def test_the_bus_is_named_or_given_by_arn_and_the_api_url_loses_its_slash(
    environment: StackSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert get_settings().event_bus_name == environment.event_bus_name
    arn = "arn:aws:events:eu-west-1:123456789012:event-bus/newsbrief-newsroom"
    monkeypatch.setenv("EVENT_BUS_NAME", arn)
    monkeypatch.setenv("API_URL", "https://abc.execute-api.eu-west-1.amazonaws.com/v1/")
    runtime.reset()
    settings = get_settings()
    assert settings.event_bus_name == arn
    assert settings.api_url == "https://abc.execute-api.eu-west-1.amazonaws.com/v1"


@pytest.mark.parametrize("function", ["parse", "summarize", "index"])
def test_a_stage_without_the_api_url_fails_at_cold_start(
    environment: StackSpec, monkeypatch: pytest.MonkeyPatch, function: str
) -> None:
    """The stages link their events to the API; the API's own functions need no API_URL."""
    monkeypatch.delenv("API_URL")
    with pytest.raises(SettingsError, match="API_URL"):
        Function(function, ROOT / "functions" / function, "app.lambda_handler", 512, 30)
    Function("api", ROOT / "functions" / "api", "app.lambda_handler", 512, 30)
