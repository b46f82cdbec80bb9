"""The base of every command: frozen, strict, discriminated on ``type``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Command(BaseModel):
    """A request to change an agreement. Ids it creates come in it; the time and the actor come
    in the decision context, never from a clock."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str
