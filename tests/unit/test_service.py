"""The service behind the API and the reader, against in-memory fakes of the bucket, the
articles table and the search index: what each call stores or answers, and its errors."""

from __future__ import annotations

import json

import pytest

from newsbrief.articles import parsed_article, summarize_article
from newsbrief.events import article_id_for
from newsbrief.indexing import IndexDocument, SearchIndex, SearchRequest
from newsbrief.models import ExtractedArticle, SourceRef, Status
from newsbrief.service import NewsroomService, ServiceError, preview_parse, preview_summary
from newsbrief.settings import INCOMING_PREFIX, MAX_API_UPLOAD_BYTES
from newsbrief.storage.articles import now_iso
from tests.unit.fakes import FakeArticleRepository, FakeIndex, FakeObjectStore

BODY = [
    "The ferry operator will add four crossings a day from June, the company said on Monday.",
    "Commuters had asked for earlier morning boats for years.",
    "The new timetable also adds a late service on Fridays and Saturdays.",
]


class Newsroom:
    """The service over one set of fakes, and what tests store through them."""

    def __init__(self) -> None:
        self.objects = FakeObjectStore()
        self.articles = FakeArticleRepository()
        self.index = FakeIndex()
        self.index_made = 0
        self.service = NewsroomService(self.objects, self.articles, self._make_index)

    def _make_index(self) -> SearchIndex:
        self.index_made += 1
        return self.index

    def parsed(
        self, name: str, title: str, published: str, language: str = "en", url: str | None = None
    ) -> str:
        """Records and stores an article as the parse stage would; returns its id."""
        key = f"{INCOMING_PREFIX}{name}"
        extracted = ExtractedArticle(
            title=title, paragraphs=BODY, published=published, language=language, url=url
        )
        source = SourceRef(bucket="articles", key=key, content_type="text/plain", size=1)
        article = parsed_article(extracted, article_id_for(key), source, now_iso())
        self.articles.record_parsed(article)
        self.objects.put_parsed(article)
        return article.id

    def summarized(self, article_id: str) -> list[str]:
        summary = summarize_article(self.objects.get_parsed(article_id), now_iso())
        self.articles.record_summarized(summary)
        return summary.sentences

    def indexed(self, article_id: str) -> None:
        article = self.objects.get_parsed(article_id)
        self.index.upsert([IndexDocument(id=article_id, title=article.title, body=BODY)])


@pytest.fixture
def newsroom() -> Newsroom:
    return Newsroom()


def error_of(call: object) -> tuple[int, str]:
    assert isinstance(call, ServiceError)
    return call.status, call.code


# Uploads


def test_a_submitted_file_is_stored_under_incoming_and_its_article_queued(
    newsroom: Newsroom,
) -> None:
    submission = newsroom.service.submit(b"Ferry news", "text/plain; charset=utf-8", "a/b/f.txt")

    assert submission.key == "incoming/f.txt"
    assert submission.id == article_id_for("incoming/f.txt")
    assert submission.status is Status.QUEUED
    upload = newsroom.objects.get_upload("incoming/f.txt")
    # The charset stays with the upload: the parser decodes by it.
    assert (upload.data, upload.content_type) == (b"Ferry news", "text/plain; charset=utf-8")
    record = newsroom.articles.get(submission.id)
    assert record is not None
    assert (record.status, record.source_key) == (Status.QUEUED, "incoming/f.txt")


def test_a_submission_without_a_name_gets_a_fresh_one(newsroom: Newsroom) -> None:
    first = newsroom.service.submit(b"{}", "application/json", None)
    second = newsroom.service.submit(b"{}", "application/json", None)

    assert first.key != second.key
    assert first.key.startswith(INCOMING_PREFIX) and first.key.endswith(".json")


@pytest.mark.parametrize(
    ("data", "content_type", "filename", "expected"),
    [
        (b"x", "image/png", None, (415, "unsupported_media_type")),
        (b"x", None, None, (415, "unsupported_media_type")),
        (b" \n ", "text/plain", None, (400, "empty_body")),
        (b"x" * (MAX_API_UPLOAD_BYTES + 1), "text/plain", None, (413, "payload_too_large")),
        (b"x", "text/plain", "../..", (400, "invalid_filename")),
    ],
    ids=["unsupported type", "no type", "blank body", "over the API's limit", "unusable name"],
)
def test_a_submission_the_pipeline_cannot_take_is_refused_and_nothing_stored(
    newsroom: Newsroom,
    data: bytes,
    content_type: str | None,
    filename: str | None,
    expected: tuple[int, str],
) -> None:
    with pytest.raises(ServiceError) as refused:
        newsroom.service.submit(data, content_type, filename)

    assert error_of(refused.value) == expected
    assert newsroom.objects.keys() == []
    assert newsroom.articles.records == {}


def test_a_presigned_upload_names_its_key_and_queues_the_article(newsroom: Newsroom) -> None:
    upload = newsroom.service.presign_upload("big report.pdf", "application/pdf")

    assert upload.key == "incoming/big report.pdf"
    assert upload.fields["key"] == upload.key
    [(key, content_type, max_bytes, expires_in)] = newsroom.objects.presigned
    assert (key, content_type) == (upload.key, "application/pdf")
    assert (max_bytes, expires_in) == (upload.max_bytes, upload.expires_in)
    record = newsroom.articles.get(upload.id)
    assert record is not None
    assert record.status is Status.QUEUED


# Reading articles


def test_an_unknown_article_is_a_404_everywhere(newsroom: Newsroom) -> None:
    unknown = "0" * 20
    calls = [
        lambda: newsroom.service.article(unknown),
        lambda: newsroom.service.summary(unknown, None, None),
        lambda: newsroom.service.neighbors(unknown),
        lambda: newsroom.service.related(unknown, 5),
        lambda: newsroom.service.delete(unknown),
    ]
    for call in calls:
        with pytest.raises(ServiceError) as missing:
            call()
        assert error_of(missing.value) == (404, "not_found")


def test_an_article_shows_its_parse_with_its_record(newsroom: Newsroom) -> None:
    article_id = newsroom.parsed("ferry.txt", "Ferry timetable", "2026-05-01", url="https://x/f")
    sentences = newsroom.summarized(article_id)

    detail = newsroom.service.article(article_id)

    assert (detail.id, detail.status, detail.title) == (
        article_id,
        Status.SUMMARIZED,
        "Ferry timetable",
    )
    assert (detail.published, detail.url, detail.source_key) == (
        "2026-05-01",
        "https://x/f",
        "incoming/ferry.txt",
    )
    assert detail.paragraphs == BODY
    assert detail.summary == sentences


def test_a_rejected_reupload_shows_its_reason_not_the_earlier_parse(newsroom: Newsroom) -> None:
    article_id = newsroom.parsed("ferry.txt", "Ferry timetable", "2026-05-01")
    newsroom.objects.delete_parsed(article_id)
    newsroom.articles.record_rejected(
        article_id, "incoming/ferry.txt", "FF", "empty", "The file holds only whitespace."
    )

    detail = newsroom.service.article(article_id)

    assert (detail.status, detail.reason_code) == (Status.REJECTED, "empty")
    assert detail.reason == "The file holds only whitespace."
    # The table keeps the earlier parse's title; the detail does not show it.
    assert newsroom.articles.records[article_id].title == "Ferry timetable"
    assert (detail.title, detail.paragraphs) == (None, [])


def test_the_summary_of_an_unparsed_article_is_a_409(newsroom: Newsroom) -> None:
    queued = newsroom.service.submit(b"Ferry news", "text/plain", "ferry.txt")

    with pytest.raises(ServiceError) as conflict:
        newsroom.service.summary(queued.id, None, None)

    assert error_of(conflict.value) == (409, "not_parsed")


def test_the_stored_summary_is_answered_and_a_length_makes_a_new_one(newsroom: Newsroom) -> None:
    article_id = newsroom.parsed("ferry.txt", "Ferry timetable", "2026-05-01")
    stored = newsroom.summarized(article_id)
    record = newsroom.articles.records[article_id]
    newsroom.articles.put(record.model_copy(update={"summary": ["The stored summary."]}))

    assert newsroom.service.summary(article_id, None, None).summary == ["The stored summary."]
    short = newsroom.service.summary(article_id, None, "short")
    assert len(short.summary) == 1 and short.summary[0] in BODY
    two = newsroom.service.summary(article_id, 2, None)
    assert len(two.summary) == 2
    # A named length wins over a count.
    assert newsroom.service.summary(article_id, 2, "short").summary == short.summary
    assert len(stored) == 3


def test_neighbors_are_the_readable_articles_published_either_side(newsroom: Newsroom) -> None:
    older = newsroom.parsed("a.txt", "Older", "2026-05-01")
    middle = newsroom.parsed("b.txt", "Middle", "2026-05-02")
    newer = newsroom.parsed("c.txt", "Newer", "2026-05-03")
    newsroom.service.submit(b"queued", "text/plain", "d.txt")

    around = newsroom.service.neighbors(middle)

    assert around.previous is not None and around.next is not None
    assert (around.previous.id, around.next.id) == (older, newer)
    latest = newsroom.service.neighbors(newer)
    assert latest.next is None


# Listing and search


def test_the_listing_pages_through_every_article_newest_first(newsroom: Newsroom) -> None:
    ids = [newsroom.parsed(f"{day}.txt", f"Day {day}", f"2026-05-{day:02d}") for day in (1, 2, 3)]

    first = newsroom.service.list_articles(2, None, None, None)
    assert [item.id for item in first.items] == [ids[2], ids[1]]
    assert first.next_cursor is not None
    rest = newsroom.service.list_articles(2, first.next_cursor, None, None)
    assert [item.id for item in rest.items] == [ids[0]]
    assert rest.next_cursor is None
    assert first.items[0].title == "Day 3"
    assert first.items[0].status is Status.PARSED


def test_the_listing_filters_by_language_by_key_and_by_url(newsroom: Newsroom) -> None:
    english = newsroom.parsed("en.txt", "Ferry", "2026-05-01", url="https://x/ferry")
    russian = newsroom.parsed("ru.txt", "Паром", "2026-05-02", language="ru")

    by_language = newsroom.service.list_articles(10, None, "ru", None)
    by_key = newsroom.service.list_articles(10, None, None, "incoming/en.txt")
    by_url = newsroom.service.list_articles(10, None, None, None, url="https://x/ferry")

    assert [item.id for item in by_language.items] == [russian]
    assert [item.id for item in by_key.items] == [english]
    assert [item.id for item in by_url.items] == [english]
    assert newsroom.service.list_articles(10, None, None, "incoming/none.txt").items == []


def test_listing_by_key_and_url_at_once_is_a_400(newsroom: Newsroom) -> None:
    with pytest.raises(ServiceError) as refused:
        newsroom.service.list_articles(10, None, None, "incoming/a.txt", url="https://x/a")

    assert error_of(refused.value) == (400, "invalid_request")


def test_search_is_the_index_s_answer_to_the_same_request(newsroom: Newsroom) -> None:
    article_id = newsroom.parsed("ferry.txt", "Ferry timetable", "2026-05-01")
    newsroom.indexed(article_id)
    request = SearchRequest(q="ferry", limit=5, language="en")

    page = newsroom.service.search(request)

    assert newsroom.index.requests == [request]
    assert [hit.id for hit in page.items] == [article_id]
    assert page.total == 1
    assert newsroom.service.search(SearchRequest(q="airport")).items == []
    assert newsroom.index_made == 1


def test_the_index_is_made_only_when_a_call_needs_it(newsroom: Newsroom) -> None:
    newsroom.parsed("ferry.txt", "Ferry timetable", "2026-05-01")
    newsroom.service.list_articles(10, None, None, None)

    assert newsroom.index_made == 0


def test_related_articles_come_from_the_index_and_an_unindexed_one_is_a_409(
    newsroom: Newsroom,
) -> None:
    first = newsroom.parsed("a.txt", "Ferry timetable", "2026-05-01")
    second = newsroom.parsed("b.txt", "Ferry fares", "2026-05-02")
    unindexed = newsroom.parsed("c.txt", "Ferry strike", "2026-05-03")
    newsroom.indexed(first)
    newsroom.indexed(second)

    assert [hit.id for hit in newsroom.service.related(first, 5)] == [second]
    with pytest.raises(ServiceError) as conflict:
        newsroom.service.related(unindexed, 5)
    assert error_of(conflict.value) == (409, "not_indexed")


def test_deleting_an_article_deletes_its_upload(newsroom: Newsroom) -> None:
    article_id = newsroom.parsed("ferry.txt", "Ferry timetable", "2026-05-01")
    newsroom.objects.put_upload("ferry.txt", b"Ferry news", "text/plain")
    newsroom.objects.take_events("")

    newsroom.service.delete(article_id)

    assert newsroom.objects.keys(INCOMING_PREFIX) == []
    # The removal's event is what the parse stage turns into the article's deletion.
    [removal] = newsroom.objects.take_events(INCOMING_PREFIX)
    assert (removal.key, removal.removed) == ("incoming/ferry.txt", True)


# Previews, which store nothing


def test_a_parse_preview_numbers_the_articles_of_a_file() -> None:
    body = json.dumps([{"title": f"Story {n}", "body": " ".join(BODY)} for n in (1, 2)])

    preview = preview_parse(body.encode(), "application/json", "digest.json")

    base = article_id_for("incoming/digest.json")
    assert [article.id for article in preview.articles] == [f"{base}-1", f"{base}-2"]
    assert [article.title for article in preview.articles] == ["Story 1", "Story 2"]


def test_a_preview_of_a_file_the_parser_rejects_is_a_422() -> None:
    with pytest.raises(ServiceError) as rejected:
        preview_parse(b'{"title": "No body"}', "application/json", None)

    assert error_of(rejected.value) == (422, "malformed")


def test_a_summary_preview_summarizes_the_file_s_first_article() -> None:
    body = json.dumps({"title": "Ferry timetable", "body": " ".join(BODY), "language": "en"})

    preview = preview_summary(body.encode(), "application/json", None, None, "short")

    assert (preview.title, preview.language) == ("Ferry timetable", "en")
    assert len(preview.summary) == 1 and preview.summary[0] in BODY
    assert preview.keywords
