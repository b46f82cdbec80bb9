"""The interface both stores implement (PostgreSQL and in-memory), and its result type."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from eventstore.model import NewEvent, RecordedEvent
from eventstore.streams import ExpectedVersion
from eventstore.verification import VerificationReport

MAX_BATCH = 10_000
"""Most events one append may carry."""

MAX_BATCH_BYTES = 32 << 20
"""Most canonical bytes (every event's data and metadata together) one append may carry: one
transaction, held in memory while it is hashed and written. Each payload is at most
``MAX_CANONICAL_BYTES``; a larger batch is split by its caller into appends of its own."""

MAX_LIST_STREAMS = 1000
"""Most stream ids one call of ``list_streams`` returns."""


@dataclass(frozen=True, slots=True)
class AppendResult:
    """What an append recorded.

    Attributes:
        stream_id: the stream appended to.
        global_positions: the positions of the appended events, in the order given.
        stream_version: the stream version of the last appended event.
        replayed: True when every event was already recorded (an idempotent retry):
            positions and version are then the original ones and nothing was written.
    """

    stream_id: str
    global_positions: tuple[int, ...]
    stream_version: int
    replayed: bool = False


class EventStore(Protocol):
    """An append-only, hash-chained log of events grouped in streams."""

    async def append(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        """Append events atomically at the end of a stream.

        Args:
            stream_id: ``agreement-<id>`` or ``zone-<code>``.
            events: one or more events; all are recorded or none.
            expected_version: the stream's current version (0: it must not exist) or ``ANY``.

        Returns:
            The positions and the new stream version (or the original ones on a replay).

        Raises:
            StreamIdInvalid: the stream id is malformed.
            PayloadError: an event breaks a payload rule; nothing is written.
            WrongExpectedVersion: the stream is at another version (``actual`` says which).
            EventIdConflict: an event id is already recorded with other content.
            StoreUnavailable: the database is unreachable (retry: appends are idempotent).
        """
        ...

    async def read_stream(
        self,
        stream_id: str,
        from_version: int = 1,
        *,
        occurred_until: datetime | None = None,
        recorded_until: datetime | None = None,
    ) -> list[RecordedEvent]:
        """Read a stream in version order, optionally as of a business or record time.

        Args:
            stream_id: the stream.
            from_version: the first version to return.
            occurred_until: only events whose ``metadata.occurred_at`` is at or before this
                (as of a business time: what we now know had happened by then).
            recorded_until: only events recorded at or before this (as of a record time:
                what the log held then).
        """
        ...

    async def stream_version(self, stream_id: str) -> int:
        """The stream's current version; 0 when it has no events."""
        ...

    async def list_streams(
        self, prefix: str, *, after: str | None = None, limit: int = 100
    ) -> list[str]:
        """List the ids of the streams that start with ``prefix``, in byte order, a page at a time.

        Args:
            prefix: what the ids start with, e.g. ``agreement-`` (empty: every stream); letters,
                digits and ``_ . : -`` only, as in stream ids.
            after: the cursor: only ids after this one (the last id of the previous page).
            limit: the most ids to return, 1 to :data:`MAX_LIST_STREAMS`.

        Returns:
            Up to ``limit`` stream ids; fewer means the listing is complete.

        Raises:
            ValueError: a prefix with other characters, or a limit out of range.
            StoreUnavailable: the database is unreachable.
        """
        ...

    async def read_all(self, from_position: int = 1, limit: int = 1000) -> list[RecordedEvent]:
        """Read up to ``limit`` events with ``global_position >= from_position``, in order.

        Positions are assigned before commit, so a scan by position can pass an event that
        commits later: consumers that must see every event use a catch-up subscription.
        """
        ...

    async def verify(self) -> VerificationReport:
        """Recompute every stream's hash chain and report the first failure of each stream."""
        ...
