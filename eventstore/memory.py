"""The in-memory twin of the PostgreSQL store: same contract, same hash chain, no database."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import orjson

from eventstore.appending import PriorRecord, prepare_append, resolve_replay
from eventstore.chain import GENESIS_HASH, chain_events
from eventstore.errors import WrongExpectedVersion
from eventstore.model import STORED, EventMetadata, NewEvent, RecordedEvent
from eventstore.store import MAX_LIST_STREAMS, AppendResult
from eventstore.streams import ANY, ExpectedVersion, stream_range, validate_stream_id
from eventstore.verification import ChainVerifier, VerificationReport, VerifyRow


@dataclass(frozen=True, slots=True)
class StoredRow:
    """One recorded event as the in-memory store keeps it: the columns of the events table."""

    global_position: int
    stream_id: str
    stream_version: int
    event_id: UUID
    type: str
    schema_version: int
    data_json: bytes
    metadata_json: bytes
    recorded_at: datetime
    header_digest: bytes
    data_digest: bytes
    metadata_digest: bytes
    prev_hash: bytes
    hash: bytes

    def to_recorded(self) -> RecordedEvent:
        """The row as the store's read API returns it."""
        return RecordedEvent(
            global_position=self.global_position,
            stream_id=self.stream_id,
            stream_version=self.stream_version,
            event_id=self.event_id,
            type=self.type,
            schema_version=self.schema_version,
            data=orjson.loads(self.data_json),
            metadata=EventMetadata.model_validate_json(self.metadata_json, context=STORED),
            recorded_at=self.recorded_at,
            prev_hash=self.prev_hash,
            hash=self.hash,
        )

    def to_verify_row(self) -> VerifyRow:
        """The row in the verifier's column order."""
        return (
            self.stream_id,
            self.stream_version,
            self.event_id,
            self.type,
            self.schema_version,
            self.data_json,
            self.metadata_json,
            self.recorded_at,
            self.header_digest,
            self.data_digest,
            self.metadata_digest,
            self.prev_hash,
            self.hash,
        )


def _utc_now() -> datetime:
    return datetime.now(UTC)


class InMemoryEventStore:
    """An event store in a process's memory, for unit tests and local experiments.

    Rows keep canonical JSON bytes, never the caller's dicts, so nothing a caller mutates
    later can change a recorded event. There are no awaits inside an append, which makes each
    append atomic with respect to every other coroutine.
    """

    def __init__(self, clock: Callable[[], datetime] = _utc_now) -> None:
        """Create an empty store.

        Args:
            clock: the record-time clock (aware datetimes); tests may pass a fixed one.
        """
        self._clock = clock
        self._rows: list[StoredRow] = []
        self._streams: dict[str, list[StoredRow]] = {}
        self._by_event_id: dict[UUID, StoredRow] = {}

    async def append(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        """Append events atomically; see :class:`eventstore.store.EventStore`."""
        encoded = prepare_append(stream_id, events, expected_version)
        prior = {
            item.event.event_id: self._prior(row)
            for item in encoded
            if (row := self._by_event_id.get(item.event.event_id)) is not None
        }
        replay = resolve_replay(stream_id, encoded, prior)
        if replay is not None:
            return replay
        stream = self._streams.get(stream_id, [])
        actual = len(stream)
        if expected_version is not ANY and expected_version != actual:
            raise WrongExpectedVersion(stream_id, expected_version, actual)
        prev_hash = stream[-1].hash if stream else GENESIS_HASH
        recorded_at = self._clock().astimezone(UTC)
        new_rows = [
            StoredRow(
                global_position=len(self._rows) + offset,
                stream_id=stream_id,
                stream_version=link.stream_version,
                event_id=link.item.event.event_id,
                type=link.item.event.type,
                schema_version=link.item.event.schema_version,
                data_json=link.item.data_json,
                metadata_json=link.item.metadata_json,
                recorded_at=recorded_at,
                header_digest=link.header_digest,
                data_digest=link.item.data_digest,
                metadata_digest=link.item.metadata_digest,
                prev_hash=link.prev_hash,
                hash=link.hash,
            )
            for offset, link in enumerate(
                chain_events(stream_id, encoded, actual, prev_hash, recorded_at), start=1
            )
        ]
        self._rows.extend(new_rows)
        self._streams.setdefault(stream_id, []).extend(new_rows)
        self._by_event_id.update((row.event_id, row) for row in new_rows)
        return AppendResult(
            stream_id=stream_id,
            global_positions=tuple(row.global_position for row in new_rows),
            stream_version=new_rows[-1].stream_version,
        )

    @staticmethod
    def _prior(row: StoredRow) -> PriorRecord:
        return PriorRecord(
            event_id=row.event_id,
            stream_id=row.stream_id,
            stream_version=row.stream_version,
            global_position=row.global_position,
            type=row.type,
            schema_version=row.schema_version,
            data_digest=row.data_digest,
            metadata_digest=row.metadata_digest,
        )

    async def read_stream(
        self,
        stream_id: str,
        from_version: int = 1,
        *,
        occurred_until: datetime | None = None,
        recorded_until: datetime | None = None,
    ) -> list[RecordedEvent]:
        """Read a stream in version order; see :class:`eventstore.store.EventStore`."""
        validate_stream_id(stream_id)
        events = []
        for row in self._streams.get(stream_id, [])[max(from_version, 1) - 1 :]:
            if recorded_until is not None and row.recorded_at > recorded_until:
                continue
            event = row.to_recorded()
            if occurred_until is not None and event.metadata.occurred_at > occurred_until:
                continue
            events.append(event)
        return events

    async def stream_version(self, stream_id: str) -> int:
        """The stream's current version; 0 when it has no events."""
        validate_stream_id(stream_id)
        return len(self._streams.get(stream_id, []))

    async def list_streams(
        self, prefix: str, *, after: str | None = None, limit: int = 100
    ) -> list[str]:
        """List stream ids by prefix, a page at a time; see :class:`eventstore.store.EventStore`."""
        bounds = stream_range(prefix, after, limit, MAX_LIST_STREAMS)
        return sorted(stream_id for stream_id in self._streams if bounds.holds(stream_id))[:limit]

    async def read_all(self, from_position: int = 1, limit: int = 1000) -> list[RecordedEvent]:
        """Read events by global position; see :class:`eventstore.store.EventStore`."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        start = max(from_position, 1) - 1
        return [row.to_recorded() for row in self._rows[start : start + limit]]

    async def verify(self) -> VerificationReport:
        """Recompute every stream's hash chain; see :mod:`eventstore.verification`."""
        verifier = ChainVerifier()
        verifier.feed(self._verify_rows())
        return verifier.report()

    def _verify_rows(self) -> Iterator[VerifyRow]:
        for stream_id in sorted(self._streams):
            rows = sorted(self._streams[stream_id], key=lambda row: row.stream_version)
            yield from (row.to_verify_row() for row in rows)
