"""pit's settings, from the environment (prefix-free names, as operators expect)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.agreement.reminders import ReminderPolicy


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
    temporal_address: str | None = Field(default=None, alias="TEMPORAL_ADDRESS")
    temporal_namespace: str = Field(default="default", alias="TEMPORAL_NAMESPACE")
    task_queue: str = Field(default="pit-agreements", alias="PIT_TASK_QUEUE", min_length=1)
    # Where `pit up` serves its embedded Temporal dev server when TEMPORAL_ADDRESS is not set.
    temporal_port: int = Field(default=7233, alias="PIT_TEMPORAL_PORT", ge=1, le=65535)
    temporal_ui_port: int = Field(default=8233, alias="PIT_TEMPORAL_UI_PORT", ge=1, le=65535)
    # Mail: SMTP_URL (smtp://user:password@host:port, smtps:// for implicit TLS); without it
    # `pit up` runs its own SMTP catcher on PIT_SMTP_PORT and keeps the mail under PIT_HOME.
    smtp_url: str | None = Field(default=None, alias="SMTP_URL")
    smtp_port: int = Field(default=1025, alias="PIT_SMTP_PORT", ge=0, le=65535)
    mail_from: str = Field(default="pit@sez-pit.localhost", alias="PIT_MAIL_FROM", min_length=3)
    # Who receives what: the management company's staff mailbox, and the government bodies'.
    staff_email: str = Field(default="staff@sez-pit.localhost", alias="PIT_STAFF_EMAIL")
    authorized_body_email: str = Field(
        default="authorized-body@gov.localhost", alias="PIT_AUTHORIZED_BODY_EMAIL"
    )
    tax_authority_email: str = Field(
        default="tax-authority@gov.localhost", alias="PIT_TAX_AUTHORITY_EMAIL"
    )
    # Temporal SDK metrics for Prometheus (host:port); empty turns them off.
    metrics_address: str = Field(default="127.0.0.1:9464", alias="PIT_METRICS_ADDRESS")
    # The bearer token Prometheus must send to scrape the API's GET /metrics (a secret: from the
    # environment only; empty or unset: /metrics answers without one, as /api/ready does).
    metrics_token: SecretStr | None = Field(default=None, alias="PIT_METRICS_TOKEN")
    # Where `pit up` serves the JSON API (and its OpenAPI at /docs): http://host:port; port 0
    # lets the system pick one (pit up prints it).
    api_host: str = Field(default="127.0.0.1", alias="PIT_API_HOST", min_length=1)
    api_port: int = Field(default=8000, alias="PIT_API_PORT", ge=0, le=65535)
    # Signed checkpoints of the log (docs/audit-format.md): the zone's Ed25519 key, a PEM file
    # only pit's worker can read (`pit audit keygen` makes one; `pit up` makes one under
    # PIT_HOME); the public keys of earlier keys still trusted after a rotation (64 hex digits
    # each, comma-separated); and how often the worker's Temporal schedule makes a checkpoint.
    checkpoint_key_file: Path | None = Field(default=None, alias="PIT_CHECKPOINT_KEY_FILE")
    checkpoint_trusted_keys: str = Field(default="", alias="PIT_CHECKPOINT_TRUSTED_KEYS")
    checkpoint_every_minutes: int = Field(
        default=60, alias="PIT_CHECKPOINT_EVERY_MINUTES", ge=1, le=7 * 24 * 60
    )
    # How many agreements' workflows the worker keeps in memory between their tasks (about
    # 0.3 MB each, measured by bench.load). Above the open agreements, a task replays nothing;
    # below, every task of an evicted workflow replays its history first.
    max_cached_workflows: int = Field(
        default=10_000, alias="PIT_MAX_CACHED_WORKFLOWS", ge=0, le=1_000_000
    )
    # The reminder days and hours our policy leaves open (domain/agreement/reminders.py), as a
    # JSON object of ReminderPolicy's fields, e.g. {"staff_days_before": [3, 1], "spread":
    # "PT2M"}; fields left out keep their defaults. A new agreement takes the policy in force
    # when its workflow starts and keeps it for life (docs/deploy.md).
    reminder_policy: Annotated[ReminderPolicy, NoDecode] = Field(
        default_factory=ReminderPolicy, alias="PIT_REMINDER_POLICY"
    )
    # How often the worker looks for agreements wedged by the SDK defect (workers/healer.py).
    heal_every_seconds: float = Field(default=30, alias="PIT_HEAL_EVERY_SECONDS", gt=0, le=3600)

    @field_validator("reminder_policy", mode="before")
    @classmethod
    def _policy_from_json(cls, value: object) -> object:
        # Decoded here rather than by the settings source, so that text that is not JSON is
        # refused like any other bad value: naming PIT_REMINDER_POLICY.
        if not isinstance(value, str):
            return value
        if not value.strip():  # a compose file passes an unset variable through as empty
            return {}
        try:
            return json.loads(value)
        except json.JSONDecodeError as error:
            raise ValueError(f"not a JSON object of ReminderPolicy's fields ({error})") from None

    @field_validator("metrics_token", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # A compose file passes an unset variable through as empty: that is no token.
        return None if value == "" else value

    def require(self, *names: str) -> tuple[str, ...]:
        """The named settings' values; refuses to go on without any of them.

        Raises:
            MissingSettings: naming each absent environment variable.
        """
        fields = type(self).model_fields
        missing = [fields[name].alias or name.upper() for name in names if not getattr(self, name)]
        if missing:
            raise MissingSettings(missing)
        return tuple(str(getattr(self, name)) for name in names)


class MissingSettings(Exception):
    """Environment variables pit needs and did not get."""

    def __init__(self, variables: list[str]) -> None:
        super().__init__(f"not set: {', '.join(variables)}")
        self.variables = variables
