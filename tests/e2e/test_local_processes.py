"""`python -m local serve` runs moto, every instance of the queue-fed functions and the API in
processes of their own, and stops all of them at once on Ctrl-C or SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from local.iam_check import check, function_roles, load_unexercised, read_calls
from local.launch import served_stack, stack_client
from local.template import read_stack

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
CONCURRENCY = "2"
# On this loaded 2-core machine the stack ends in about a second; before, SIGTERM took far longer.
STOP_SECONDS = 10.0

pytestmark = pytest.mark.e2e


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def command_line(pid: int) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes()


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return status != "Z"


def wait_until_indexed(banner: dict[str, str], table: str, key: str) -> str:
    dynamodb = stack_client(banner, "dynamodb")
    deadline = time.monotonic() + 90
    status = ""
    while time.monotonic() < deadline and status != "indexed":
        items = dynamodb.query(
            TableName=table,
            IndexName="SourceKeyIndex",
            KeyConditionExpression="source_key = :key",
            ExpressionAttributeValues={":key": {"S": key}},
        )["Items"]
        ids = [item["id"]["S"] for item in items]
        if ids:
            article = dynamodb.get_item(TableName=table, Key={"id": {"S": ids[0]}})["Item"]
            status = article["status"]["S"]
        time.sleep(0.5)
    return status


# Ctrl-C comes after the stack has processed an upload; SIGTERM to a stack that is still idle.
@pytest.mark.parametrize(("stop", "upload"), [("ctrl-c", True), ("sigterm", False)])
def test_every_function_instance_runs_in_its_own_process_and_all_stop_at_once(
    tmp_path: Path, stop: str, upload: bool
):
    calls = tmp_path / "calls"
    env = {"NEWSBRIEF_STAGE_CONCURRENCY": CONCURRENCY, "NEWSBRIEF_RECORD_CALLS": str(calls)}
    # A session of its own: Ctrl-C reaches the stack's whole process group, as in a terminal.
    with served_stack(tmp_path, env, new_session=True) as served:
        process, banner = served.process, served.banner
        written = json.loads(served.banner_file.read_text())
        assert written["pid"] == process.pid

        spec, _ = read_stack(
            ROOT / "template.yaml", "newsbrief", {"StageMaximumConcurrency": CONCURRENCY}
        )
        instances = sum(mapping.maximum_concurrency or 0 for mapping in spec.mappings)
        assert instances == 3 * int(CONCURRENCY)
        stack_children = children(process.pid)
        forked = [c for c in stack_children if command_line(c) == command_line(process.pid)]
        moto = [c for c in stack_children if b"local.processes" in command_line(c)]
        # Every function instance and the API are forked; moto's server is an interpreter
        # of its own; nothing else.
        assert len(forked) == instances + 1
        assert len(moto) == 1
        assert len(stack_children) == instances + 2

        if upload:
            s3 = stack_client(banner, "s3")
            key = "incoming/processes/seed.txt"
            body = (FIXTURES / "seed-article.txt").read_bytes()
            s3.put_object(Bucket=banner["bucket"], Key=key, Body=body)
            table = written["outputs"]["ArticlesTableName"]
            assert wait_until_indexed(banner, table, key) == "indexed"

        began = time.monotonic()
        if stop == "ctrl-c":
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.terminate()
        assert process.wait(timeout=30) == 0
        assert time.monotonic() - began < STOP_SECONDS
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(alive(c) for c in stack_children):
            time.sleep(0.1)
        assert not [c for c in stack_children if alive(c)]
        assert not served.banner_file.exists()

    if upload:
        # Each forked instance recorded its function's calls, its polling among them; the
        # upload's calls are all allowed by the template's roles.
        recorded = read_calls(calls)
        assert len(list(calls.glob("calls-*.jsonl"))) >= 3
        polled = {
            (call.function, call.requirement.resource.rsplit(":", 1)[1])
            for call in recorded
            if call.requirement.action == "sqs:ReceiveMessage"
        }
        assert polled == {
            ("ParseFunction", "newsbrief-ParseQueue"),
            ("SummarizeFunction", "newsbrief-SummarizeQueue"),
            ("IndexFunction", "newsbrief-IndexQueue"),
        }
        assert any(
            call.function == "ParseFunction"
            and call.requirement.resource.endswith("/incoming/processes/seed.txt")
            for call in recorded
        )
        assert check(function_roles(), recorded, load_unexercised()).denied == []
