"""pit's event store: an append-only, hash-chained log of events on PostgreSQL.

Nothing runs on import. Typical use::

    from eventstore import ANY, NewEvent, PostgresEventStore

    async with await PostgresEventStore.open(dsn) as store:
        result = await store.append("agreement-42", [event], expected_version=3)

``InMemoryEventStore`` has the same interface for tests. docs/audit-format.md describes what
is stored and how an auditor checks it.
"""

from eventstore.codec import EventCodec, EventRegistry, Upcaster
from eventstore.errors import (
    EventIdConflict,
    EventStoreError,
    PayloadError,
    StoreUnavailable,
    StreamIdInvalid,
    UnknownEventType,
    UpcastError,
    WrongExpectedVersion,
)
from eventstore.memory import InMemoryEventStore
from eventstore.model import EventMetadata, NewEvent, RecordedEvent
from eventstore.postgres import PostgresEventStore
from eventstore.store import AppendResult, EventStore
from eventstore.streams import ANY, AnyVersion, ExpectedVersion, validate_stream_id
from eventstore.subscription import CatchUpSubscription, Checkpoint, EventHandler
from eventstore.verification import FailureReason, VerificationFailure, VerificationReport

__all__ = [
    "ANY",
    "AnyVersion",
    "AppendResult",
    "CatchUpSubscription",
    "Checkpoint",
    "EventCodec",
    "EventHandler",
    "EventIdConflict",
    "EventMetadata",
    "EventRegistry",
    "EventStore",
    "EventStoreError",
    "ExpectedVersion",
    "FailureReason",
    "InMemoryEventStore",
    "NewEvent",
    "PayloadError",
    "PostgresEventStore",
    "RecordedEvent",
    "StoreUnavailable",
    "StreamIdInvalid",
    "UnknownEventType",
    "UpcastError",
    "Upcaster",
    "VerificationFailure",
    "VerificationReport",
    "WrongExpectedVersion",
    "validate_stream_id",
]
