"""The summarize function counts Bedrock fallbacks in the EMF metric the fallback alarm reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from local.functions import Function
from local.template import StackSpec
from newsbrief.summarizing.bedrock import FALLBACK_METRIC

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def summarize_app(stack_spec: tuple[StackSpec, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in stack_spec[0].environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Newsbrief")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "newsbrief")
    function = Function(
        "SummarizeFunction", ROOT / "functions/summarize", "app.lambda_handler", 512, 30
    )
    return function._module


def emf_records(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if '"_aws"' in line]


@pytest.mark.parametrize("reason", ["timeout", "access_denied", "unfaithful"])
def test_a_fallback_is_counted_with_its_reason(
    summarize_app: Any, capsys: pytest.CaptureFixture[str], reason: str
) -> None:
    summarize_app.count_fallback(f"extractive-v3+bedrock-fallback:{reason}")

    (record,) = emf_records(capsys.readouterr().out)
    (directive,) = record["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "Newsbrief"
    assert [metric["Name"] for metric in directive["Metrics"]] == [FALLBACK_METRIC]
    assert sorted(directive["Dimensions"][0]) == ["reason", "service"]
    assert (record["service"], record["reason"], record[FALLBACK_METRIC]) == (
        "newsbrief",
        reason,
        [1.0],
    )


@pytest.mark.parametrize("method", ["bedrock:amazon.nova-lite-v1:0", "extractive-v3"])
def test_a_summary_without_fallback_counts_nothing(
    summarize_app: Any, capsys: pytest.CaptureFixture[str], method: str
) -> None:
    summarize_app.count_fallback(method)
    assert emf_records(capsys.readouterr().out) == []
