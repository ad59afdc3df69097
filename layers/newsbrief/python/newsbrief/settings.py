"""Environment → typed settings, read once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

INCOMING_PREFIX = "incoming/"
PARSED_PREFIX = "parsed/"
SUMMARIES_PREFIX = "summaries/"
REJECTED_PREFIX = "rejected/"

# Lambda refuses an event over 6 MiB (6,291,456 bytes of JSON), and API Gateway sends a binary
# body base64-encoded in it, 4/3 of its size: 4 MiB becomes 5.33 MiB, which leaves room for the
# headers and the rest of the event. Larger files go straight to S3 through POST /uploads.
MAX_API_UPLOAD_BYTES = 4 * 1024 * 1024


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    articles_bucket: str
    articles_table: str
    search_index_table: str
    idempotency_table: str
    bedrock_model_id: str = ""
    cors_allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    furniture_min_sources: int = 3

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            articles_bucket=env.get("ARTICLES_BUCKET", ""),
            articles_table=env.get("ARTICLES_TABLE", ""),
            search_index_table=env.get("SEARCH_INDEX_TABLE", ""),
            idempotency_table=env.get("IDEMPOTENCY_TABLE", ""),
            bedrock_model_id=env.get("BEDROCK_MODEL_ID", ""),
            cors_allowed_origins=_csv(env.get("CORS_ALLOWED_ORIGINS", "")),
            furniture_min_sources=int(env.get("FURNITURE_MIN_UPLOADS", "3")),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
