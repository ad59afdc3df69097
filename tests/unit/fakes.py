"""In-memory stand-ins for the adapters the stages and the service are given: the articles
bucket (with the object events S3 would queue for each write), the articles table, the search
index and the event bus. Each keeps the rules of the real one that callers rely on (versions
of an upload, writes conditional on the sequencer or the content digest, listing newest
first), so the stages and the service can be tested in milliseconds; the moto tests check the
real ones.

The fakes subclass the real adapters: mypy holds their methods to the real signatures, and a
method a fake does not override fails loudly (it finds no client) instead of passing."""

from __future__ import annotations

import base64
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from newsbrief.announcements.details import BusEvent, DetailType
from newsbrief.events import ObjectEvent
from newsbrief.indexing import (
    ArticleNotIndexedError,
    IndexDocument,
    IndexOutcome,
    SearchPage,
    SearchRequest,
)
from newsbrief.models import (
    ArticleMetadata,
    ArticleRecord,
    EditorialSummary,
    ParsedArticle,
    Rejection,
    SearchHit,
    Status,
    Summary,
)
from newsbrief.settings import INCOMING_PREFIX, REJECTED_PREFIX
from newsbrief.storage.articles import (
    READABLE,
    ArticleRepository,
    InvalidCursorError,
    StaleUpdateError,
    now_iso,
    sequencer_sort,
    usable_url_key,
)
from newsbrief.storage.event_bus import EventBus, EventsNotPutError
from newsbrief.storage.objects import (
    ObjectMissingError,
    ObjectStore,
    StoredSummary,
    Upload,
    parsed_key,
    summary_key,
)

BUCKET = "articles"


@dataclass
class _Version:
    data: bytes
    content_type: str
    version_id: str


@dataclass
class _Key:
    """A key of the versioned bucket: its versions, oldest first; ``deleted`` is the marker a
    delete leaves on top of them."""

    versions: list[_Version] = field(default_factory=list)
    deleted: bool = False


class FakeObjectStore(ObjectStore):
    """The versioned articles bucket in memory. Every write and delete appends the event S3
    would send (``events``): ``take_events`` hands a stage what its queue would deliver."""

    def __init__(self) -> None:
        self.bucket = BUCKET
        self.events: list[ObjectEvent] = []
        self.presigned: list[tuple[str, str, int, int]] = []
        self._keys: dict[str, _Key] = {}
        self._sequencers = itertools.count(1)
        self._version_ids = itertools.count(1)

    # What tests use to drive the stages, as S3 would.

    def upload(self, name: str, data: bytes | str, content_type: str) -> ObjectEvent:
        """Puts ``name`` under incoming/ and returns the event it causes."""
        self.put_upload(name, data.encode() if isinstance(data, str) else data, content_type)
        return self.events[-1]

    def take_events(self, prefix: str) -> list[ObjectEvent]:
        """The events under ``prefix`` not yet taken, oldest first."""
        taken = [event for event in self.events if event.key.startswith(prefix)]
        self.events = [event for event in self.events if not event.key.startswith(prefix)]
        return taken

    def keys(self, prefix: str = "") -> list[str]:
        """The keys under ``prefix`` that are there now (not deleted), sorted."""
        return sorted(
            key
            for key, state in self._keys.items()
            if key.startswith(prefix) and state.versions and not state.deleted
        )

    def rejection(self, article_id: str) -> Rejection:
        return Rejection.model_validate_json(
            self._read(f"{REJECTED_PREFIX}{article_id}/reason.json")
        )

    # The real store's methods.

    def get_upload(self, key: str, version_id: str | None = None) -> Upload:
        version = self._version(key, version_id)
        return Upload(
            key=key,
            data=version.data,
            content_type=version.content_type,
            size=len(version.data),
            version_id=version.version_id,
        )

    def put_upload(self, name: str, data: bytes, content_type: str) -> str:
        key = f"{INCOMING_PREFIX}{name}"
        self._put(key, data, content_type)
        return key

    def presign_upload(
        self, key: str, content_type: str, max_bytes: int, expires_in: int
    ) -> tuple[str, dict[str, str]]:
        self.presigned.append((key, content_type, max_bytes, expires_in))
        return f"https://{self.bucket}.s3.example", {"key": key, "Content-Type": content_type}

    def delete_upload(self, key: str) -> None:
        self._delete(key)

    def put_parsed(self, article: ParsedArticle) -> None:
        self._put_document(parsed_key(article.id), article.model_dump_json())

    def get_parsed(self, article_id: str) -> ParsedArticle:
        return ParsedArticle.model_validate_json(self._read(parsed_key(article_id)))

    def delete_parsed(self, article_id: str) -> None:
        self._delete(parsed_key(article_id))

    def put_summary(self, summary: Summary) -> None:
        self._put_document(summary_key(summary.id), summary.model_dump_json())

    def get_summary(self, article_id: str) -> Summary:
        return Summary.model_validate_json(self._read(summary_key(article_id)))

    def summary_versions(self, article_id: str, limit: int) -> list[StoredSummary]:
        state = self._keys.get(summary_key(article_id))
        versions = reversed(state.versions) if state else []
        return [
            StoredSummary(
                version_id=version.version_id,
                written_at=now_iso(),
                summary=Summary.model_validate_json(version.data),
            )
            for version in versions
        ][:limit]

    def summary_exists(self, article_id: str) -> bool:
        state = self._keys.get(summary_key(article_id))
        return state is not None and bool(state.versions) and not state.deleted

    def delete_summary(self, article_id: str) -> None:
        self._delete(summary_key(article_id))

    def put_rejection(self, rejection: Rejection) -> None:
        base = f"{REJECTED_PREFIX}{rejection.id}/"
        try:
            original = self._version(rejection.source.key, rejection.source.version_id)
        except ObjectMissingError:
            pass  # An upload deleted since it was rejected leaves the reason alone.
        else:
            self._put(base + "original", original.data, original.content_type)
        self._put_document(base + "reason.json", rejection.model_dump_json())

    def delete_rejection(self, article_id: str) -> None:
        base = f"{REJECTED_PREFIX}{article_id}/"
        self._delete(base + "original")
        self._delete(base + "reason.json")

    # The bucket.

    def _put_document(self, key: str, document: str) -> None:
        self._put(key, document.encode(), "application/json; charset=utf-8")

    def _read(self, key: str) -> bytes:
        return self._version(key, None).data

    def _version(self, key: str, version_id: str | None) -> _Version:
        state = self._keys.get(key)
        if state is None or not state.versions:
            raise ObjectMissingError(key)
        if version_id is None:
            if state.deleted:
                raise ObjectMissingError(key)
            return state.versions[-1]
        for version in state.versions:
            if version.version_id == version_id:
                return version
        raise ObjectMissingError(key)

    def _put(self, key: str, data: bytes, content_type: str) -> None:
        state = self._keys.setdefault(key, _Key())
        version = _Version(data, content_type, f"v{next(self._version_ids)}")
        state.versions.append(version)
        state.deleted = False
        self._notify(key, removed=False, size=len(data), version_id=version.version_id)

    def _delete(self, key: str) -> None:
        # A versioned bucket answers a delete with a delete marker, whether or not the key had
        # an object, and notifies it.
        self._keys.setdefault(key, _Key()).deleted = True
        self._notify(key, removed=True, size=0, version_id=None)

    def _notify(self, key: str, removed: bool, size: int, version_id: str | None) -> None:
        self.events.append(
            ObjectEvent(
                bucket=self.bucket,
                key=key,
                removed=removed,
                size=size,
                version_id=version_id,
                # S3's sequencers are hexadecimal and grow with each event of a key.
                sequencer=f"{next(self._sequencers):016X}",
                event_time=now_iso(),
            )
        )


class FakeArticleRepository(ArticleRepository):
    """The articles table in memory: one record per article, with the sequencer of the upload
    it was last recorded from (writes of an older upload raise StaleUpdateError, as the
    table's condition does) and its canonical URL."""

    def __init__(self) -> None:
        self.records: dict[str, ArticleRecord] = {}
        self._sequencers: dict[str, str] = {}
        self._urls: dict[str, str] = {}
        self._cursors: dict[str, str] = {}

    def put(self, record: ArticleRecord, sequencer: str | None = None) -> None:
        """Stores ``record`` as it is (a test's starting state)."""
        self.records[record.id] = record
        if sequencer is not None:
            self._sequencers[record.id] = sequencer_sort(sequencer)

    def get(self, article_id: str) -> ArticleRecord | None:
        record = self.records.get(article_id)
        return None if record is None else record.model_copy(deep=True)

    def mark_queued(self, article_id: str, key: str) -> None:
        now = now_iso()
        self.records[article_id] = self._record_or_new(article_id, now).model_copy(
            update={
                "status": Status.QUEUED,
                "source_key": key,
                "updated_at": now,
                "reason_code": None,
                "reason": None,
            }
        )

    def record_parsed(self, article: ParsedArticle) -> None:
        self._check_sequencer(article.id, article.source.sequencer)
        now = now_iso()
        earlier = self.records.get(article.id)
        self.records[article.id] = ArticleRecord.model_validate(
            {
                **article.model_dump(include=set(ArticleMetadata.model_fields)),
                "id": article.id,
                "status": Status.PARSED,
                "source_key": article.source.key,
                "word_count": article.word_count,
                "content_sha256": article.content_sha256,
                "listing_sort": f"{article.published or article.parsed_at}#{article.id}",
                "created_at": earlier.created_at if earlier else now,
                "updated_at": now,
                # The newsroom's summary outlives a new parse, as the table's update leaves it.
                "editorial": earlier.editorial if earlier else None,
            }
        )
        self._recorded_from(article.id, article.source.sequencer)
        if article.url and usable_url_key(article.url):
            self._urls[article.id] = article.url
        else:
            self._urls.pop(article.id, None)

    def record_rejected(
        self, article_id: str, key: str, sequencer: str | None, code: str, reason: str
    ) -> None:
        self._check_sequencer(article_id, sequencer)
        now = now_iso()
        # The earlier parse's metadata stays, as the table's update leaves it.
        self.records[article_id] = self._record_or_new(article_id, now).model_copy(
            update={
                "status": Status.REJECTED,
                "source_key": key,
                "reason_code": code,
                "reason": reason,
                "summary": [],
                "keywords": [],
                "content_sha256": None,
                "updated_at": now,
            }
        )
        self._recorded_from(article_id, sequencer)
        self._urls.pop(article_id, None)

    def record_summarized(self, summary: Summary) -> ArticleRecord:
        record = self._current(summary.id, summary.source_sha256)
        self.records[summary.id] = record.model_copy(
            update={
                "status": Status.SUMMARIZED,
                "summary": summary.sentences,
                "keywords": summary.keywords,
                "summary_method": summary.method,
                "summary_version": summary.version,
                "updated_at": now_iso(),
            }
        )
        return self.records[summary.id].model_copy(deep=True)

    def record_editorial(self, article_id: str, editorial: EditorialSummary) -> ArticleRecord:
        record = self._current(article_id, editorial.source_sha256)
        self.records[article_id] = record.model_copy(
            update={"editorial": editorial.model_copy(), "updated_at": now_iso()}
        )
        return self.records[article_id].model_copy(deep=True)

    def mark_summary_stale(self, article_id: str, content_sha256: str) -> ArticleRecord | None:
        record = self.records.get(article_id)
        if (
            record is None
            or record.content_sha256 != content_sha256
            or record.editorial is None
            or record.editorial.source_sha256 == content_sha256
            or record.editorial.stale
        ):
            return None
        self.records[article_id] = record.model_copy(
            update={
                "editorial": record.editorial.model_copy(update={"stale": True}),
                "updated_at": now_iso(),
            }
        )
        return self.records[article_id].model_copy(deep=True)

    def record_indexed(
        self, article_id: str, content_sha256: str, duplicate_of: str | None
    ) -> None:
        record = self._current(article_id, content_sha256)
        now = now_iso()
        self.records[article_id] = record.model_copy(
            update={
                "status": Status.INDEXED,
                "indexed_at": now,
                "updated_at": now,
                "duplicate_of": duplicate_of or None,
            }
        )

    def delete(self, article_id: str, sequencer: str | None) -> bool:
        if self._is_newer_than(article_id, sequencer):
            return False
        self.records.pop(article_id, None)
        self._sequencers.pop(article_id, None)
        self._urls.pop(article_id, None)
        return True

    def ids_for_source_key(self, key: str) -> list[str]:
        return sorted(record.id for record in self.records.values() if record.source_key == key)

    def ids_for_url(self, url: str) -> list[str]:
        found = [self.records[article_id] for article_id, at in self._urls.items() if at == url]
        return [record.id for record in sorted(found, key=_listing_sort, reverse=True)]

    def neighbors(self, record: ArticleRecord) -> tuple[ArticleRecord | None, ArticleRecord | None]:
        position = str(record.listing_sort)
        readable = [found for found in self.records.values() if found.status.value in READABLE]
        before = [found for found in readable if _listing_sort(found) < position]
        after = [found for found in readable if _listing_sort(found) > position]
        return (
            max(before, key=_listing_sort, default=None),
            min(after, key=_listing_sort, default=None),
        )

    def list_records(
        self,
        limit: int,
        cursor: str | None = None,
        language: str | None = None,
        stale_only: bool = False,
    ) -> tuple[list[ArticleRecord], str | None]:
        if cursor is not None and cursor not in self._cursors:
            raise InvalidCursorError("cursor is not valid")
        before = self._cursors.get(cursor or "")
        newest_first = sorted(self.records.values(), key=_listing_sort, reverse=True)
        matching = [
            record
            for record in newest_first
            if (language is None or record.language == language)
            and (not stale_only or (record.editorial is not None and record.editorial.stale))
            and (before is None or _listing_sort(record) < before)
        ]
        page = matching[:limit]
        if len(matching) <= limit:
            return page, None
        next_cursor = base64.urlsafe_b64encode(_listing_sort(page[-1]).encode()).decode()
        self._cursors[next_cursor] = _listing_sort(page[-1])
        return page, next_cursor

    def _record_or_new(self, article_id: str, now: str) -> ArticleRecord:
        """The article's record, or the one a first write makes, listed at its creation."""
        return self.records.get(article_id) or ArticleRecord(
            id=article_id, created_at=now, listing_sort=f"{now}#{article_id}"
        )

    def _check_sequencer(self, article_id: str, sequencer: str | None) -> None:
        if self._is_newer_than(article_id, sequencer):
            raise StaleUpdateError(article_id)

    def _is_newer_than(self, article_id: str, sequencer: str | None) -> bool:
        recorded = self._sequencers.get(article_id)
        return recorded is not None and recorded > sequencer_sort(sequencer)

    def _recorded_from(self, article_id: str, sequencer: str | None) -> None:
        self._sequencers[article_id] = sequencer_sort(sequencer)

    def _current(self, article_id: str, content_sha256: str | None) -> ArticleRecord:
        """The record, if it is still of the parse with this digest."""
        record = self.records.get(article_id)
        if record is None or record.content_sha256 != content_sha256:
            raise StaleUpdateError(article_id)
        return record


def _listing_sort(record: ArticleRecord) -> str:
    return str(record.listing_sort)


class FakeIndex:
    """The search index in memory, as the index stage writes it (``IndexWriter``) and the
    service reads it (``SearchIndex``). ``duplicates`` says which article an upsert finds an
    article to repeat; ``search`` finds the documents whose text holds every query word."""

    def __init__(self, duplicates: dict[str, str] | None = None) -> None:
        self.documents: dict[str, IndexDocument] = {}
        self.duplicates = dict(duplicates or {})
        self.requests: list[SearchRequest] = []

    def upsert(self, docs: Sequence[IndexDocument]) -> list[IndexOutcome]:
        outcomes = []
        for doc in docs:
            self.documents[doc.id] = doc
            outcomes.append(IndexOutcome(id=doc.id, duplicate_of=self.duplicates.get(doc.id)))
        return outcomes

    def delete(self, ids: Sequence[str]) -> None:
        for article_id in ids:
            self.documents.pop(article_id, None)

    def search(self, request: SearchRequest) -> SearchPage:
        self.requests.append(request)
        words = request.q.casefold().split()
        found = [doc for doc in self._searchable() if all(w in _text(doc) for w in words)]
        return SearchPage(
            query=request.q,
            total=len(found),
            items=[_hit(doc) for doc in found[: request.limit]],
        )

    def related(self, article_id: str, limit: int = 5) -> list[SearchHit]:
        if article_id not in self.documents:
            raise ArticleNotIndexedError(article_id)
        others = [doc for doc in self._searchable() if doc.id != article_id]
        return [_hit(doc) for doc in others[:limit]]

    def _searchable(self) -> Iterable[IndexDocument]:
        # A duplicate is recorded but not found, as the real index keeps it out of results.
        return (doc for _, doc in sorted(self.documents.items()) if doc.id not in self.duplicates)


def _text(doc: IndexDocument) -> str:
    return "\n".join([doc.title, *doc.keywords, *doc.summary, *doc.body]).casefold()


def _hit(doc: IndexDocument) -> SearchHit:
    return SearchHit(
        id=doc.id,
        title=doc.title,
        score=1.0,
        snippet=" ".join(doc.summary),
        published=doc.published,
    )


class FakeEventBus(EventBus):
    """The stack's bus: keeps what was put, in order; ``refuse`` events are refused (as after
    the real adapter's last retry) before it takes any again."""

    def __init__(self) -> None:
        super().__init__(client=None, bus_name="newsroom")
        self.put_events: list[BusEvent] = []
        self.refuse = 0

    def put(self, events: Sequence[BusEvent]) -> None:
        if self.refuse and events:
            self.refuse = max(0, self.refuse - len(events))
            raise EventsNotPutError(events, "ThrottlingException")
        self.put_events.extend(events)

    def details(self, detail_type: DetailType) -> list[dict[str, object]]:
        return [event.detail for event in self.put_events if event.detail_type is detail_type]
