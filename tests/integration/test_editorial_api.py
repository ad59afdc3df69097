"""Editors' summaries through the API Gateway front in moto: an edit, an approval, the history
kept as S3 versions of the summaries/ object, search on the edited text, a re-upload of changed
text marking the edit stale, review required, and every refusal answered without a 5xx."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from harness import Pipeline

from newsbrief import runtime

STORY = {
    "title": "Harbour ferry adds crossings",
    "language": "en",
    "body": "The ferry operator will add four crossings a day from June, the company said on "
    "Monday. Commuters had asked for earlier morning boats for years. The new timetable also "
    "adds a late service on Fridays and Saturdays, when the last boat now leaves at ten.",
}
SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "events"
BULLETS = ["Four more crossings a day from June.", "A lighthouse-keeper boat runs on Fridays."]


def upload(pipeline: Pipeline, story: dict[str, str]) -> str:
    status, body = pipeline.api.request(
        "POST", "/articles?filename=ferry.json", json.dumps(story), "application/json"
    )
    assert status == 202, body
    pipeline.drain()
    return str(body["id"])


def send(
    pipeline: Pipeline, method: str, path: str, body: Any, api_key: str | None = "test-api-key"
) -> tuple[int, Any]:
    return pipeline.api.request(method, path, json.dumps(body), "application/json", api_key)


def test_an_editor_edits_and_approves_and_every_version_is_kept(pipeline: Pipeline) -> None:
    article_id = upload(pipeline, STORY)
    machine = pipeline.api.get(f"/articles/{article_id}/summary")
    assert machine["origin"] == "machine" and machine["method"].startswith("extractive")
    assert machine["pending_review"] is False

    status, edited = send(
        pipeline,
        "PUT",
        f"/articles/{article_id}/summary",
        {"summary": BULLETS, "editor": "Ana Ortiz", "note": "Plainer words"},
    )
    assert status == 200, edited
    assert (edited["origin"], edited["summary"], edited["editor"]) == (
        "editor",
        BULLETS,
        "Ana Ortiz",
    )
    assert edited["method"] is None and edited["reviewed_at"] and edited["note"] == "Plainer words"
    pipeline.drain()

    assert pipeline.api.get(f"/articles/{article_id}/summary?length=long") == edited
    article = pipeline.api.get(f"/articles/{article_id}")
    assert (article["summary"], article["summary_origin"], article["status"]) == (
        BULLETS,
        "editor",
        "indexed",
    )
    # The index took the edited text: a word only the editor wrote finds the article.
    found = pipeline.api.get("/search?q=lighthouse-keeper")
    assert [hit["id"] for hit in found["items"]] == [article_id]

    status, approved = send(
        pipeline, "POST", f"/articles/{article_id}/summary/approve", {"editor": "Ben Cole"}
    )
    assert status == 200, approved
    assert (approved["origin"], approved["summary"], approved["method"]) == (
        "approved",
        machine["summary"],
        machine["method"],
    )
    pipeline.drain()
    assert pipeline.api.get("/search?q=lighthouse-keeper")["items"] == []

    history = pipeline.api.get(f"/articles/{article_id}/summary/history")
    assert [version["origin"] for version in history["versions"]] == [
        "approved",
        "editor",
        "machine",
    ]
    assert history["versions"][1]["note"] == "Plainer words"
    assert all(version["version_id"] for version in history["versions"])
    versions = pipeline.s3.list_object_versions(
        Bucket=pipeline.bucket, Prefix=f"summaries/{article_id}.json"
    )["Versions"]
    assert len(versions) == 3
    status, _ = pipeline.api.request("GET", f"/articles/{article_id}/summary/history", api_key=None)
    assert status == 403


def test_a_reupload_of_changed_text_marks_the_edit_stale(pipeline: Pipeline) -> None:
    article_id = upload(pipeline, STORY)
    send(pipeline, "PUT", f"/articles/{article_id}/summary", {"summary": BULLETS, "editor": "Ana"})
    pipeline.drain()
    assert pipeline.api.get("/articles?summary=stale")["items"] == []

    upload(pipeline, STORY)  # the same text again: nothing changes
    assert pipeline.api.get(f"/articles/{article_id}/summary")["stale"] is False

    changed = {**STORY, "body": STORY["body"] + " Fares stay as they are until December."}
    upload(pipeline, changed)

    summary = pipeline.api.get(f"/articles/{article_id}/summary")
    assert (summary["summary"], summary["stale"]) == (BULLETS, True)
    [stale] = pipeline.api.get("/articles?summary=stale")["items"]
    assert (stale["id"], stale["summary_stale"], stale["status"]) == (article_id, True, "indexed")
    assert pipeline.api.get("/search?q=December")["items"][0]["id"] == article_id


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"summary": [], "editor": "Ana"}, "invalid_request"),
        ({"summary": ["  "], "editor": "Ana"}, "invalid_request"),
        ({"summary": ["x" * 501], "editor": "Ana"}, "invalid_request"),
        ({"summary": ["fine"] * 11, "editor": "Ana"}, "invalid_request"),
        ({"summary": ["fine"]}, "invalid_request"),
        ("not an object", "invalid_request"),
    ],
)
def test_an_empty_or_overlong_summary_is_a_400(pipeline: Pipeline, body: Any, code: str) -> None:
    article_id = upload(pipeline, STORY)
    status, response = send(pipeline, "PUT", f"/articles/{article_id}/summary", body)
    assert status == 400, response
    assert response["error"]["code"] == code
    assert pipeline.api.get(f"/articles/{article_id}/summary")["origin"] == "machine"


def test_missing_rejected_and_keyless_requests_are_refused(pipeline: Pipeline) -> None:
    edit = {"summary": BULLETS, "editor": "Ana"}
    missing = "0123456789abcdef0123"
    assert send(pipeline, "PUT", f"/articles/{missing}/summary", edit)[0] == 404
    assert send(pipeline, "POST", f"/articles/{missing}/summary/approve", {"editor": "A"})[0] == 404
    status, _ = pipeline.api.request("GET", f"/articles/{missing}/summary/history")
    assert status == 404

    status, body = pipeline.api.request(
        "POST", "/articles?filename=broken.json", "{not json", "application/json"
    )
    pipeline.drain()
    rejected = body["id"]
    for method, path, payload in (
        ("PUT", f"/articles/{rejected}/summary", edit),
        ("POST", f"/articles/{rejected}/summary/approve", {"editor": "Ana"}),
    ):
        status, response = send(pipeline, method, path, payload)
        assert (status, response["error"]["code"]) == (409, "not_parsed")
        status, response = send(pipeline, method, path, payload, api_key=None)
        assert status == 403


def test_with_review_required_the_public_routes_wait_for_an_editor(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARY_REVIEW", "required")
    runtime.reset()
    article_id = upload(pipeline, STORY)

    pending = pipeline.api.get(f"/articles/{article_id}/summary")
    assert (pending["summary"], pending["pending_review"]) == ([], True)
    assert pipeline.api.get(f"/articles/{article_id}")["summary_pending_review"] is True
    assert pipeline.api.get("/articles")["items"][0]["summary"] == []
    [machine] = pipeline.api.get(f"/articles/{article_id}/summary/history")["versions"]
    assert machine["origin"] == "machine" and machine["summary"]

    status, approved = send(
        pipeline, "POST", f"/articles/{article_id}/summary/approve", {"editor": "Ben"}
    )
    assert status == 200, approved
    shown = pipeline.api.get(f"/articles/{article_id}/summary")
    assert (shown["summary"], shown["origin"], shown["pending_review"]) == (
        machine["summary"],
        "approved",
        False,
    )


def test_a_review_setting_other_than_off_or_required_fails_the_cold_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from newsbrief.settings import SettingsError, get_settings

    monkeypatch.setenv("SUMMARY_REVIEW", "sometimes")
    get_settings.cache_clear()
    with pytest.raises(SettingsError, match="SUMMARY_REVIEW"):
        get_settings()
    get_settings.cache_clear()


def reader_page(pipeline: Pipeline, path: str) -> str:
    status, _, body = pipeline.api.gateway.handle("GET", path, {"host": "127.0.0.1:3000"}, b"")
    assert status == 200, body
    return body.decode("utf-8")


def test_the_reader_labels_who_wrote_the_summary(pipeline: Pipeline) -> None:
    article_id = upload(pipeline, STORY)
    machine_view = reader_page(pipeline, f"/read/{article_id}/summary")
    assert re.search(r'data-origin="machine">Automatically generated summary', machine_view)
    assert re.search(r'data-origin="editor" hidden>Summary by the newsroom', machine_view)
    assert "Summary length" in reader_page(pipeline, f"/read/{article_id}")

    send(pipeline, "PUT", f"/articles/{article_id}/summary", {"summary": BULLETS, "editor": "Ana"})
    pipeline.drain()

    edited_view = reader_page(pipeline, f"/read/{article_id}/summary?length=short")
    assert re.search(r'data-origin="editor">Summary by the newsroom', edited_view)
    assert all(bullet in edited_view for bullet in BULLETS)
    article_page = reader_page(pipeline, f"/read/{article_id}")
    # The newsroom's summary has one length; the page offers no choice.
    assert "Summary length" not in article_page and "Get a summary" in article_page
    front = reader_page(pipeline, "/")
    assert BULLETS[0] in front


def test_with_review_required_the_reader_says_the_summary_is_pending(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARY_REVIEW", "required")
    runtime.reset()
    article_id = upload(pipeline, STORY)
    machine = pipeline.api.get(f"/articles/{article_id}/summary/history")["versions"][0]

    article_page = reader_page(pipeline, f"/read/{article_id}")
    assert '<p class="summary-pending">Summary pending review</p>' in article_page
    assert "Get a summary" not in article_page
    summary_view = reader_page(pipeline, f"/read/{article_id}/summary")
    assert "Summary pending review" in summary_view
    assert not any(sentence in summary_view for sentence in machine["summary"])
    assert machine["summary"][0] not in reader_page(pipeline, "/")

    send(pipeline, "POST", f"/articles/{article_id}/summary/approve", {"editor": "Ben"})
    summary_view = reader_page(pipeline, f"/read/{article_id}/summary")
    assert "Summary pending review" not in summary_view
    assert re.search(r'data-origin="machine">Automatically generated summary', summary_view)
    assert all(sentence in summary_view for sentence in machine["summary"])


def test_a_body_that_is_not_json_is_refused(pipeline: Pipeline) -> None:
    article_id = upload(pipeline, STORY)
    for method, path in (
        ("PUT", f"/articles/{article_id}/summary"),
        ("POST", f"/articles/{article_id}/summary/approve"),
    ):
        status, response = pipeline.api.request(method, path, '{"editor": "Ana"}', "text/plain")
        assert (status, response["error"]["code"]) == (415, "unsupported_media_type")
        status, response = pipeline.api.request(
            method, path, b"\x13J\xc0\xff;9", "application/json"
        )
        assert (status, response["error"]["code"]) == (400, "invalid_request")
        status, response = pipeline.api.request(method, path, "--x--", "multipart/form-data")
        assert (status, response["error"]["code"]) == (415, "unsupported_media_type")
        status, response = pipeline.api.request(
            method, path, "editor=Ana", "application/x-www-form-urlencoded"
        )
        assert (status, response["error"]["code"]) == (415, "unsupported_media_type")


def test_the_cms_hears_of_each_edit_approval_and_stale_summary(pipeline: Pipeline) -> None:
    from jsonschema import Draft202012Validator

    from local.subscriptions import subscribe
    from newsbrief.announcements.details import DetailType, schema_file_name

    cms = subscribe(pipeline.events, pipeline.sqs, pipeline.spec.event_bus_name, "cms")
    article_id = upload(pipeline, STORY)
    send(pipeline, "POST", f"/articles/{article_id}/summary/approve", {"editor": "Ben"})
    status, edited = send(
        pipeline,
        "PUT",
        f"/articles/{article_id}/summary",
        {"summary": BULLETS, "editor": "Ana", "note": "Plainer"},
    )
    assert status == 200, edited
    pipeline.drain()
    upload(pipeline, {**STORY, "body": STORY["body"] + " Fares stay as they are until December."})

    editorial = [
        event
        for event in cms.received()
        if event["detail-type"] in ("Summary Edited", "Summary Approved", "Summary Stale")
    ]
    assert [event["detail-type"] for event in editorial] == [
        "Summary Approved",
        "Summary Edited",
        "Summary Stale",
    ]
    for event in editorial:
        schema_file = SCHEMAS / schema_file_name(DetailType(event["detail-type"]))
        Draft202012Validator(json.loads(schema_file.read_text())).validate(event["detail"])
        assert event["detail"]["article_id"] == article_id
        assert event["detail"]["resource_url"].endswith(f"/articles/{article_id}")
    approved, edited_event, stale = (event["detail"] for event in editorial)
    assert (approved["approved_by"], edited_event["editor"], edited_event["note"]) == (
        "Ben",
        "Ana",
        "Plainer",
    )
    assert (edited_event["summary"], edited_event["version"]) == (BULLETS, edited["reviewed_at"])
    assert (stale["version"], stale["editor"]) == (edited["reviewed_at"], "Ana")
