from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.stub import ANY, Stubber

from newsbrief.summarizing import summarize
from newsbrief.summarizing.bedrock import (
    CONNECT_TIMEOUT_SECONDS,
    FALLBACK_REASONS,
    MAX_ATTEMPTS,
    READ_TIMEOUT_SECONDS,
    client_config,
    fallback_reason,
    summarize_with_bedrock,
    unsupported_claims,
)

from .samples import seed_title_and_body

MODEL_ID = "amazon.nova-lite-v1:0"
FAITHFUL = (
    "Top diplomats from Russia and Uzbekistan met in Moscow to discuss regional stability. "
    "They focused on Afghanistan and on expanding economic cooperation."
)


@pytest.fixture
def client() -> Iterator[Any]:
    bedrock = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with Stubber(bedrock) as stubber:
        bedrock.stubber = stubber
        yield bedrock
        stubber.assert_no_pending_responses()


def _answer(text: str) -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 500, "outputTokens": 40, "totalTokens": 540},
        "metrics": {"latencyMs": 420},
    }


def _expected_request(sentences: int = 2) -> dict[str, Any]:
    return {
        "modelId": MODEL_ID,
        "system": ANY,
        "messages": ANY,
        "inferenceConfig": {"maxTokens": ANY, "temperature": 0.0},
    }


def test_faithful_answer_is_the_summary(client: Any) -> None:
    title, body = seed_title_and_body()
    client.stubber.add_response("converse", _answer(FAITHFUL), _expected_request())

    result = summarize_with_bedrock(
        body, client=client, model_id=MODEL_ID, title=title, language="en", sentences=2
    )

    assert result.method == f"bedrock:{MODEL_ID}"
    assert result.sentences == [
        "Top diplomats from Russia and Uzbekistan met in Moscow to discuss regional stability.",
        "They focused on Afghanistan and on expanding economic cooperation.",
    ]


def test_unfaithful_answer_falls_back_to_the_extractive_summary(client: Any) -> None:
    title, body = seed_title_and_body()
    invented = "Sergei Lavrov met Uzbek diplomats in Moscow and signed 12 trade agreements."
    client.stubber.add_response("converse", _answer(invented), _expected_request())

    result = summarize_with_bedrock(
        body, client=client, model_id=MODEL_ID, title=title, language="en", sentences=2
    )

    extractive = summarize(body, title=title, language="en", sentences=2)
    assert result.sentences == extractive.sentences
    assert result.method == f"{extractive.method}+bedrock-fallback:unfaithful"


@pytest.mark.parametrize(
    ("code", "reason"), [("ThrottlingException", "throttled"), ("ValidationException", "error")]
)
def test_service_errors_fall_back(client: Any, code: str, reason: str) -> None:
    title, body = seed_title_and_body()
    client.stubber.add_client_error("converse", service_error_code=code, http_status_code=429)

    result = summarize_with_bedrock(body, client=client, model_id=MODEL_ID, title=title)

    assert result.sentences == summarize(body, title=title).sentences
    assert result.method.endswith(f"+bedrock-fallback:{reason}")


class _TimingOutClient:
    def converse(self, **kwargs: Any) -> Mapping[str, Any]:
        raise ReadTimeoutError(endpoint_url="https://bedrock-runtime.us-east-1.amazonaws.com")


def test_timeout_falls_back() -> None:
    _, body = seed_title_and_body()

    result = summarize_with_bedrock(body, client=_TimingOutClient(), model_id=MODEL_ID)

    assert result.sentences == summarize(body).sentences
    assert result.method.endswith("+bedrock-fallback:timeout")


def test_empty_answer_falls_back(client: Any) -> None:
    _, body = seed_title_and_body()
    client.stubber.add_response("converse", _answer("  "), _expected_request())

    result = summarize_with_bedrock(body, client=client, model_id=MODEL_ID)

    assert result.method.endswith("+bedrock-fallback:empty")


@pytest.mark.parametrize(("client_given", "model_id"), [(False, MODEL_ID), (True, None)])
def test_off_without_client_or_model(client: Any, client_given: bool, model_id: str | None) -> None:
    _, body = seed_title_and_body()
    result = summarize_with_bedrock(
        body, client=client if client_given else None, model_id=model_id
    )
    assert result == summarize(body)


def test_invalid_size_is_refused_before_any_call(client: Any) -> None:
    _, body = seed_title_and_body()
    with pytest.raises(ValueError, match="between 1 and 10"):
        summarize_with_bedrock(body, client=client, model_id=MODEL_ID, sentences=11)


@pytest.mark.parametrize(
    ("summary", "missing"),
    [
        ("Revenue rose 4.3% to £1.97bn, the company said.", []),
        ("Revenue rose 5% to £1.97bn.", ["5"]),
        ("Chief executive Rod Eddington called the results respectable.", []),
        ("Chief executive Willie Walsh called the results respectable.", ["Willie", "Walsh"]),
        ('He called the results "respectable" overall.', []),
        ('He called the results "very strong" overall.', ["very strong"]),
        ("The airline cut 13,000 jobs.", []),
    ],
)
def test_claims_are_checked_against_the_article(summary: str, missing: list[str]) -> None:
    article = (
        "Turnover was up 4.3% to £1.97bn. Rod Eddington, BA's chief executive, said the results "
        'were "respectable". BA has cut 13000 jobs.'
    )
    assert unsupported_claims(summary, article, "en") == missing


def test_russian_names_match_in_other_cases() -> None:
    article = "Министр иностранных дел России Сергей Лавров встретился с коллегой из Узбекистана."
    assert (
        unsupported_claims("Лавров обсудил с Узбекистаном и Россией сотрудничество.", article, "ru")
        == []
    )


@pytest.fixture
def bedrock_log() -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []
    handler = logging.Handler(level=logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("newsbrief.summarizing.bedrock")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def _configured_client() -> Any:
    return boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=client_config(),
    )


def test_the_client_has_short_timeouts_and_bounded_adaptive_retries() -> None:
    config = _configured_client().meta.config
    assert (config.connect_timeout, config.read_timeout) == (2, 10)
    assert config.retries == {"mode": "adaptive", "total_max_attempts": 2}
    # Two attempts of connect + read, with backoff, fit the summarize function's batch budget.
    assert MAX_ATTEMPTS * (CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS) + 1 <= 90 / 3


def test_the_runtime_builds_its_bedrock_client_with_that_config() -> None:
    from newsbrief import runtime

    runtime.reset()
    try:
        config = runtime.bedrock_runtime().meta.config
        assert (config.connect_timeout, config.read_timeout) == (2, 10)
        assert config.retries["mode"] == "adaptive"
    finally:
        runtime.reset()


def test_a_model_that_times_out_is_tried_twice_then_falls_back(
    bedrock_log: list[logging.LogRecord],
) -> None:
    _, body = seed_title_and_body()
    bedrock = _configured_client()
    attempts: list[str] = []

    def time_out(request: Any, **kwargs: Any) -> None:
        attempts.append(request.url)
        raise ReadTimeoutError(endpoint_url=request.url)

    bedrock.meta.events.register("before-send.bedrock-runtime.Converse", time_out)
    # Standard retries back off up to a second between the attempts.
    result = summarize_with_bedrock(body, client=bedrock, model_id=MODEL_ID)

    assert len(attempts) == MAX_ATTEMPTS
    assert result.sentences == summarize(body).sentences
    assert result.method.endswith("+bedrock-fallback:timeout")
    assert fallback_reason(result.method) == "timeout"
    (record,) = bedrock_log
    assert record.levelno == logging.WARNING
    assert record.fallback_reason == "timeout"  # type: ignore[attr-defined]
    assert "Read timeout" in record.getMessage()


def test_access_denied_falls_back_with_its_own_reason_and_is_logged(
    client: Any, bedrock_log: list[logging.LogRecord]
) -> None:
    _, body = seed_title_and_body()
    client.stubber.add_client_error(
        "converse",
        service_error_code="AccessDeniedException",
        service_message="You don't have access to the model with the specified model ID.",
        http_status_code=403,
    )

    result = summarize_with_bedrock(body, client=client, model_id=MODEL_ID)

    assert result.sentences == summarize(body).sentences
    assert fallback_reason(result.method) == "access_denied"
    (record,) = bedrock_log
    assert record.levelno == logging.WARNING
    assert record.aws_error_code == "AccessDeniedException"  # type: ignore[attr-defined]
    assert "don't have access" in record.getMessage()


def test_a_bedrock_summary_has_no_fallback_reason(
    client: Any, bedrock_log: list[logging.LogRecord]
) -> None:
    title, body = seed_title_and_body()
    client.stubber.add_response("converse", _answer(FAITHFUL), _expected_request())

    result = summarize_with_bedrock(
        body, client=client, model_id=MODEL_ID, title=title, language="en", sentences=2
    )

    assert fallback_reason(result.method) is None
    assert fallback_reason(summarize(body).method) is None
    assert bedrock_log == []


def test_every_fallback_reason_is_one_the_alarm_reads(client: Any) -> None:
    _, body = seed_title_and_body()
    for code in ("ThrottlingException", "ValidationException", "AccessDeniedException"):
        client.stubber.add_client_error("converse", service_error_code=code, http_status_code=400)
        result = summarize_with_bedrock(body, client=client, model_id=MODEL_ID)
        assert fallback_reason(result.method) in FALLBACK_REASONS
