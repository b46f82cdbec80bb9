"""From domain event models to stored events and back, lifting old schema versions on read.

A model is registered under its stable ``type`` string; its ``type`` and ``schema_version``
fields are ``Literal`` defaults (see domain/event.py). They are stored in the events table's
columns, not repeated inside ``data``. Stored events keep their schema version forever;
upcasters registered per ``(type, from_version)`` lift their data one version at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from eventstore.errors import PayloadError, UnknownEventType, UpcastError
from eventstore.model import EventMetadata, NewEvent, RecordedEvent

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
"""Lifts one event's data from schema version n to n + 1; must not mutate its argument."""

ModelT = TypeVar("ModelT", bound=type[BaseModel])

_COLUMN_FIELDS = frozenset({"type", "schema_version"})


def _fields_of(model: type[BaseModel]) -> dict[str, FieldInfo]:
    return model.model_fields


def _field_path(error: ValidationError) -> tuple[str, str]:
    first = error.errors()[0]
    path = "data" + "".join(
        f"[{step}]" if isinstance(step, int) else f".{step}" for step in first["loc"]
    )
    return path, first["msg"]


class EventRegistry:
    """Maps stable type strings to their current model and the upcasters of older versions."""

    def __init__(self) -> None:
        """Create an empty registry."""
        self._models: dict[str, type[BaseModel]] = {}
        self._versions: dict[str, int] = {}
        self._types_by_model: dict[type[BaseModel], str] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}

    def register(self, model: ModelT) -> ModelT:
        """Register a model as the current version of its type (usable as a decorator).

        Raises:
            ValueError: the model lacks ``type``/``schema_version`` defaults, or its type is
                already registered to another model.
        """
        fields = _fields_of(model)
        event_type = fields["type"].default if "type" in fields else None
        version = fields["schema_version"].default if "schema_version" in fields else None
        if not isinstance(event_type, str) or not isinstance(version, int):
            raise ValueError(
                f"{model.__name__} needs `type: Literal[...]` and `schema_version: Literal[n]` "
                "fields with defaults"
            )
        known = self._models.get(event_type)
        if known is not None and known is not model:
            raise ValueError(f"type {event_type!r} is already registered to {known.__name__}")
        self._models[event_type] = model
        self._versions[event_type] = version
        self._types_by_model[model] = event_type
        return model

    def add_upcaster(self, event_type: str, from_version: int, upcaster: Upcaster) -> None:
        """Register the function lifting ``event_type`` data from ``from_version`` to the next.

        Raises:
            ValueError: an upcaster for that step is already registered.
        """
        if (event_type, from_version) in self._upcasters:
            raise ValueError(f"upcaster {event_type!r} v{from_version} is already registered")
        self._upcasters[(event_type, from_version)] = upcaster

    def upcaster(self, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Decorator form of :meth:`add_upcaster`."""

        def decorate(upcaster: Upcaster) -> Upcaster:
            self.add_upcaster(event_type, from_version, upcaster)
            return upcaster

        return decorate

    def model_for(self, event_type: str) -> tuple[type[BaseModel], int]:
        """The current model of a type and its schema version.

        Raises:
            UnknownEventType: nothing is registered under ``event_type``.
        """
        model = self._models.get(event_type)
        if model is None:
            raise UnknownEventType(event_type)
        return model, self._versions[event_type]

    def type_of(self, model: type[BaseModel]) -> str:
        """The type string a model is registered under.

        Raises:
            UnknownEventType: the model is not registered.
        """
        event_type = self._types_by_model.get(model)
        if event_type is None:
            raise UnknownEventType(model.__name__)
        return event_type

    def upcast(self, event_type: str, schema_version: int, data: dict[str, Any]) -> dict[str, Any]:
        """Lift stored data to the current schema version, one registered step at a time.

        Raises:
            UnknownEventType: the type is not registered.
            UpcastError: the stored version is newer than the model, or a step is missing.
        """
        _, current = self.model_for(event_type)
        if schema_version > current:
            raise UpcastError(
                event_type, schema_version, f"newer than the registered model (v{current})"
            )
        if schema_version < 1:
            raise UpcastError(event_type, schema_version, "schema versions start at 1")
        # Bounded: one step per version between the stored and the current one.
        for version in range(schema_version, current):
            step = self._upcasters.get((event_type, version))
            if step is None:
                raise UpcastError(event_type, schema_version, f"no upcaster from v{version}")
            data = step(dict(data))
        return data


class EventCodec:
    """Encodes domain event models as NewEvents and decodes RecordedEvents into models."""

    def __init__(self, registry: EventRegistry) -> None:
        """Use the models and upcasters of ``registry``."""
        self._registry = registry

    def encode(self, event: BaseModel, *, event_id: UUID, metadata: EventMetadata) -> NewEvent:
        """Turn a registered model into a NewEvent, validating it as decoding will.

        Raises:
            UnknownEventType: the model's class is not registered.
            PayloadError: the event does not validate (naming the field) or breaks a payload
                rule (e.g. a float).
        """
        model = type(event)
        event_type = self._registry.type_of(model)
        _, version = self._registry.model_for(event_type)
        data = event.model_dump(mode="json", exclude=set(_COLUMN_FIELDS))
        try:
            model.model_validate({**data, "type": event_type, "schema_version": version})
        except ValidationError as error:
            raise PayloadError(*_field_path(error)) from None
        return NewEvent(
            event_id=event_id,
            type=event_type,
            schema_version=version,
            data=data,
            metadata=metadata,
        )

    def decode(self, recorded: RecordedEvent) -> BaseModel:
        """Turn a recorded event into its current model, upcasting older versions.

        Raises:
            UnknownEventType: no model is registered for the event's type (never skipped).
            UpcastError: the version cannot be lifted, or the lifted data does not validate.
        """
        return self.decode_data(recorded.type, recorded.schema_version, recorded.data)

    def decode_data(self, event_type: str, schema_version: int, data: dict[str, Any]) -> BaseModel:
        """Like :meth:`decode`, from a type, a stored schema version and data."""
        model, current = self._registry.model_for(event_type)
        lifted = self._registry.upcast(event_type, schema_version, data)
        try:
            return model.model_validate({**lifted, "type": event_type, "schema_version": current})
        except ValidationError as error:
            path, message = _field_path(error)
            raise UpcastError(event_type, schema_version, f"{path}: {message}") from None
