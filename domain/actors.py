"""Who acts: every command and event names its actor, authenticated outside the domain."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.values import PlainText


class Role(StrEnum):
    """The roles of pit. ``system`` is pit itself (timers, screening), never a person."""

    APPLICANT = "applicant"  # an applicant or participant, bound to its BIN
    REVIEWER = "reviewer"
    APPROVER = "approver"
    AUDITOR = "auditor"
    ADMIN = "admin"
    SYSTEM = "system"


class Actor(BaseModel):
    """An authenticated actor. ``bin`` is set for applicants and participants only."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: PlainText = Field(min_length=1, max_length=200)
    role: Role
    bin: str | None = Field(default=None, pattern=r"^\d{12}$")


SYSTEM_ACTOR = Actor(id="pit", role=Role.SYSTEM)
