"""The event store on PostgreSQL (asyncpg): the record of truth auditors rely on."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

import asyncpg
from cachetools import LRUCache

from eventstore import sql
from eventstore.appending import PriorRecord, prepare_append, resolve_replay
from eventstore.chain import GENESIS_HASH, ChainedEvent, EncodedEvent, chain_events
from eventstore.connection import (
    APP_ROLE,
    Connection,
    open_app_pool,
)
from eventstore.errors import WrongExpectedVersion
from eventstore.model import STORED, EventMetadata, NewEvent, RecordedEvent
from eventstore.notifier import WakeUpNotifier
from eventstore.pg_errors import unavailable_as_store_error
from eventstore.pg_verify import verify_database
from eventstore.store import MAX_LIST_STREAMS, AppendResult
from eventstore.streams import ANY, ExpectedVersion, stream_range, validate_stream_id
from eventstore.verification import VerificationReport

# An append at ANY version races only with other appends to the same stream; retrying a few
# times settles it, and a stream hot enough to lose every time needs an exact version anyway.
_ANY_VERSION_ATTEMPTS = 5

# The range of PostgreSQL's bigint (versions and positions): larger arguments could not even be
# sent, and no row holds them.
_BIGINT_MAX = 2**63 - 1
# Half of it bounds read_all's limit, so that a window (position + limit) is a bigint too.
_READ_ALL_MOST = 2**62


def _bigint(value: int) -> int:
    """An int argument within bigint's range: beyond it, every stored value is on one side."""
    return max(-_BIGINT_MAX, min(value, _BIGINT_MAX))


def _sendable(moment: datetime | None) -> datetime | None:
    """An aware instant asyncpg can send: it converts to UTC, which for an instant within a
    day of year 1 or 9999 is beyond what a datetime holds; such an instant is before (or after)
    every stored one, and the UTC bound says the same."""
    if moment is None or moment.utcoffset() is None:
        return moment
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        if moment.year == 1:
            return datetime.min.replace(tzinfo=UTC)
        return datetime.max.replace(tzinfo=UTC)


def row_to_recorded(row: asyncpg.Record, offset: int = 0) -> RecordedEvent:
    """Build a RecordedEvent from a row selecting ``sql.EVENT_COLUMNS`` from ``offset`` on.

    The row was validated when it was written (and is covered by the hash chain), so the
    model is built without validating it again; only the metadata is parsed.
    """
    return RecordedEvent.model_construct(
        global_position=row[offset],
        stream_id=row[offset + 1],
        stream_version=row[offset + 2],
        event_id=row[offset + 3],
        type=row[offset + 4],
        schema_version=row[offset + 5],
        data=row[offset + 6],
        metadata=EventMetadata.model_validate(row[offset + 7], context=STORED),
        recorded_at=row[offset + 8],
        prev_hash=row[offset + 9],
        hash=row[offset + 10],
    )


class PostgresEventStore:
    """An append-only, hash-chained event log in one PostgreSQL table.

    Open with :meth:`open` (or use as an async context manager); the schema must have been
    migrated (:func:`eventstore.migrations.apply_migrations`).
    """

    def __init__(
        self,
        pool: asyncpg.Pool[asyncpg.Record],
        dsn: str,
        *,
        notifier: WakeUpNotifier | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        cached_heads: int = 100_000,
    ) -> None:
        """Wrap an open pool whose connections were set up by ``connection_setup``.

        Prefer :meth:`open`, which builds the pool and the notifier.

        Args:
            pool: the pool.
            dsn: its URL (verification and subscriptions open their own connections).
            notifier: sends LISTEN/NOTIFY wake-ups after appends, or None.
            clock: the writer's clock, whose reading is each event's ``recorded_at``.
            cached_heads: how many streams' last (version, hash) to remember.
        """
        self._pool = pool
        self._dsn = dsn
        self._notifier = notifier
        self._clock = clock
        self._heads: LRUCache[str, tuple[int, bytes]] = LRUCache(maxsize=cached_heads)

    @classmethod
    async def open(
        cls,
        dsn: str,
        *,
        min_size: int = 2,
        max_size: int = 10,
        app_role: str | None = APP_ROLE,
        notify: bool = True,
        connect_timeout: float = 10.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        cached_heads: int = 100_000,
    ) -> Self:
        """Connect a pool and return a store using it.

        Args:
            dsn: a ``postgresql://`` URL.
            min_size: connections opened at once (also proves the database is reachable).
            max_size: most connections the pool opens.
            app_role: role to ``SET ROLE`` to when the login may (None: stay the login).
            notify: send coalesced LISTEN/NOTIFY wake-ups for subscribers after appends.
            connect_timeout: seconds to wait for a connection.
            clock: the writer's clock, whose reading is each event's ``recorded_at``.
            cached_heads: how many streams' last (version, hash) to remember.

        Raises:
            StoreUnavailable: the database cannot be reached.
        """
        pool = await open_app_pool(
            dsn,
            what="the event store",
            app_role=app_role,
            min_size=min_size,
            max_size=max_size,
            connect_timeout=connect_timeout,
            # The store's statements are point lookups by key whose best plan never depends
            # on the values; without this, PostgreSQL may re-plan the append statement on
            # every execution, which costs more than executing it.
            server_settings={"plan_cache_mode": "force_generic_plan"},
        )
        notifier = WakeUpNotifier(dsn) if notify else None
        if notifier is not None:
            notifier.start()
        return cls(pool, dsn, notifier=notifier, clock=clock, cached_heads=cached_heads)

    @property
    def dsn(self) -> str:
        """The URL the store connects to (subscriptions open their LISTEN connection there)."""
        return self._dsn

    async def close(self) -> None:
        """Stop the notifier and close the pool."""
        if self._notifier is not None:
            await self._notifier.close()
        await self._pool.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @asynccontextmanager
    async def connection(self, what: str) -> AsyncIterator[Connection]:
        """A pooled connection; connection failures inside become StoreUnavailable.

        Args:
            what: what the caller is doing, for the error message.
        """
        async with unavailable_as_store_error(what), self._pool.acquire() as connection:
            yield connection

    async def append(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        """Append events atomically; see :class:`eventstore.store.EventStore`.

        The writer chains the events to the stream's head and one INSERT statement (its own
        transaction) stores them. The head comes from the cache of heads this store wrote or
        read, when it is the expected version: a cached head is a fact about an immutable row,
        so it never goes stale; a stream that moved on fails the unique key instead.
        """
        encoded = prepare_append(stream_id, events, expected_version)
        attempts = _ANY_VERSION_ATTEMPTS if expected_version is ANY else 1
        async with unavailable_as_store_error("appending"), self._pool.acquire() as connection:
            for _ in range(attempts):
                head = await self._head(connection, stream_id, expected_version)
                rows: list[asyncpg.Record] = []
                if head is not None:
                    chained = chain_events(stream_id, encoded, *head, self._clock())
                    try:
                        rows = await connection.fetch(*_insert_statement(stream_id, chained))
                    except asyncpg.UniqueViolationError:
                        rows = []
                if rows:
                    self._heads[stream_id] = (chained[-1].stream_version, chained[-1].hash)
                    if len(rows) > 1:
                        rows.sort(key=lambda row: int(row[0]))
                    if self._notifier is not None:
                        self._notifier.poke()
                    return AppendResult(
                        stream_id=stream_id,
                        global_positions=tuple(row[0] for row in rows),
                        stream_version=rows[-1][1],
                    )
                # Refused: a stale or future expected version, or event ids already recorded.
                outcome = await self._explain_refusal(
                    connection, stream_id, encoded, expected_version
                )
                if isinstance(outcome, AppendResult):
                    return outcome
                refusal = outcome
        raise refusal

    async def _head(
        self, connection: Connection, stream_id: str, expected_version: ExpectedVersion
    ) -> tuple[int, bytes] | None:
        """The (version, hash) to chain an append to; None when the expected version is absent."""
        if expected_version is ANY:
            row = await connection.fetchrow(sql.STREAM_HEAD, stream_id)
            return (0, GENESIS_HASH) if row is None else (row[0], row[1])
        if expected_version == 0:
            return 0, GENESIS_HASH
        if expected_version > _BIGINT_MAX:
            return None
        cached = self._heads.get(stream_id)
        if cached is not None and cached[0] == expected_version:
            return cached
        prev_hash = await connection.fetchval(sql.HASH_AT_VERSION, stream_id, expected_version)
        if prev_hash is None:
            return None
        self._heads[stream_id] = (expected_version, prev_hash)
        return expected_version, prev_hash

    async def _explain_refusal(
        self,
        connection: Connection,
        stream_id: str,
        encoded: Sequence[EncodedEvent],
        expected_version: ExpectedVersion,
    ) -> AppendResult | WrongExpectedVersion:
        """After the database refused an append: an idempotent replay, or the actual version.

        Raises:
            EventIdConflict: an event id is already recorded with other content.
        """
        rows = await connection.fetch(sql.PRIOR_RECORDS, [item.event.event_id for item in encoded])
        prior = {row[0]: PriorRecord(*row) for row in rows}
        replay = resolve_replay(stream_id, encoded, prior)
        if replay is not None:
            return replay
        actual: int = await connection.fetchval(sql.CURRENT_VERSION, stream_id)
        expected: int | str = "any" if expected_version is ANY else expected_version
        return WrongExpectedVersion(stream_id, expected, actual)

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
        async with self.connection("reading a stream") as connection:
            rows = await connection.fetch(
                sql.READ_STREAM,
                stream_id,
                _bigint(from_version),
                _sendable(occurred_until),
                _sendable(recorded_until),
            )
        return [row_to_recorded(row) for row in rows]

    async def stream_version(self, stream_id: str) -> int:
        """The stream's current version; 0 when it has no events."""
        validate_stream_id(stream_id)
        async with self.connection("reading a stream version") as connection:
            version: int = await connection.fetchval(sql.CURRENT_VERSION, stream_id)
        return version

    async def list_streams(
        self, prefix: str, *, after: str | None = None, limit: int = 100
    ) -> list[str]:
        """List stream ids by prefix, a page at a time; see :class:`eventstore.store.EventStore`.

        One index probe per id returned (``sql.LIST_STREAMS_FROM``), whatever the streams hold.
        """
        bounds = stream_range(prefix, after, limit, MAX_LIST_STREAMS)
        statement = sql.LIST_STREAMS_FROM if bounds.inclusive else sql.LIST_STREAMS_AFTER
        async with self.connection("listing streams") as connection:
            rows = await connection.fetch(statement, bounds.lower, bounds.upper, limit)
        return [row[0] for row in rows]

    async def read_all(self, from_position: int = 1, limit: int = 1000) -> list[RecordedEvent]:
        """Read events by global position; see :class:`eventstore.store.EventStore`."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        limit = min(limit, _READ_ALL_MOST)
        rows: list[asyncpg.Record] = []
        async with self.connection("reading all events") as connection:
            last = await connection.fetchval(sql.LAST_POSITION)
            # Windows of positions, widened while they come back empty (positions of rolled-back
            # appends are never used): bounded by the last position handed out.
            low, span = max(from_position, 1), limit
            while len(rows) < limit and low <= last:
                window = await connection.fetch(sql.READ_ALL, low, low + span, limit - len(rows))
                rows.extend(window)
                low, span = low + span, span if window else span * 2
        return [row_to_recorded(row) for row in rows]

    async def verify(self, *, processes: int | None = None) -> VerificationReport:
        """Recompute every stream's hash chain from the stored columns.

        Args:
            processes: worker processes to spread streams over (None: one per core for large
                logs, none for small ones).

        Raises:
            StoreUnavailable: the database cannot be reached.
        """
        async with unavailable_as_store_error("verifying"):
            return await verify_database(self._dsn, processes=processes)


def _insert_statement(stream_id: str, chained: Sequence[ChainedEvent]) -> tuple[Any, ...]:
    """The INSERT statement storing a chained batch, and its arguments."""
    if len(chained) == 1:
        (link,) = chained
        item, event = link.item, link.item.event
        return (
            sql.INSERT_ONE,
            stream_id,
            link.stream_version,
            event.event_id,
            event.type,
            event.schema_version,
            item.data_json,
            item.metadata_json,
            link.recorded_at,
            link.header_digest,
            item.data_digest,
            item.metadata_digest,
            link.prev_hash,
            link.hash,
        )
    return (
        sql.INSERT_MANY,
        stream_id,
        chained[0].recorded_at,
        [link.stream_version for link in chained],
        [link.item.event.event_id for link in chained],
        [link.item.event.type for link in chained],
        [link.item.event.schema_version for link in chained],
        [link.item.data_json for link in chained],
        [link.item.metadata_json for link in chained],
        [link.header_digest for link in chained],
        [link.item.data_digest for link in chained],
        [link.item.metadata_digest for link in chained],
        [link.prev_hash for link in chained],
        [link.hash for link in chained],
    )
