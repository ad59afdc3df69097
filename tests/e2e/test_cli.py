"""The `newsbrief` command as a user runs it, against the local stack in a subprocess."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest

from local.launch import stack_client
from newsbrief.events import article_id_for

NEWSBRIEF = str(Path(sys.executable).with_name("newsbrief"))
COMMANDS = [
    *("import", "status", "redrive", "reindex", "resummarize", "search", "show", "furniture"),
    *("summary show", "summary edit", "summary approve", "summary history"),
]

# One worker runs the CLI and local-stack files: their tests share one stack (session fixture).
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("local-stack")]


def story(n: int) -> str:
    return (
        f"# Harbour ferry timetable {n} changes\n\n"
        f"The ferry operator will add {n + 2} crossings a day from June, the company said on "
        "Monday, after commuters asked for earlier morning boats and a later return trip.\n\n"
        f"The new timetable, number {n}, also adds a late service on Fridays and Saturdays, "
        "and the harbour board said it would review the moorings before the summer season.\n"
    )


def environment(banner_file: Path, manifest: Path) -> dict[str, str]:
    return {
        **os.environ,
        "NEWSBRIEF_BANNER_FILE": str(banner_file),
        "NEWSBRIEF_MANIFEST": str(manifest),
        "COLUMNS": "250",
    }


def newsbrief(
    banner_file: Path, manifest: Path, *args: str, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the project's own command
        [NEWSBRIEF, *args],
        env=environment(banner_file, manifest),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def rows(output: str) -> dict[str, tuple[int, str]]:
    """The import report's rows: outcome → (files, details)."""
    found = {}
    for line in output.splitlines():
        match = re.match(r"^│ (.+?)\s+│\s+(\d+) │ (.*?)\s*│$", line)
        if match:
            found[match.group(1)] = (int(match.group(2)), match.group(3))
    return found


def test_every_command_has_help():
    processes = {
        command: subprocess.Popen(  # noqa: S603 - the project's own command
            [NEWSBRIEF, *command.split(), "--help"], stdout=subprocess.PIPE, text=True
        )
        for command in ["", *COMMANDS]
    }
    helps = {}
    for command, process in processes.items():
        helps[command], _ = process.communicate(timeout=60)
        assert process.returncode == 0, command
        assert helps[command].startswith(f"usage: newsbrief {command}".rstrip()), helps[command]
    for command in COMMANDS:
        assert f"    {command.split()[0]} " in helps[""]


def test_without_a_running_stack_the_tool_says_how_to_start_one(tmp_path: Path):
    result = newsbrief(tmp_path / "no-banner.json", tmp_path / "m.sqlite3", "status")
    assert result.returncode == 2
    assert "make serve" in result.stderr


def test_import_reports_every_file_and_a_rerun_skips_them(
    local_stack: dict[str, str], banner_file: Path, tmp_path: Path
):
    archive = tmp_path / "archive"
    (archive / "ferries").mkdir(parents=True)
    (archive / "story.md").write_text(story(0))
    (archive / "ferries" / "story copy.md").write_text(story(0))
    (archive / "ferries" / "timetable.md").write_text(story(1))
    (archive / "empty.txt").write_bytes(b"")
    (archive / "noise.txt").write_bytes(bytes(range(256)) * 8)
    (archive / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (archive / ".DS_Store").write_bytes(b"hidden")
    deep = archive.joinpath(*["d" * 200] * 5)
    deep.mkdir(parents=True)
    (deep / "too long.txt").write_text(story(2))
    manifest = tmp_path / "manifest.sqlite3"

    first = newsbrief(banner_file, manifest, "import", str(archive), "--prefix", "mixed", "--wait")
    assert first.returncode == 1, first.stderr
    report = rows(first.stdout)
    assert report["uploaded"][0] == 5
    assert report["already uploaded"][0] == 0
    assert report["not a supported type"] == (1, "incoming/mixed/photo.png")
    assert report["failed uploads"][0] == 1
    assert "longer than S3's 1,024 bytes" in report["failed uploads"][1]
    assert report["indexed"] == (3, "1 of them duplicates of other articles")
    assert report["rejected: empty"] == (1, "incoming/mixed/empty.txt")
    assert report["rejected: binary"] == (1, "incoming/mixed/noise.txt")
    assert "still processing (gave up)" not in report
    assert "upload" in first.stderr and "settled" in first.stderr

    again = newsbrief(banner_file, manifest, "import", str(archive), "--prefix", "mixed", "--wait")
    assert again.returncode == 1
    report = rows(again.stdout)
    assert report["uploaded"][0] == 0
    assert report["already uploaded"][0] == 5
    assert report["indexed"][0] == 3
    assert report["rejected: empty"][0] == 1

    # Another machine (no manifest) learns from the objects' checksums that nothing changed.
    elsewhere = newsbrief(
        banner_file, tmp_path / "other.sqlite3", "import", str(archive), "--prefix", "mixed"
    )
    assert rows(elsewhere.stdout)["already uploaded"][0] == 5
    assert rows(elsewhere.stdout)["uploaded"][0] == 0

    # A changed file is uploaded again and followed until its new version is processed.
    (archive / "ferries" / "timetable.md").write_text(story(3))
    changed = newsbrief(
        banner_file,
        manifest,
        "import",
        str(archive / "ferries"),
        "--prefix",
        "mixed/ferries",
        "--wait",
    )
    assert changed.returncode == 0, changed.stdout + changed.stderr
    report = rows(changed.stdout)
    assert report["uploaded"][0] == 1
    assert report["already uploaded"][0] == 1
    assert report["indexed"][0] == 2


def test_wait_ends_with_success_when_every_file_is_indexed(
    local_stack: dict[str, str], banner_file: Path, tmp_path: Path
):
    folder = tmp_path / "good"
    folder.mkdir()
    for n in range(10, 13):
        (folder / f"story-{n}.md").write_text(story(n))
    result = newsbrief(
        banner_file, tmp_path / "m.sqlite3", "import", str(folder), "--prefix", "good", "--wait"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = rows(result.stdout)
    assert report["uploaded"][0] == 3
    assert report["indexed"] == (3, "")
    assert not any(label.startswith("rejected") for label in report)


def test_an_interrupted_import_finishes_on_the_next_run_without_duplicates(
    local_stack: dict[str, str], banner_file: Path, tmp_path: Path
):
    folder = tmp_path / "slow"
    folder.mkdir()
    total = 30
    for n in range(total):
        # Cheap for the pipeline: rejected as binary at once.
        (folder / f"scan-{n:02}.txt").write_bytes(os.urandom(16 * 1024))
    manifest = tmp_path / "manifest.sqlite3"
    s3 = stack_client(local_stack, "s3")
    prefix = "incoming/interrupted/"

    def uploaded() -> list[str]:
        listing = s3.list_objects_v2(Bucket=local_stack["bucket"], Prefix=prefix)
        return [entry["Key"] for entry in listing.get("Contents", [])]

    command = [NEWSBRIEF, "import", str(folder), "--prefix", "interrupted"]
    process = subprocess.Popen(  # noqa: S603 - the project's own command
        [*command, "--concurrency", "2", "--max-bandwidth", "48K"],
        env=environment(banner_file, manifest),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while len(uploaded()) < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "run the same command again" in stderr
    before = len(uploaded())
    assert 4 <= before < total
    report = rows(stdout)
    assert report["uploaded"][0] <= before
    assert report["interrupted"][0] >= 1

    rerun = newsbrief(banner_file, manifest, "import", str(folder), "--prefix", "interrupted")
    assert rerun.returncode == 0, rerun.stderr
    report = rows(rerun.stdout)
    assert report["uploaded"][0] + report["already uploaded"][0] == total
    assert report["already uploaded"][0] >= before - 2  # at most the transfers cut short
    versions = s3.list_object_versions(Bucket=local_stack["bucket"], Prefix=prefix)["Versions"]
    assert sorted(v["Key"] for v in versions) == sorted(
        f"{prefix}scan-{n:02}.txt" for n in range(total)
    )


def test_status_counts_articles_and_shows_every_queue(
    local_stack: dict[str, str], banner_file: Path, tmp_path: Path
):
    folder = tmp_path / "status"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b" ")
    imported = newsbrief(
        banner_file, tmp_path / "m.sqlite3", "import", str(folder), "--prefix", "st", "--wait"
    )
    assert rows(imported.stdout)["rejected: empty"][0] == 1

    result = newsbrief(banner_file, tmp_path / "m.sqlite3", "status")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    rejected = next(line for line in lines if line.startswith("│ rejected "))
    assert int(rejected.split("│")[2]) >= 1
    empty = next(line for line in lines if line.startswith("│ empty "))
    assert int(empty.split("│")[2]) >= 1
    for stage in ("parse", "summarize", "index"):
        assert sum(1 for line in lines if line.startswith(f"│ {stage} ")) == 2


def outputs(banner_file: Path) -> dict[str, str]:
    return dict(json.loads(banner_file.read_text())["outputs"])


def wait_for(condition: Any, timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError("timed out")


def article(banner: dict[str, str], article_id: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{banner['api_url']}/articles/{article_id}", timeout=30) as r:  # noqa: S310
        return dict(json.loads(r.read()))


def test_a_dead_lettered_upload_is_seen_by_status_and_redriven_once_fixed(
    local_stack: dict[str, str], banner_file: Path, tmp_path: Path
):
    # An upload archived straight to Glacier cannot be read until it is restored: the parse
    # stage fails on it until its message lands in the dead-letter queue.
    s3, sqs = stack_client(local_stack, "s3"), stack_client(local_stack, "sqs")
    key = "incoming/archived/cold storage.md"
    s3.put_object(
        Bucket=local_stack["bucket"], Key=key, Body=story(40).encode(), StorageClass="GLACIER"
    )
    dead_letters = outputs(banner_file)["ParseDeadLetterQueueUrl"]

    def dead_lettered() -> int:
        attributes = sqs.get_queue_attributes(
            QueueUrl=dead_letters, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"])

    wait_for(dead_lettered)
    manifest = tmp_path / "m.sqlite3"
    status = newsbrief(banner_file, manifest, "status")
    parse_dead = next(
        line for line in status.stdout.splitlines() if re.match(r"^│ parse\s+│ dead letters", line)
    )
    assert int(parse_dead.split("│")[3]) == 1
    assert "newsbrief redrive" in status.stdout

    s3.restore_object(Bucket=local_stack["bucket"], Key=key, RestoreRequest={"Days": 1})
    moved = newsbrief(banner_file, manifest, "redrive")
    assert moved.returncode == 0, moved.stderr
    counts = {
        cells[1].strip(): int(cells[2])
        for line in moved.stdout.splitlines()
        if len(cells := line.split("│")) == 4 and cells[2].strip().isdigit()
    }
    assert counts == {"parse": 1, "summarize": 0, "index": 0}
    article_id = article_id_for(key)
    assert wait_for(lambda: article(local_stack, article_id)["status"] == "indexed")
    assert dead_lettered() == 0

    shown = newsbrief(banner_file, manifest, "show", key)
    assert shown.returncode == 0, shown.stderr
    assert "Harbour ferry timetable 40 changes" in shown.stdout
    assert "indexed" in shown.stdout and "Summary" in shown.stdout
    found = newsbrief(banner_file, manifest, "search", "timetable 40")
    assert found.returncode == 0, found.stderr
    assert article_id in found.stdout
    # The snippet's matches are highlighted by the terminal, not shown as the API's HTML.
    assert "<mark>" not in found.stdout and "timetable" in found.stdout
    missing = newsbrief(banner_file, manifest, "show", "0" * 20)
    assert missing.returncode == 2 and "404" in missing.stderr


def test_resummarize_and_reindex_through_the_tool(
    local_stack: dict[str, str], banner_file: Path, tmp_path: Path
):
    folder = tmp_path / "ops"
    folder.mkdir()
    (folder / "ops.md").write_text(story(50))
    manifest = tmp_path / "m.sqlite3"
    imported = newsbrief(banner_file, manifest, "import", str(folder), "--prefix", "ops", "--wait")
    assert imported.returncode == 0, imported.stdout
    article_id = article_id_for("incoming/ops/ops.md")
    table = boto3.resource(
        "dynamodb",
        endpoint_url=local_stack["s3_endpoint"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).Table(outputs(banner_file)["ArticlesTableName"])
    table.update_item(
        Key={"id": article_id},
        UpdateExpression="SET summary_version = :old",
        ExpressionAttributeValues={":old": "0-old"},
    )
    result = newsbrief(banner_file, manifest, "resummarize")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("queued 1 articles for summarizer ")
    assert wait_for(
        lambda: table.get_item(Key={"id": article_id})["Item"]["summary_version"] != "0-old"
    )

    summaries = stack_client(local_stack, "s3").list_objects_v2(
        Bucket=local_stack["bucket"], Prefix="summaries/"
    )["KeyCount"]
    result = newsbrief(banner_file, manifest, "reindex")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"queued {summaries} summaries for indexing"


def court_page(n: int) -> str:
    return (
        f"<html><head><title>Harbour fraud trial, day {n}</title></head><body><article>"
        f"<h1>Harbour fraud trial, day {n}</h1>"
        f"<p>On day {n} of the trial the court heard from witness number {n}, an accountant\n"
        f"who said she had checked {n + 4} invoices for the dredging work and found that\n"
        "several of them had been paid twice by the harbour board.</p>"
        "<p>The trial continues.</p>"
        "<p>Morning Post reporters cover the county courts every weekday</p>"
        "</article></body></html>"
    )


def test_furniture_learned_for_a_source_is_listed_and_forgotten_through_the_tool(
    local_stack: dict[str, str], banner_file: Path, tmp_path: Path
):
    folder = tmp_path / "court"
    folder.mkdir()
    for n in range(1, 5):
        (folder / f"day-{n}.html").write_text(court_page(n))
    manifest = tmp_path / "m.sqlite3"
    imported = newsbrief(
        banner_file, manifest, "import", str(folder), "--prefix", "morningpost", "--wait"
    )
    assert imported.returncode == 0, imported.stdout

    listed = newsbrief(banner_file, manifest, "furniture", "list", "morningpost")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == [
        "4",
        "uploads",
        *["morning", "post", "reporters", "cover", "the", "county", "courts", "every", "weekday"],
    ]
    forgotten = newsbrief(banner_file, manifest, "furniture", "forget", "morningpost")
    assert forgotten.returncode == 0, forgotten.stderr
    assert forgotten.stdout.strip().startswith("forgot ")
    assert forgotten.stdout.strip().endswith(" lines counted for morningpost")
    listed = newsbrief(banner_file, manifest, "furniture", "list", "morningpost")
    assert listed.stdout.strip() == "no furniture learned for morningpost"


def test_an_editor_reviews_a_summary_with_the_tool(
    local_stack: dict[str, str], banner_file: Path, tmp_path: Path
):
    folder = tmp_path / "desk"
    folder.mkdir()
    (folder / "desk.md").write_text(story(70))
    manifest = tmp_path / "m.sqlite3"
    imported = newsbrief(banner_file, manifest, "import", str(folder), "--prefix", "desk", "--wait")
    assert imported.returncode == 0, imported.stdout
    key = "incoming/desk/desk.md"
    article_id = article_id_for(key)

    shown = newsbrief(banner_file, manifest, "summary", "show", key)
    assert shown.returncode == 0, shown.stderr
    assert "machine (extractive" in shown.stdout and "not reviewed" in shown.stdout

    approved = newsbrief(banner_file, manifest, "summary", "approve", article_id, "--by", "Ben")
    assert approved.returncode == 0, approved.stderr
    assert (
        "stored: approved (extractive" in approved.stdout and "approved by Ben" in approved.stdout
    )

    # $EDITOR gets the current bullets and saves its own: here a script that appends a line.
    editor = tmp_path / "append-bullet"
    editor.write_text('#!/bin/sh\nprintf -- "- Moorings are reviewed before summer.\\n" >> "$1"\n')
    editor.chmod(0o755)
    edited = subprocess.run(  # noqa: S603 - the project's own command
        [NEWSBRIEF, "summary", "edit", article_id, "--by", "Ana Ortiz", "--note", "Moorings"],
        env={**environment(banner_file, manifest), "EDITOR": str(editor)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert edited.returncode == 0, edited.stderr
    assert "stored: editor (written by Ana Ortiz at " in edited.stdout
    assert "• Moorings are reviewed before summer." in edited.stdout
    assert article(local_stack, article_id)["summary"][-1] == "Moorings are reviewed before summer."

    bullets = tmp_path / "bullets.txt"
    bullets.write_text("# a comment\n- Seventy-two crossings a day.\n\n• A late boat on Fridays.\n")
    from_file = newsbrief(
        banner_file, manifest, "summary", "edit", article_id, "--by", "Ana", "--file", str(bullets)
    )
    assert from_file.returncode == 0, from_file.stderr
    assert article(local_stack, article_id)["summary"] == [
        "Seventy-two crossings a day.",
        "A late boat on Fridays.",
    ]
    refused = newsbrief(banner_file, manifest, "summary", "edit", article_id, "--text", "x" * 501)
    assert refused.returncode == 2 and "400 invalid_request" in refused.stderr

    # A changed re-upload keeps the edit but marks it stale, in `summary show` and `status`.
    (folder / "desk.md").write_text(story(70) + "\nFares stay as they are until December.\n")
    reimported = newsbrief(
        banner_file, manifest, "import", str(folder), "--prefix", "desk", "--wait"
    )
    assert reimported.returncode == 0, reimported.stdout
    assert wait_for(lambda: article(local_stack, article_id)["summary_stale"])
    stale = newsbrief(banner_file, manifest, "summary", "show", article_id)
    assert "editor (written by Ana at " in stale.stdout and "STALE" in stale.stdout
    status = newsbrief(banner_file, manifest, "status")
    assert status.returncode == 0, status.stderr
    assert re.search(r"Stale summaries: \d+", status.stdout)
    assert f"│ {article_id} " in status.stdout

    history = newsbrief(banner_file, manifest, "summary", "history", article_id)
    assert history.returncode == 0, history.stderr
    origins = re.findall(r"^\S+Z  (machine|approved|editor) ", history.stdout, re.MULTILINE)
    assert origins[:4] == ["editor", "editor", "editor", "approved"], history.stdout
    assert origins[-1] == "machine"
