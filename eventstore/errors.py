"""The event store's errors: one root, a typed leaf for every refusal a caller can act on."""

from __future__ import annotations

from uuid import UUID


class EventStoreError(Exception):
    """Root of every error the event store raises on purpose.

    Attributes:
        retryable: True when the same call may succeed if repeated unchanged (appends are
            idempotent by event id, so retrying an append is always safe).
    """

    retryable: bool = False


class StreamIdInvalid(EventStoreError, ValueError):
    """A stream id that is not ``<category>-<id>`` with a known category and safe characters."""

    def __init__(self, stream_id: str, reason: str) -> None:
        super().__init__(f"invalid stream id {stream_id!r}: {reason}")
        self.stream_id = stream_id
        self.reason = reason


class PayloadError(EventStoreError):
    """An event (data, metadata or header field) that breaks a payload rule.

    Deliberately not a ValueError: pydantic would wrap a ValueError raised by a validator into
    a ValidationError, and callers should get this typed error from ``NewEvent(...)`` too.

    Attributes:
        field: the path of the offending value, e.g. ``data.planned_obligations[2].jobs``.
        rule: the rule it breaks, e.g. ``no floats (money is a decimal string)``.
    """

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class WrongExpectedVersion(EventStoreError):
    """The stream is not at the version the caller expected (optimistic concurrency).

    Attributes:
        stream_id: the stream appended to.
        expected: what the caller expected (an int, or ``"any"``).
        actual: the stream's version when the append was refused (0 = no stream).
    """

    def __init__(self, stream_id: str, expected: int | str, actual: int) -> None:
        super().__init__(
            f"stream {stream_id!r} is at version {actual}, the append expected {expected}"
        )
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class EventIdConflict(EventStoreError):
    """An event id already recorded with different content, stream or position.

    Event ids are the idempotency key: the same id must always mean the same event.
    """

    def __init__(self, event_id: UUID, reason: str) -> None:
        super().__init__(f"event id {event_id} is already recorded: {reason}")
        self.event_id = event_id
        self.reason = reason


class UnknownEventType(EventStoreError):
    """A stored event whose type no model is registered for; it is never skipped silently."""

    def __init__(self, event_type: str) -> None:
        super().__init__(f"no event model is registered for type {event_type!r}")
        self.event_type = event_type


class UpcastError(EventStoreError):
    """A stored schema version that cannot be lifted to the current model's version."""

    def __init__(self, event_type: str, schema_version: int, reason: str) -> None:
        super().__init__(f"cannot upcast {event_type!r} v{schema_version}: {reason}")
        self.event_type = event_type
        self.schema_version = schema_version
        self.reason = reason


class StoreUnavailable(EventStoreError):
    """The database could not be reached or dropped the connection; retry later.

    An append that raised this may or may not have been recorded: retry it with the same
    event ids and the store returns the original positions if it was.
    """

    retryable = True
