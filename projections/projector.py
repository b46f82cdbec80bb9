"""The projector: keeps the read models by a catch-up subscription over the event log.

For each event of an ``agreement-*`` stream it folds the agreement's state (from a cache of
folded states, else by reading and folding the stream) and writes every row derived from that
state (projections/writer.py) in one transaction. Zone streams (and any other) are passed by.

Why the rows stay right whatever happens:

- every row is a function of the agreement's stream up to the version it records
  (``agreements.version``), never of the order or number of deliveries;
- a write is refused at or below that version, so re-delivering an event changes nothing;
- the subscription saves its checkpoint after each batch, in a transaction of its own: a crash
  in between only re-delivers events whose rows are already written (each event's rows are
  written whole or not at all), and those change nothing;
- a stream that is folded from the log (a cache miss) is folded to its end: the rows then
  stand at a version beyond the event delivered, and the events up to it are passed by;
- a rebuild (projections/rebuild.py) folds every agreement stream of the log in memory and
  writes the read models again in one transaction, with the checkpoint where the
  subscription's own reading would stand after it.
"""

from __future__ import annotations

import asyncio
from typing import Self

import asyncpg
import structlog
from cachetools import LRUCache

from eventstore import (
    CatchUpSubscription,
    Checkpoint,
    EventStoreError,
    PostgresEventStore,
    RecordedEvent,
    StoreUnavailable,
)
from eventstore.connection import APP_ROLE
from eventstore.pg_errors import unavailable_as_store_error
from projections.decoding import decode_agreement_event
from projections.errors import ProjectionError, StreamNotProjectable
from projections.queries import ReadModels, open_pool
from projections.rebuild import RebuildProgress, Rebuilt, rebuild_read_models
from projections.replay import AGREEMENT_STREAM_PREFIX
from projections.rows import rows_of
from projections.status import ProjectionStatus, projection_status
from projections.summary import Folded, advance, fold_events
from projections.writer import write_agreement

SUBSCRIPTION_ID = "projections"
"""The name the projector's checkpoint is saved under."""

_log = structlog.get_logger(__name__)

__all__ = ["AGREEMENT_STREAM_PREFIX", "SUBSCRIPTION_ID", "Projector", "decode_agreement_event"]


class Projector(ReadModels):
    """Keeps the read models up to date, and answers their queries (:class:`ReadModels`).

    One projector per database is enough; a second one is harmless (writes are guarded by
    version) but does the work twice. Do not :meth:`rebuild` while :meth:`run` is running on the
    same projector.
    """

    def __init__(
        self,
        pool: asyncpg.Pool[asyncpg.Record],
        store: PostgresEventStore,
        *,
        batch_size: int = 500,
        poll_interval: float = 1.0,
        cached_states: int = 10_000,
        app_role: str | None = APP_ROLE,
    ) -> None:
        """Use an open read-model pool and store; prefer :meth:`open`.

        Args:
            pool: the read models' pool (``projections.queries.open_pool``).
            store: the event store whose log to project.
            batch_size: events per subscription batch.
            poll_interval: seconds between polls when no notification arrives.
            cached_states: how many agreements' folded states to keep in memory.
            app_role: the role a rebuild's reading connections assume (None: the login's).
        """
        super().__init__(pool)
        self._store = store
        self._app_role = app_role
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        # Per stream, the folded state whose rows were last written (or found newer).
        self._states: LRUCache[str, Folded] = LRUCache(maxsize=cached_states)
        self._subscription: CatchUpSubscription | None = None

    @classmethod
    async def open(
        cls,
        dsn: str,
        *,
        app_role: str | None = APP_ROLE,
        min_size: int = 1,
        max_size: int = 5,
        batch_size: int = 500,
        poll_interval: float = 1.0,
        cached_states: int = 10_000,
    ) -> Self:
        """Open the event store and the read models' pool on the database at ``dsn``.

        Raises:
            StoreUnavailable: the database cannot be reached.
        """
        store = await PostgresEventStore.open(
            dsn, app_role=app_role, notify=False, min_size=1, max_size=max_size
        )
        try:
            pool = await open_pool(dsn, app_role=app_role, min_size=min_size, max_size=max_size)
        except BaseException:
            await store.close()
            raise
        return cls(
            pool,
            store,
            batch_size=batch_size,
            poll_interval=poll_interval,
            cached_states=cached_states,
            app_role=app_role,
        )

    async def close(self) -> None:
        """Close the pool and the store."""
        try:
            await super().close()
        finally:
            await self._store.close()

    def _follow(self) -> CatchUpSubscription:
        if self._subscription is None:
            self._subscription = CatchUpSubscription(
                self._store,
                SUBSCRIPTION_ID,
                self._handle,
                batch_size=self._batch_size,
                poll_interval=self._poll_interval,
            )
        return self._subscription

    async def checkpoint(self) -> Checkpoint:
        """Where the projector has got to in the log (saved after each batch)."""
        return await self._follow().checkpoint()

    async def catch_up(self) -> int:
        """Project every event deliverable now; return how many were delivered.

        Raises:
            StoreUnavailable: the database cannot be reached.
            StreamNotProjectable, UnknownEventType, UpcastError: an agreement stream cannot be
                read; its batch is delivered again next time.
        """
        return await self._follow().catch_up()

    async def run(self, stop: asyncio.Event) -> None:
        """Project the log and follow it (woken by LISTEN/NOTIFY, polling too) until ``stop``
        is set; an unreachable database is retried."""
        await self._follow().run(stop)

    async def rebuild(
        self, *, processes: int | None = None, progress: RebuildProgress | None = None
    ) -> Rebuilt:
        """Write every read model again from the log, in one transaction
        (projections/rebuild.py), and set the checkpoint to go on from.

        Readers see the old rows until it commits; live projectors elsewhere wait to write.
        Claims on inbox tasks are not in the log: they are cleared. Events held back by a
        transaction still running elsewhere come with the next :meth:`catch_up` or :meth:`run`.

        Args:
            processes: worker processes to fold the streams in (None: one per core when the
                log is large; 1: this process).
            progress: told the events folded so far and the total (None until counted).

        Raises:
            RebuildFailed: an event cannot be decoded or folded, or a worker process died;
                the read models are as they were.
            StoreUnavailable: the database cannot be reached.
        """
        rebuilt = await rebuild_read_models(
            self._pool,
            self._store.dsn,
            SUBSCRIPTION_ID,
            app_role=self._app_role,
            processes=processes,
            progress=progress,
        )
        # Whatever was cached or delivered before describes rows that are gone.
        self._states.clear()
        self._subscription = None
        return rebuilt

    async def status(self) -> ProjectionStatus:
        """Where the checkpoint stands, how much of the log lies beyond it, and the read
        models' sizes.

        Raises:
            StoreUnavailable: the database cannot be reached.
        """
        async with (
            unavailable_as_store_error("reading the projections' status"),
            self._pool.acquire() as connection,
        ):
            return await projection_status(connection, SUBSCRIPTION_ID)

    async def _handle(self, recorded: RecordedEvent) -> None:
        try:
            await self.apply(recorded)
        except StoreUnavailable:
            raise  # the subscription waits and tries again
        except (ProjectionError, EventStoreError) as error:
            # Never skipped: the batch is delivered again, and fails again until fixed.
            _log.error(
                "event cannot be projected",
                stream_id=recorded.stream_id,
                stream_version=recorded.stream_version,
                type=recorded.type,
                error=str(error),
            )
            raise

    async def apply(self, recorded: RecordedEvent) -> bool:
        """Project one event (the subscription's handler; safe to call again with any event).

        Returns:
            Whether any row changed: False for other streams and for an event at or below the
            version the agreement's rows already stand at.
        """
        stream_id = recorded.stream_id
        if not stream_id.startswith(AGREEMENT_STREAM_PREFIX):
            return False
        folded = self._states.get(stream_id)
        if folded is not None and recorded.stream_version <= folded.state.version:
            return False
        if folded is not None and recorded.stream_version == folded.state.version + 1:
            folded = advance(folded, decode_agreement_event(recorded))
        else:
            folded = await self._fold_stream(stream_id, recorded.stream_version)
        written = await self._write(stream_id.removeprefix(AGREEMENT_STREAM_PREFIX), folded)
        self._states[stream_id] = folded
        return written

    async def _fold_stream(self, stream_id: str, at_least: int) -> Folded:
        """The stream folded to its end, which is at least ``at_least`` events."""
        events = [decode_agreement_event(e) for e in await self._store.read_stream(stream_id)]
        folded = fold_events(events)
        if folded is None or folded.state.version < at_least:
            raise StreamNotProjectable(
                f"{stream_id} has {len(events)} events; version {at_least} was delivered"
            )
        return folded

    async def _write(self, agreement_id: str, folded: Folded) -> bool:
        rows = rows_of(agreement_id, folded)
        async with (
            unavailable_as_store_error("writing the read models"),
            self._pool.acquire() as connection,
        ):
            return await write_agreement(connection, rows)
