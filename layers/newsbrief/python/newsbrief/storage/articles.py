"""The articles table: one item per article with its status, metadata and summary.

Stale work never overwrites newer work: parse results are conditional on the S3 event's
sequencer, later stages on the content digest of the parse they started from.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Collection, Iterable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from newsbrief import aws_errors
from newsbrief.models import (
    ArticleMetadata,
    ArticleRecord,
    EditorialSummary,
    LearnedFurniture,
    ParsedArticle,
    Status,
    Summary,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table
else:
    Table = Any

# Listing is spread over a few partition keys so that no key takes every write.
LISTING_SHARDS = 8
SEQUENCER_WIDTH = 32
# DynamoDB's limit on a partition key: a longer canonical URL is kept but not looked up.
MAX_URL_KEY_BYTES = 2048
# The statuses whose article has a parsed body a reader can open.
READABLE = (Status.PARSED.value, Status.SUMMARIZED.value, Status.INDEXED.value)


class StaleUpdateError(Exception):
    """A newer version of the article is already recorded (or the article is gone)."""


class InvalidCursorError(ValueError):
    """A listing cursor that this service did not issue."""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def sequencer_sort(sequencer: str | None) -> str:
    # S3 compares sequencers of different lengths after padding the shorter on the right.
    return (sequencer or "").upper().ljust(SEQUENCER_WIDTH, "0")


def _listing_shard(article_id: str) -> str:
    digest = hashlib.sha256(article_id.encode()).digest()
    return str(digest[0] % LISTING_SHARDS)


def _encode_cursor(positions: dict[str, str | None]) -> str:
    raw = json.dumps({"v": 1, "p": positions}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> dict[str, str | None]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        document = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise InvalidCursorError("cursor is not valid") from exc
    positions = document.get("p") if isinstance(document, dict) else None
    if (
        document.get("v") != 1
        or not isinstance(positions, dict)
        or set(positions) != {str(n) for n in range(LISTING_SHARDS)}
        or not all(value is None or isinstance(value, str) for value in positions.values())
    ):
        raise InvalidCursorError("cursor is not valid")
    return positions


class ArticleRepository:
    """Data access for article items; takes a DynamoDB Table resource from outside."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, article_id: str) -> ArticleRecord | None:
        response = self._table.get_item(Key={"id": article_id})
        item = response.get("Item")
        if item is None or item.get("kind") != "article":
            return None
        return ArticleRecord.model_validate(item)

    def mark_queued(self, article_id: str, key: str) -> None:
        created = now_iso()
        self._table.update_item(
            Key={"id": article_id},
            UpdateExpression=(
                "SET kind = :kind, #status = :status, source_key = :key, updated_at = :now, "
                "created_at = if_not_exists(created_at, :now), "
                "listing_shard = if_not_exists(listing_shard, :shard), "
                "listing_sort = if_not_exists(listing_sort, :sort) "
                "REMOVE reason_code, reason"
            ),
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={
                ":kind": "article",
                ":status": Status.QUEUED.value,
                ":key": key,
                ":now": created,
                ":shard": _listing_shard(article_id),
                ":sort": f"{created}#{article_id}",
            },
        )

    def record_parsed(self, article: ParsedArticle) -> None:
        now = now_iso()
        listing_date = article.published or article.parsed_at
        # An index key may not be null: an article without a usable URL has no canonical_url.
        url_key = article.url if usable_url_key(article.url) else None
        # Every metadata field is kept under its own name, so a new field needs no edit here.
        metadata = article.model_dump(include=set(ArticleMetadata.model_fields))
        self._conditional_on_sequencer(
            article.id,
            article.source.sequencer,
            "SET kind = :kind, #status = :status, source_key = :key, "
            + "".join(f"#m_{name} = :m_{name}, " for name in metadata)
            + "word_count = :words, content_sha256 = :sha, updated_at = :now, "
            "created_at = if_not_exists(created_at, :now), listing_shard = :shard, "
            "listing_sort = :sort, seq_sort = :seq"
            + (", canonical_url = :canonical " if url_key else " ")
            + "REMOVE reason_code, reason, summary, keywords, summary_method, summary_version, "
            "duplicate_of, indexed_at" + ("" if url_key else ", canonical_url"),
            {
                **({":canonical": url_key} if url_key else {}),
                **{f":m_{name}": value for name, value in metadata.items()},
                ":kind": "article",
                ":status": Status.PARSED.value,
                ":key": article.source.key,
                ":words": article.word_count,
                ":sha": article.content_sha256,
                ":now": now,
                ":shard": _listing_shard(article.id),
                ":sort": f"{listing_date}#{article.id}",
            },
            {f"#m_{name}": name for name in metadata},
        )

    def record_rejected(
        self, article_id: str, key: str, sequencer: str | None, code: str, reason: str
    ) -> None:
        now = now_iso()
        self._conditional_on_sequencer(
            article_id,
            sequencer,
            "SET kind = :kind, #status = :status, source_key = :key, reason_code = :code, "
            "reason = :reason, updated_at = :now, created_at = if_not_exists(created_at, :now), "
            "listing_shard = :shard, listing_sort = if_not_exists(listing_sort, :sort), "
            "seq_sort = :seq "
            "REMOVE summary, keywords, content_sha256, canonical_url",
            {
                ":kind": "article",
                ":status": Status.REJECTED.value,
                ":key": key,
                ":code": code,
                ":reason": reason,
                ":now": now,
                ":shard": _listing_shard(article_id),
                ":sort": f"{now}#{article_id}",
            },
            {},
        )

    def record_summarized(self, summary: Summary) -> ArticleRecord:
        """Records the machine summary; the newsroom's summary, if any, stays. Returns the
        record as it is now."""
        return self._conditional_on_content(
            summary.id,
            summary.source_sha256,
            "SET #status = :status, summary = :sentences, "
            "keywords = :keywords, summary_method = :method, summary_version = :version, "
            "updated_at = :now",
            {
                ":status": Status.SUMMARIZED.value,
                ":sentences": summary.sentences,
                ":keywords": summary.keywords,
                ":method": summary.method,
                ":version": summary.version,
                ":now": now_iso(),
            },
        )

    def record_indexed(
        self, article_id: str, content_sha256: str, duplicate_of: str | None
    ) -> None:
        values: dict[str, Any] = {":status": Status.INDEXED.value, ":now": now_iso()}
        expression = "SET #status = :status, indexed_at = :now, updated_at = :now"
        if duplicate_of:
            expression += ", duplicate_of = :dup"
            values[":dup"] = duplicate_of
        else:
            expression += " REMOVE duplicate_of"
        self._conditional_on_content(article_id, content_sha256, expression, values)

    def record_editorial(self, article_id: str, editorial: EditorialSummary) -> ArticleRecord:
        """Stores the newsroom's summary, if the article's text is still the one it was written
        or approved against (else StaleUpdateError). Returns the record as it is now."""
        return self._conditional_on_content(
            article_id,
            editorial.source_sha256,
            "SET editorial = :editorial, updated_at = :now",
            {":editorial": editorial.model_dump(mode="json"), ":now": now_iso()},
        )

    def mark_summary_stale(self, article_id: str, content_sha256: str) -> ArticleRecord | None:
        """Marks the newsroom's summary stale when the article's text (``content_sha256``, its
        current parse) is no longer the one it was written against. Returns the record, or
        None when there is nothing to mark (no such summary, already stale, or a newer parse)."""
        try:
            with _condition_failure_raises(article_id):
                response = self._table.update_item(
                    Key={"id": article_id},
                    UpdateExpression="SET editorial.stale = :true, updated_at = :now",
                    ConditionExpression="content_sha256 = :sha AND attribute_exists(editorial) "
                    "AND editorial.source_sha256 <> :sha AND editorial.stale = :false",
                    ExpressionAttributeValues={
                        ":sha": content_sha256,
                        ":true": True,
                        ":false": False,
                        ":now": now_iso(),
                    },
                    ReturnValues="ALL_NEW",
                )
        except StaleUpdateError:
            return None
        return ArticleRecord.model_validate(response["Attributes"])

    def is_current(self, article_id: str, content_sha256: str | None) -> bool:
        record = self.get(article_id)
        return record is not None and record.content_sha256 == content_sha256

    def delete(self, article_id: str, sequencer: str | None) -> bool:
        """Deletes the item unless a newer upload of its key was recorded after the removal."""
        try:
            with _condition_failure_raises(article_id):
                self._table.delete_item(
                    Key={"id": article_id},
                    ConditionExpression="attribute_not_exists(seq_sort) OR seq_sort <= :seq",
                    ExpressionAttributeValues={":seq": sequencer_sort(sequencer)},
                )
        except StaleUpdateError:
            return False
        return True

    def ids_for_source_key(self, key: str) -> list[str]:
        response = self._table.query(
            IndexName="SourceKeyIndex",
            KeyConditionExpression="source_key = :key",
            ExpressionAttributeValues={":key": key},
        )
        return sorted(str(item["id"]) for item in response.get("Items", []))

    def ids_for_url(self, url: str) -> list[str]:
        """The articles whose parse recorded ``url`` as their canonical URL, newest first."""
        if not usable_url_key(url):
            return []
        response = self._table.query(
            IndexName="UrlIndex",
            KeyConditionExpression="canonical_url = :url",
            ExpressionAttributeValues={":url": url},
        )
        items = sorted(
            response.get("Items", []), key=lambda item: str(item.get("listing_sort")), reverse=True
        )
        return [str(item["id"]) for item in items]

    def neighbors(self, record: ArticleRecord) -> tuple[ArticleRecord | None, ArticleRecord | None]:
        """The readable articles published just before and just after ``record``."""
        position = str(record.listing_sort)
        before: list[ArticleRecord] = []
        after: list[ArticleRecord] = []
        for shard in _shard_names():
            before += self._readable_next_to(shard, position, older=True)
            after += self._readable_next_to(shard, position, older=False)
        previous = max(before, key=lambda found: str(found.listing_sort), default=None)
        following = min(after, key=lambda found: str(found.listing_sort), default=None)
        return previous, following

    def _readable_next_to(self, shard: str, position: str, older: bool) -> list[ArticleRecord]:
        kwargs: dict[str, Any] = {
            "IndexName": "ListingIndex",
            "ScanIndexForward": not older,
            "KeyConditionExpression": "listing_shard = :shard AND listing_sort "
            + ("< :position" if older else "> :position"),
            "FilterExpression": "#status IN (:parsed, :summarized, :indexed)",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {
                ":shard": shard,
                ":position": position,
                **{f":{status}": status for status in READABLE},
            },
            # Unreadable articles are rare; a few per read keep the filter from paging long.
            "Limit": 4,
        }
        while True:
            response = self._table.query(**kwargs)
            found = response.get("Items", [])
            if found:
                return [ArticleRecord.model_validate(found[0])]
            if not response.get("LastEvaluatedKey"):
                return []
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def list_records(
        self,
        limit: int,
        cursor: str | None = None,
        language: str | None = None,
        stale_only: bool = False,
    ) -> tuple[list[ArticleRecord], str | None]:
        """Newest first across the listing shards; the cursor keeps each shard's position.
        ``stale_only``: only articles whose newsroom summary is stale."""
        positions: dict[str, str | None] = (
            _decode_cursor(cursor) if cursor else dict.fromkeys(_shard_names(), "")
        )
        candidates: list[tuple[str, str, dict[str, Any]]] = []
        returned: dict[str, int] = {}
        for shard, position in positions.items():
            if position is None:
                continue
            found = self._query_shard(shard, position, limit, language, stale_only)
            returned[shard] = len(found)
            candidates.extend((str(item["listing_sort"]), shard, item) for item in found)
        candidates.sort(key=lambda entry: entry[0], reverse=True)
        page = candidates[:limit]
        next_positions: dict[str, str | None] = dict(positions)
        taken: dict[str, int] = {}
        for sort_key, shard, _ in page:
            next_positions[shard] = sort_key
            taken[shard] = taken.get(shard, 0) + 1
        for shard, count in returned.items():
            # A shard that returned less than asked and was used up has nothing older.
            if count < limit and taken.get(shard, 0) == count:
                next_positions[shard] = None
        items = [ArticleRecord.model_validate(item) for _, _, item in page]
        more = any(position is not None for position in next_positions.values())
        return items, _encode_cursor(next_positions) if more and page else None

    def _query_shard(
        self, shard: str, before: str, limit: int, language: str | None, stale_only: bool
    ) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "IndexName": "ListingIndex",
            "ScanIndexForward": False,
            "KeyConditionExpression": "listing_shard = :shard"
            + (" AND listing_sort < :before" if before else ""),
            "ExpressionAttributeValues": {":shard": shard},
            "Limit": limit,
        }
        if before:
            kwargs["ExpressionAttributeValues"][":before"] = before
        filters = []
        if language:
            filters.append("#language = :language")
            kwargs["ExpressionAttributeNames"] = {"#language": "language"}
            kwargs["ExpressionAttributeValues"][":language"] = language
        if stale_only:
            filters.append("editorial.stale = :stale")
            kwargs["ExpressionAttributeValues"][":stale"] = True
        if filters:
            kwargs["FilterExpression"] = " AND ".join(filters)
        found: list[dict[str, Any]] = []
        while len(found) < limit:
            response = self._table.query(**kwargs)
            found.extend(dict(item) for item in response.get("Items", []))
            last_key = response.get("LastEvaluatedKey")
            if not last_key:
                break
            kwargs["ExclusiveStartKey"] = last_key
        return found[:limit]

    def _conditional_on_sequencer(
        self,
        article_id: str,
        sequencer: str | None,
        expression: str,
        values: dict[str, Any],
        names: dict[str, str],
    ) -> None:
        with _condition_failure_raises(article_id):
            self._table.update_item(
                Key={"id": article_id},
                UpdateExpression=expression,
                ConditionExpression="attribute_not_exists(seq_sort) OR seq_sort <= :seq",
                ExpressionAttributeNames={"#status": "status", **names},
                ExpressionAttributeValues={**values, ":seq": sequencer_sort(sequencer)},
            )

    def _conditional_on_content(
        self, article_id: str, content_sha256: str | None, expression: str, values: dict[str, Any]
    ) -> ArticleRecord:
        names = {"#status": "status"} if "#status" in expression else {}
        with _condition_failure_raises(article_id):
            response = self._table.update_item(
                Key={"id": article_id},
                UpdateExpression=expression,
                ConditionExpression="content_sha256 = :sha",
                ExpressionAttributeValues={**values, ":sha": content_sha256},
                ReturnValues="ALL_NEW",
                **({"ExpressionAttributeNames": names} if names else {}),
            )
        return ArticleRecord.model_validate(response["Attributes"])


class FurnitureRepository:
    """Lines seen across many uploads of one source: learned boilerplate, kept in the table."""

    def __init__(self, table: Table, min_uploads: int) -> None:
        self._table = table
        self._min_uploads = min_uploads

    @staticmethod
    def _item_id(source: str, line: str) -> str:
        digest = hashlib.sha256(line.encode("utf-8")).hexdigest()[:24]
        return f"{FurnitureRepository._prefix(source)}{digest}"

    @staticmethod
    def _prefix(source: str) -> str:
        return f"furniture#{source}#"

    def learned(self, source: str) -> list[LearnedFurniture]:
        """The lines learned as ``source``'s furniture (carried by enough of its uploads to
        be removed from its articles), most frequent first."""
        lines = [
            LearnedFurniture(source=source, text=str(item["text"]), uploads=len(item["uploads"]))
            for item in self._items(source)
            if len(item.get("uploads", ())) >= self._min_uploads
        ]
        return sorted(lines, key=lambda line: (-line.uploads, line.text))

    def forget(self, source: str, line: str | None = None) -> int:
        """Forgets what was counted for ``source`` (or for one of its normalized lines): the
        lines are kept in its articles again until they recur in enough new uploads.
        Returns how many lines were forgotten."""
        if line is not None:
            response = self._table.delete_item(
                Key={"id": self._item_id(source, line)}, ReturnValues="ALL_OLD"
            )
            return 1 if response.get("Attributes") else 0
        ids = [str(item["id"]) for item in self._items(source)]
        with self._table.batch_writer() as batch:
            for item_id in ids:
                batch.delete_item(Key={"id": item_id})
        return len(ids)

    def _items(self, source: str) -> Iterable[dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "FilterExpression": "begins_with(id, :prefix)",
            "ExpressionAttributeValues": {":prefix": self._prefix(source)},
        }
        while True:
            response = self._table.scan(**kwargs)
            yield from response.get("Items", [])
            if "LastEvaluatedKey" not in response:
                return
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def known(self, source: str, lines: Collection[str], exclude_upload: str) -> set[str]:
        """The lines among ``lines`` that other uploads of ``source`` also carried."""
        by_id = {self._item_id(source, line): line for line in lines}
        known: set[str] = set()
        ids = list(by_id)
        resource = self._table.meta.client
        for start in range(0, len(ids), 100):
            request: Any = {
                self._table.name: {
                    "Keys": [{"id": item_id} for item_id in ids[start : start + 100]]
                }
            }
            while request:
                response = resource.batch_get_item(RequestItems=request)
                for item in response["Responses"].get(self._table.name, []):
                    uploads = set(item.get("uploads", set())) - {exclude_upload}
                    if len(uploads) >= self._min_uploads - 1:
                        known.add(by_id[str(item["id"])])
                request = response.get("UnprocessedKeys") or {}
        return known

    def remember(self, source: str, lines: Iterable[str], upload: str) -> None:
        for line in lines:
            self._table.update_item(
                Key={"id": self._item_id(source, line)},
                UpdateExpression="SET kind = :kind, #text = :text ADD uploads :upload",
                ExpressionAttributeNames={"#text": "text"},
                ExpressionAttributeValues={
                    ":kind": "furniture",
                    ":text": line,
                    ":upload": {upload},
                },
            )


def usable_url_key(url: str | None) -> bool:
    return bool(url) and len(str(url).encode("utf-8")) <= MAX_URL_KEY_BYTES


def _shard_names() -> list[str]:
    return [str(n) for n in range(LISTING_SHARDS)]


def _condition_failure_raises(article_id: str) -> AbstractContextManager[None]:
    """A write whose condition a newer upload's record failed raises StaleUpdateError."""
    return aws_errors.translated(
        {"ConditionalCheckFailedException"}, lambda: StaleUpdateError(article_id)
    )
