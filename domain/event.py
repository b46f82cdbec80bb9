"""The base of every domain event: who, when, on what legal basis, under which rule set.

Each concrete event fixes ``type`` (a stable string, never a Python import path) and
``schema_version`` with ``Literal`` defaults; unions of events discriminate on ``type``.
A stored event keeps its type and schema_version forever; old versions are lifted on read by
the event store's upcasters.
"""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.actors import Actor


class DomainEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str
    schema_version: int
    occurred_at: AwareDatetime = Field(description="Business time, from the workflow's clock")
    actor: Actor
    legal_basis: tuple[str, ...] = ()
    rule_set_version: str = Field(min_length=1, max_length=100)
