"""The base of every command: frozen, strict, discriminated on ``type``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from domain.values import MAX_NESTING, refuse_deep_nesting


class Command(BaseModel):
    """A request to change an agreement. Ids it creates come in it; the time and the actor come
    in the decision context, never from a clock."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str

    @model_validator(mode="before")
    @classmethod
    def _not_nested_too_deep(cls, data: Any) -> Any:
        # Before the fields (a before-validator may not sit on ``type``, the union's tag): the
        # error names the field in its context and message.
        if isinstance(data, dict):
            for field, value in data.items():
                try:
                    refuse_deep_nesting(value)
                except ValueError:
                    name = field if isinstance(field, str) and field.isprintable() else repr(field)
                    raise PydanticCustomError(
                        "too_deep",
                        "{field} must not be nested deeper than {limit} levels",
                        {"field": name, "limit": MAX_NESTING},
                    ) from None
        return data
