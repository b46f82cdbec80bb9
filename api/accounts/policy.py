"""How long sessions live and how many failed logins pit tolerates; configurable per store."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, model_validator


class LoginLimits(BaseModel):
    """Failed logins allowed within a sliding window before more are refused unchecked.

    Per login, a successful login starts the count afresh (a person who mistyped a few times
    is not locked out later); per remote address it does not, so one known password cannot
    be used to keep guessing others from the same address.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    per_login: int = Field(default=5, ge=1)
    per_remote: int = Field(default=20, ge=1)
    window: timedelta = Field(default=timedelta(minutes=15), gt=timedelta(0))


class SessionPolicy(BaseModel):
    """A console session ends after ``idle`` without a request, and at ``absolute`` anyway."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    idle: timedelta = Field(default=timedelta(hours=8), gt=timedelta(0))
    absolute: timedelta = Field(default=timedelta(hours=8), gt=timedelta(0))

    @model_validator(mode="after")
    def _idle_within_absolute(self) -> SessionPolicy:
        if self.idle > self.absolute:
            raise ValueError("a session's idle timeout cannot exceed its absolute lifetime")
        return self


MAX_TOKEN_TTL = timedelta(days=366)
"""The longest an API token may live: a year, so forgotten tokens die out."""
