"""The articles bucket: uploads in, each stage's JSON documents out."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsbrief import aws_errors
from newsbrief.models import ParsedArticle, Rejection, Summary
from newsbrief.settings import INCOMING_PREFIX, PARSED_PREFIX, REJECTED_PREFIX, SUMMARIES_PREFIX

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
else:
    S3Client = Any


class ObjectMissingError(LookupError):
    """The object an event named is gone (deleted, or replaced by a newer version)."""


@dataclass(frozen=True)
class StoredSummary:
    """One S3 version of an article's summaries/ object."""

    version_id: str | None
    written_at: str
    summary: Summary


@dataclass(frozen=True)
class Upload:
    key: str
    data: bytes
    content_type: str
    size: int
    version_id: str | None


def parsed_key(article_id: str) -> str:
    return f"{PARSED_PREFIX}{article_id}.json"


def summary_key(article_id: str) -> str:
    return f"{SUMMARIES_PREFIX}{article_id}.json"


def article_id_from_key(key: str) -> str:
    """``parsed/<id>.json`` or ``summaries/<id>.json`` → ``<id>``."""
    name = key.rsplit("/", 1)[-1]
    return name.removesuffix(".json")


class ObjectStore:
    """Reads and writes the pipeline's objects; takes its S3 client from outside."""

    def __init__(self, client: S3Client, bucket: str) -> None:
        self._s3 = client
        self.bucket = bucket

    def get_upload(self, key: str, version_id: str | None = None) -> Upload:
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if version_id:
            kwargs["VersionId"] = version_id
        with _missing_raises(key):
            response = self._s3.get_object(**kwargs)
        data = response["Body"].read()
        return Upload(
            key=key,
            data=data,
            content_type=str(response.get("ContentType") or ""),
            size=len(data),
            version_id=response.get("VersionId"),
        )

    def put_upload(self, name: str, data: bytes, content_type: str) -> str:
        key = f"{INCOMING_PREFIX}{name}"
        self._s3.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)
        return key

    def presign_upload(
        self, key: str, content_type: str, max_bytes: int, expires_in: int
    ) -> tuple[str, dict[str, str]]:
        """A presigned POST for exactly ``key``, with a size limit and an expiry."""
        post = self._s3.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[
                {"Content-Type": content_type},
                ["content-length-range", 1, max_bytes],
            ],
            ExpiresIn=expires_in,
        )
        return str(post["url"]), {name: str(value) for name, value in post["fields"].items()}

    def delete_upload(self, key: str) -> None:
        self._s3.delete_object(Bucket=self.bucket, Key=key)

    def put_parsed(self, article: ParsedArticle) -> None:
        self._put_json(parsed_key(article.id), article.model_dump(mode="json"))

    def get_parsed(self, article_id: str) -> ParsedArticle:
        return ParsedArticle.model_validate(self._get_json(parsed_key(article_id)))

    def delete_parsed(self, article_id: str) -> None:
        self._s3.delete_object(Bucket=self.bucket, Key=parsed_key(article_id))

    def put_summary(self, summary: Summary) -> None:
        self._put_json(summary_key(summary.id), summary.model_dump(mode="json"))

    def get_summary(self, article_id: str) -> Summary:
        return Summary.model_validate(self._get_json(summary_key(article_id)))

    def summary_versions(self, article_id: str, limit: int) -> list[StoredSummary]:
        """The article's summaries, newest first: the bucket keeps every version written."""
        key = summary_key(article_id)
        response = self._s3.list_object_versions(Bucket=self.bucket, Prefix=key, MaxKeys=limit)
        stored = []
        for version in response.get("Versions", []):
            if version["Key"] != key:
                continue
            version_id = str(version["VersionId"])
            with suppress(ObjectMissingError):
                document = self._get_json(key, version_id)
                stored.append(
                    StoredSummary(
                        version_id=version_id,
                        written_at=version["LastModified"]
                        .isoformat(timespec="seconds")
                        .replace("+00:00", "Z"),
                        summary=Summary.model_validate(document),
                    )
                )
        return stored[:limit]

    def summary_exists(self, article_id: str) -> bool:
        return self._exists(summary_key(article_id))

    def delete_summary(self, article_id: str) -> None:
        self._s3.delete_object(Bucket=self.bucket, Key=summary_key(article_id))

    def put_rejection(self, rejection: Rejection) -> None:
        """Keeps the reason and a server-side copy of the upload, so nothing is lost."""
        base = f"{REJECTED_PREFIX}{rejection.id}/"
        source: dict[str, str] = {"Bucket": self.bucket, "Key": rejection.source.key}
        if rejection.source.version_id:
            source["VersionId"] = rejection.source.version_id
        # An upload deleted since it was rejected leaves the reason alone.
        with suppress(ObjectMissingError), _missing_raises(rejection.source.key):
            self._s3.copy_object(
                Bucket=self.bucket,
                Key=base + "original",
                CopySource=source,
                MetadataDirective="COPY",
            )
        self._put_json(base + "reason.json", rejection.model_dump(mode="json"))

    def delete_rejection(self, article_id: str) -> None:
        base = f"{REJECTED_PREFIX}{article_id}/"
        self._s3.delete_objects(
            Bucket=self.bucket,
            Delete={"Objects": [{"Key": base + "original"}, {"Key": base + "reason.json"}]},
        )

    def _exists(self, key: str) -> bool:
        try:
            with _missing_raises(key):
                self._s3.head_object(Bucket=self.bucket, Key=key)
        except ObjectMissingError:
            return False
        return True

    def _put_json(self, key: str, document: dict[str, Any]) -> None:
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._s3.put_object(
            Bucket=self.bucket, Key=key, Body=body, ContentType="application/json; charset=utf-8"
        )

    def _get_json(self, key: str, version_id: str | None = None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if version_id:
            kwargs["VersionId"] = version_id
        with _missing_raises(key):
            response = self._s3.get_object(**kwargs)
        document: dict[str, Any] = json.loads(response["Body"].read())
        return document


# What S3 answers for a key or version that is not there (HEAD has no body, only "404").
_MISSING = frozenset({"NoSuchKey", "404", "NotFound", "NoSuchVersion"})


def _missing_raises(key: str) -> AbstractContextManager[None]:
    return aws_errors.translated(_MISSING, lambda: ObjectMissingError(key))
