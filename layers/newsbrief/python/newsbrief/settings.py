"""Environment → typed settings, read once per process and checked when a function starts."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

INCOMING_PREFIX = "incoming/"
PARSED_PREFIX = "parsed/"
SUMMARIES_PREFIX = "summaries/"
REJECTED_PREFIX = "rejected/"

# Lambda refuses an event over 6 MiB (6,291,456 bytes of JSON), and API Gateway sends a binary
# body base64-encoded in it, 4/3 of its size: 4 MiB becomes 5.33 MiB, which leaves room for the
# headers and the rest of the event. Larger files go straight to S3 through POST /uploads.
MAX_API_UPLOAD_BYTES = 4 * 1024 * 1024

# Uploads of one source that must share a line before it is learned as that source's furniture.
FURNITURE_MIN_UPLOADS = 3


class SettingsError(RuntimeError):
    """The environment lacks what the functions need; the message names each variable."""


class Settings(BaseModel):
    """What every function reads from its environment (the template's Globals).

    A plain model over ``os.environ``: pydantic is loaded by the models already, where
    pydantic-settings would add its own import to every cold start."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    articles_bucket: str = Field(alias="ARTICLES_BUCKET", min_length=1)
    articles_table: str = Field(alias="ARTICLES_TABLE", min_length=1)
    search_index_table: str = Field(alias="SEARCH_INDEX_TABLE", min_length=1)
    idempotency_table: str = Field(alias="IDEMPOTENCY_TABLE", min_length=1)
    bedrock_model_id: str = Field(default="", alias="BEDROCK_MODEL_ID")
    cors_allowed_origins: tuple[str, ...] = Field(default=(), alias="CORS_ALLOWED_ORIGINS")
    # The SummaryReview parameter: "required" shows readers only the newsroom's summaries.
    summary_review: Literal["off", "required"] = Field(default="off", alias="SUMMARY_REVIEW")

    @property
    def review_required(self) -> bool:
        return self.summary_review == "required"

    @field_validator("cors_allowed_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process; a missing or empty variable raises SettingsError."""
    try:
        return Settings.model_validate(dict(os.environ))
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in error.errors()
        )
        raise SettingsError(f"the function's environment is incomplete: {problems}") from None
