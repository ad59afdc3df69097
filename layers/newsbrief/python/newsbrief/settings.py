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

# What PutEvents takes as EventBusName: a bus's name or its ARN.
EVENT_BUS_PATTERN = r"^(arn:aws[\w-]*:events:[\w-]+:\d{12}:event-bus/)?[/.\-_A-Za-z0-9]{1,256}$"


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
    # The stack's bus, which the newsroom's systems subscribe to (newsbrief.announcements).
    event_bus_name: str = Field(alias="EVENT_BUS_NAME", pattern=EVENT_BUS_PATTERN)
    # The API's base URL, which each event links to. The stages have it from the template; the
    # API's own functions cannot (the API depends on them) and take it from their requests.
    api_url: str = Field(default="", alias="API_URL", pattern=r"^(https?://\S+)?$")
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

    @field_validator("api_url")
    @classmethod
    def _without_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    def require_api_url(self) -> str:
        """The API's URL, for the functions whose events link to it; SettingsError if unset."""
        if not self.api_url:
            raise SettingsError(
                "the function's environment is incomplete: API_URL: the stages link each "
                "event they put to the article's resource in the API"
            )
        return self.api_url


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
