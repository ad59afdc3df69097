"""Shared fixtures: the template's resources in moto, and the functions run as Lambda would."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)

# Credentials must be set before boto3 loads.
from harness import API_KEY, Api, Pipeline
from moto import mock_aws

from local.api_gateway import ApiGateway
from local.call_recorder import install_from_environment
from local.functions import Function, queue_pollers, stack_functions
from local.moto_gaps import behave_like_aws
from local.resources import create_resources
from local.template import StackSpec, read_stack
from newsbrief import runtime

ROOT = Path(__file__).resolve().parent.parent

# With NEWSBRIEF_RECORD_CALLS set (as `make test` sets it), the functions' calls in the
# in-process runs are recorded too, before any session exists.
install_from_environment()
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def stack_spec() -> tuple[StackSpec, Any]:
    return read_stack(ROOT / "template.yaml", "newsbrief")


@pytest.fixture(scope="session")
def functions(stack_spec: tuple[StackSpec, Any]) -> dict[str, Function]:
    spec, _ = stack_spec
    os.environ.update(spec.environment)
    return stack_functions(spec)


@pytest.fixture
def pipeline(
    stack_spec: tuple[StackSpec, Any], functions: dict[str, Function]
) -> Iterator[Pipeline]:
    spec, resolver = stack_spec
    behave_like_aws()
    with mock_aws():
        os.environ.update(spec.environment)
        runtime.reset()
        # Resources and event polling stand in for AWS itself: a session of their own, so that
        # faults injected into the functions' default session never reach them.
        session = boto3.session.Session()
        s3, sqs, dynamodb, events = (
            session.client(name) for name in ("s3", "sqs", "dynamodb", "events")
        )
        queue_urls = create_resources(spec, s3, sqs, dynamodb, events)
        pollers = queue_pollers(spec, resolver.arns, functions, sqs, queue_urls, retry_delay=0)
        gateway = ApiGateway(
            spec.routes, functions, API_KEY, spec.binary_media_types, spec.gateway_responses
        )
        yield Pipeline(spec, s3, sqs, dynamodb, events, pollers, Api(gateway))
        runtime.reset()


@pytest.fixture(scope="session")
def seed_article() -> bytes:
    return (FIXTURES / "seed-article.txt").read_bytes()
