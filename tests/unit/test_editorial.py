"""Editors' summaries on in-memory fakes: an edit and an approval through the service, the
history of versions, what readers are shown with review off and required, and the pipeline
never replacing the newsroom's summary (resummarize, a redelivered event, an unchanged
re-upload), while a re-upload of changed text marks it stale."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from newsbrief.announcements.details import DetailType
from newsbrief.announcements.newsroom import NewsroomEvents
from newsbrief.editorial import SummaryApproval, SummaryEdit, approved_summary
from newsbrief.events import ObjectEvent, article_id_for
from newsbrief.models import Status, SummaryOrigin
from newsbrief.pipeline.index import IndexStage
from newsbrief.pipeline.summarize import SummarizeOutcome, SummarizeStage
from newsbrief.service import NewsroomService, ServiceError
from newsbrief.settings import PARSED_PREFIX
from newsbrief.storage.articles import now_iso
from newsbrief.storage.objects import parsed_key
from tests.unit.test_stages import API_URL, BODY, JSON, Pipeline, story

FERRY = "incoming/ferry.json"
BULLETS = ["Four more ferry crossings a day from June.", "A late boat on Fridays and Saturdays."]
CHANGED_BODY = BODY + " The fares stay as they are until the end of the year."


class RecordingSummarizeStage(SummarizeStage):
    """The summarize stage, keeping the events it was handed (to deliver one again)."""

    handled: list[ObjectEvent]

    def handle(self, event: ObjectEvent) -> SummarizeOutcome:
        self.handled.append(event)
        return super().handle(event)


class Newsroom(Pipeline):
    """The stages and the service over one set of fakes."""

    def __init__(self, review_required: bool = False) -> None:
        super().__init__()
        events = NewsroomEvents(API_URL)
        self.recording = RecordingSummarizeStage(self.objects, self.articles, events)
        self.recording.handled = []
        self.summarize = self.recording
        self.indexer = IndexStage(
            self.objects, self.articles, self.index, events, self.bus, review_required
        )
        self.service = NewsroomService(
            self.objects, self.articles, lambda: self.index, review_required
        )

    def upload(self, body: str = BODY) -> str:
        self.objects.upload("ferry.json", story("Ferry timetable", body, language="en"), JSON)
        self.run()
        return article_id_for(FERRY)

    def edit(self, article_id: str, bullets: list[str] = BULLETS, note: str | None = None) -> None:
        self.service.edit_summary(
            article_id, SummaryEdit(summary=bullets, editor="Ana Ortiz", note=note)
        )
        self.run()

    def resummarize(self, article_id: str) -> None:
        """What `newsbrief resummarize` queues: the parse's event again, to the summarize stage."""
        self.objects._notify(parsed_key(article_id), removed=False, size=1, version_id=None)
        self.run()


@pytest.fixture
def newsroom() -> Newsroom:
    return Newsroom()


def error_of(call: pytest.ExceptionInfo[ServiceError]) -> tuple[int, str]:
    return call.value.status, call.value.code


def test_an_editors_summary_is_shown_stored_as_a_version_and_indexed(newsroom: Newsroom) -> None:
    article_id = newsroom.upload()
    machine = newsroom.service.summary(article_id, None, None)
    assert (machine.origin, machine.editor) == (SummaryOrigin.MACHINE, None)
    assert machine.method and machine.method.startswith("extractive")

    stored = newsroom.service.edit_summary(
        article_id, SummaryEdit(summary=BULLETS, editor="Ana Ortiz", note="Shorter lead")
    )
    newsroom.run()

    assert (stored.origin, stored.summary, stored.editor) == (
        SummaryOrigin.EDITOR,
        BULLETS,
        "Ana Ortiz",
    )
    assert stored.method is None and stored.note == "Shorter lead" and stored.reviewed_at
    # Readers get it at every length: the newsroom's summary is the summary.
    assert newsroom.service.summary(article_id, None, "short") == stored
    assert newsroom.service.summary(article_id, 1, None) == stored
    detail = newsroom.service.article(article_id)
    assert (detail.summary, detail.summary_origin, detail.summary_method) == (
        BULLETS,
        SummaryOrigin.EDITOR,
        None,
    )
    [item] = newsroom.service.list_articles(10, None, None, None).items
    assert (item.summary, item.summary_origin) == (BULLETS, SummaryOrigin.EDITOR)
    # The index took the edited summary in place of the machine's.
    assert newsroom.index.documents[article_id].summary == BULLETS
    assert newsroom.articles.get(article_id).status is Status.INDEXED  # type: ignore[union-attr]
    history = newsroom.service.summary_history(article_id, 50).versions
    assert [version.origin for version in history] == [SummaryOrigin.EDITOR, SummaryOrigin.MACHINE]
    assert history[0].summary == BULLETS and history[0].note == "Shorter lead"
    assert history[1].summary == machine.summary and history[1].method == machine.method


def test_approving_the_machine_summary_records_who_and_when_once(newsroom: Newsroom) -> None:
    article_id = newsroom.upload()
    machine = newsroom.service.summary(article_id, None, None)

    approved = newsroom.service.approve_summary(article_id, SummaryApproval(editor="Ben Cole"))
    again = newsroom.service.approve_summary(article_id, SummaryApproval(editor="Ben Cole"))
    newsroom.run()

    assert (approved.origin, approved.summary, approved.method) == (
        SummaryOrigin.APPROVED,
        machine.summary,
        machine.method,
    )
    assert approved.editor == "Ben Cole" and approved.reviewed_at
    assert again == approved
    history = newsroom.service.summary_history(article_id, 50).versions
    assert [version.origin for version in history] == [
        SummaryOrigin.APPROVED,
        SummaryOrigin.MACHINE,
    ]


@pytest.mark.parametrize(
    "rerun",
    ["resummarize", "redelivered parse event", "unchanged re-upload"],
)
def test_the_pipeline_never_replaces_the_newsrooms_summary(newsroom: Newsroom, rerun: str) -> None:
    article_id = newsroom.upload()
    newsroom.edit(article_id)
    if rerun == "resummarize":
        newsroom.resummarize(article_id)
    elif rerun == "redelivered parse event":
        first = newsroom.recording.handled[0]
        newsroom.summarize.handle(first)
        newsroom.run()
    else:
        newsroom.upload()

    shown = newsroom.service.summary(article_id, None, None)
    assert (shown.origin, shown.summary, shown.stale) == (SummaryOrigin.EDITOR, BULLETS, False)
    assert newsroom.index.documents[article_id].summary == BULLETS
    assert newsroom.articles.get(article_id).status is Status.INDEXED  # type: ignore[union-attr]
    assert newsroom.service.list_articles(10, None, None, None, stale_summaries=True).items == []
    assert newsroom.bus.details(DetailType.SUMMARY_STALE) == []
    # Carried over, not a new version in the history.
    history = newsroom.service.summary_history(article_id, 50).versions
    assert [version.origin for version in history] == [SummaryOrigin.EDITOR, SummaryOrigin.MACHINE]


def test_a_reupload_of_changed_text_keeps_the_editors_summary_but_marks_it_stale(
    newsroom: Newsroom,
) -> None:
    article_id = newsroom.upload()
    newsroom.edit(article_id)

    newsroom.upload(CHANGED_BODY)

    shown = newsroom.service.summary(article_id, None, None)
    assert (shown.origin, shown.summary, shown.stale) == (SummaryOrigin.EDITOR, BULLETS, True)
    [stale] = newsroom.service.list_articles(10, None, None, None, stale_summaries=True).items
    assert (stale.id, stale.summary_stale) == (article_id, True)
    assert "fares" in " ".join(newsroom.index.documents[article_id].body)
    assert newsroom.index.documents[article_id].summary == BULLETS
    history = newsroom.service.summary_history(article_id, 50).versions
    assert [(version.origin, version.stale) for version in history][:2] == [
        (SummaryOrigin.EDITOR, True),
        (SummaryOrigin.EDITOR, False),
    ]
    # The change is announced once: a redelivery of the changed parse marks nothing twice.
    [stale_event] = newsroom.bus.details(DetailType.SUMMARY_STALE)
    assert (stale_event["article_id"], stale_event["editor"]) == (article_id, "Ana Ortiz")
    newsroom.resummarize(article_id)
    assert len(newsroom.service.summary_history(article_id, 50).versions) == len(history)
    assert len(newsroom.bus.details(DetailType.SUMMARY_STALE)) == 1

    # The editor's look at it: an edit (or an approval of the new machine summary) clears it.
    newsroom.edit(article_id, [*BULLETS, "Fares stay until the end of the year."])
    shown = newsroom.service.summary(article_id, None, None)
    assert (len(shown.summary), shown.stale) == (3, False)
    assert newsroom.service.list_articles(10, None, None, None, stale_summaries=True).items == []

    newsroom.upload(BODY)
    approved = newsroom.service.approve_summary(article_id, SummaryApproval(editor="Ben Cole"))
    assert (approved.origin, approved.stale) == (SummaryOrigin.APPROVED, False)
    assert approved.summary == newsroom.articles.get(article_id).summary  # type: ignore[union-attr]


def test_with_review_required_readers_see_only_the_newsrooms_summaries() -> None:
    newsroom = Newsroom(review_required=True)
    article_id = newsroom.upload()

    pending = newsroom.service.summary(article_id, None, "long")
    assert (pending.summary, pending.pending_review, pending.origin) == (
        [],
        True,
        SummaryOrigin.MACHINE,
    )
    detail = newsroom.service.article(article_id)
    assert (detail.summary, detail.summary_pending_review) == ([], True)
    assert newsroom.service.list_articles(10, None, None, None).items[0].summary == []
    assert newsroom.index.documents[article_id].summary == []
    # Key holders read the machine summary in the history.
    [machine] = newsroom.service.summary_history(article_id, 50).versions
    assert machine.origin is SummaryOrigin.MACHINE and machine.summary

    newsroom.service.approve_summary(article_id, SummaryApproval(editor="Ben Cole"))
    newsroom.run()

    shown = newsroom.service.summary(article_id, None, None)
    assert (shown.summary, shown.origin, shown.pending_review) == (
        machine.summary,
        SummaryOrigin.APPROVED,
        False,
    )
    assert newsroom.service.article(article_id).summary == machine.summary
    assert newsroom.index.documents[article_id].summary == machine.summary


def test_editing_or_approving_a_missing_rejected_or_unsummarized_article_is_refused(
    newsroom: Newsroom,
) -> None:
    edit = SummaryEdit(summary=BULLETS, editor="Ana Ortiz")
    approval = SummaryApproval(editor="Ana Ortiz")
    with pytest.raises(ServiceError) as missing:
        newsroom.service.edit_summary("0" * 20, edit)
    assert error_of(missing) == (404, "not_found")
    with pytest.raises(ServiceError) as missing_history:
        newsroom.service.summary_history("0" * 20, 10)
    assert error_of(missing_history) == (404, "not_found")

    newsroom.objects.upload("broken.json", "{not json", JSON)
    newsroom.run()
    rejected = article_id_for("incoming/broken.json")
    for call in (
        lambda: newsroom.service.edit_summary(rejected, edit),
        lambda: newsroom.service.approve_summary(rejected, approval),
    ):
        with pytest.raises(ServiceError) as refused:
            call()
        assert error_of(refused) == (409, "not_parsed")

    newsroom.objects.upload("ferry.json", story("Ferry timetable"), JSON)
    for event in newsroom.objects.take_events("incoming/"):
        newsroom.parse.handle(event)
    with pytest.raises(ServiceError) as unsummarized:
        newsroom.service.approve_summary(article_id_for(FERRY), approval)
    assert error_of(unsummarized) == (409, "not_summarized")
    # An editor may write one before the machine has: the summarize stage then keeps it.
    newsroom.service.edit_summary(article_id_for(FERRY), edit)
    newsroom.run()
    assert newsroom.service.summary(article_id_for(FERRY), None, None).summary == BULLETS
    assert newsroom.objects.take_events(PARSED_PREFIX) == []


def test_an_edit_of_text_that_changed_meanwhile_is_refused(newsroom: Newsroom) -> None:
    article_id = newsroom.upload()
    read_before = newsroom.articles.get(article_id)
    assert read_before is not None
    newsroom.upload(CHANGED_BODY)

    approval = approved_summary(read_before, SummaryApproval(editor="Ben Cole"), now_iso())
    with pytest.raises(ServiceError) as changed:
        newsroom.service._store_editorial(read_before, approval)

    assert error_of(changed) == (409, "article_changed")
    assert newsroom.service.summary(article_id, None, None).origin is SummaryOrigin.MACHINE


@pytest.mark.parametrize(
    "body",
    [
        {"summary": [], "editor": "Ana"},
        {"summary": ["   "], "editor": "Ana"},
        {"summary": ["x" * 501], "editor": "Ana"},
        {"summary": ["one"] * 11, "editor": "Ana"},
        {"summary": ["two\nlines"], "editor": "Ana"},
        {"summary": ["\ud800 unpaired"], "editor": "Ana"},
        {"summary": ["fine"], "editor": " "},
        {"summary": ["fine"], "editor": "Ana", "note": "n" * 1001},
        {"summary": ["fine"]},
    ],
)
def test_an_empty_or_overlong_summary_is_refused(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        SummaryEdit.model_validate(body)


def test_bullets_and_names_are_trimmed() -> None:
    edit = SummaryEdit.model_validate({"summary": ["  A bullet. "], "editor": " Ana ", "note": ""})
    assert (edit.summary, edit.editor) == (["A bullet."], "Ana")
