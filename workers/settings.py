"""pit's settings, from the environment (prefix-free names, as operators expect)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PitSettings(BaseSettings):
    """Everything pit reads from its environment.

    ``DATABASE_URL`` is optional for `pit up`: without it pit starts an embedded PostgreSQL
    under ``PIT_HOME``.
    """

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    pit_home: Path = Field(default=Path(".pit"), alias="PIT_HOME")
    log_format: str = Field(default="auto", alias="PIT_LOG_FORMAT", pattern="^(auto|json|console)$")
    log_level: str = Field(default="INFO", alias="PIT_LOG_LEVEL")
