"""The API against its own OpenAPI document, with generated requests: no 5xx, every response
conforms to the schema."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

# One worker runs this file on a stack of its own: its generated uploads keep the functions busy.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("api-schema")]


@pytest.fixture(scope="session")
def api_schema(local_stack: dict[str, str]) -> Any:
    return schemathesis.openapi.from_url(f"{local_stack['api_url']}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests_get_documented_answers(case: Any, local_stack: dict[str, str]):
    case.call_and_validate(
        base_url=local_stack["api_url"],
        headers={"x-api-key": local_stack["api_key"]},
        excluded_checks=[
            # API Gateway answers an undeclared method like an unknown path: 404, not 405.
            schemathesis.checks.unsupported_method,
            # Cursors are opaque tokens (any other string is refused with 400) and uploads are
            # raw files the schema cannot describe, so schema-valid is not always acceptable.
            schemathesis.checks.positive_data_acceptance,
        ],
    )
