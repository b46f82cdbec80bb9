"""Catch-up subscriptions over the PostgreSQL log, resumable from a stored checkpoint.

Why not simply "events after the last global position": positions are taken when a row is
inserted, not when it commits, so a transaction holding a lower position can commit after a
higher position is already visible, and a reader by position would skip it forever.

Instead events are read in (transaction id, global position) order, and only those written by
transactions older than every transaction still running
(``transaction_id < pg_snapshot_xmin(pg_current_snapshot())``). Those transactions have all
ended, so no event can ever appear below that line again; no table lock is taken.

Guarantees:

- every committed event is delivered, at least once (exactly once unless the process stops
  between handling a batch and saving its checkpoint);
- per stream, events arrive in version order (each append is one statement, so a later
  version is written by a later transaction with a higher transaction id);
- across streams the order is transaction id then position, which is not commit order;
- an event is delivered only once no older transaction is still running: a long-running
  transaction anywhere in the cluster delays delivery (never reorders or loses it).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg
import structlog

from eventstore import sql
from eventstore.errors import StoreUnavailable
from eventstore.model import RecordedEvent
from eventstore.notifier import CHANNEL
from eventstore.pg_errors import unavailable_as_store_error
from eventstore.postgres import PostgresEventStore, row_to_recorded

EventHandler = Callable[[RecordedEvent], Awaitable[None]]
"""Called once per delivered event, in delivery order."""

_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The last handled event's (transaction id, global position); (0, 0) before any."""

    transaction_id: int = 0
    global_position: int = 0


class CatchUpSubscription:
    """Delivers every event of the log to a handler, then follows new ones.

    Use :meth:`catch_up` to deliver what is deliverable now, or :meth:`run` to keep
    following the log (woken by LISTEN/NOTIFY, polling as a fallback) until stopped.
    """

    def __init__(
        self,
        store: PostgresEventStore,
        subscription_id: str,
        handler: EventHandler,
        *,
        batch_size: int = 500,
        poll_interval: float = 1.0,
    ) -> None:
        """Prepare a subscription; nothing is read until :meth:`catch_up` or :meth:`run`.

        Args:
            store: the store whose log to follow.
            subscription_id: the stable name its checkpoint is saved under.
            handler: called for each event; an exception stops delivery before the
                checkpoint of that batch is saved, so the batch is delivered again.
            batch_size: events per query (and per checkpoint save).
            poll_interval: seconds between polls when no notification arrives.
        """
        if not subscription_id or len(subscription_id) > 200:
            raise ValueError("subscription_id must have 1 to 200 characters")
        if batch_size < 1 or poll_interval <= 0:
            raise ValueError("batch_size must be >= 1 and poll_interval > 0")
        self._store = store
        self._id = subscription_id
        self._handler = handler
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._checkpoint: Checkpoint | None = None
        self._woken = asyncio.Event()

    async def checkpoint(self) -> Checkpoint:
        """The saved checkpoint (loaded once, then tracked in memory)."""
        if self._checkpoint is None:
            async with self._store.connection("loading a checkpoint") as connection:
                row = await connection.fetchrow(sql.LOAD_CHECKPOINT, self._id)
            self._checkpoint = Checkpoint(int(row[0]), row[1]) if row else Checkpoint()
        return self._checkpoint

    async def catch_up(self, *, max_batches: int = 10_000) -> int:
        """Deliver every event deliverable now, saving the checkpoint after each batch.

        Args:
            max_batches: a bound on the rounds of this call; call again for more.

        Returns:
            How many events were delivered.

        Raises:
            StoreUnavailable: the database cannot be reached.
        """
        checkpoint = await self.checkpoint()
        delivered = 0
        for _ in range(max_batches):
            async with self._store.connection("reading a subscription batch") as connection:
                rows = await connection.fetch(
                    sql.SUBSCRIPTION_BATCH,
                    str(checkpoint.transaction_id),
                    checkpoint.global_position,
                    self._batch_size,
                )
            if not rows:
                break
            for row in rows:
                await self._handler(row_to_recorded(row, offset=1))
            last = rows[-1]
            checkpoint = Checkpoint(int(last[0]), last[1])
            async with self._store.connection("saving a checkpoint") as connection:
                await connection.execute(
                    sql.SAVE_CHECKPOINT,
                    self._id,
                    str(checkpoint.transaction_id),
                    checkpoint.global_position,
                )
            self._checkpoint = checkpoint
            delivered += len(rows)
            if len(rows) < self._batch_size:
                break
        return delivered

    async def run(self, stop: asyncio.Event) -> None:
        """Follow the log until ``stop`` is set.

        Each round catches up, then waits for a notification, the poll interval, or
        ``stop``, whichever comes first. An unreachable database is logged and retried
        after the poll interval.
        """
        listener = await self._listen()
        try:
            while not stop.is_set():
                try:
                    await self.catch_up()
                except StoreUnavailable as error:
                    _log.warning("subscription cannot reach the store", error=str(error))
                    listener = await self._relisten(listener)
                await self._wait(stop)
        finally:
            await self._unlisten(listener)

    async def _wait(self, stop: asyncio.Event) -> None:
        stopped = asyncio.ensure_future(stop.wait())
        woken = asyncio.ensure_future(self._woken.wait())
        try:
            await asyncio.wait(
                {stopped, woken},
                timeout=self._poll_interval,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            for waiter in (stopped, woken):
                waiter.cancel()
            self._woken.clear()

    def _on_notification(self, *_: object) -> None:
        self._woken.set()

    async def _listen(self) -> asyncpg.Connection[asyncpg.Record] | None:
        # Without a listener the subscription still works, by polling.
        try:
            async with unavailable_as_store_error("listening for new events"):
                connection = await asyncpg.connect(self._store.dsn, timeout=10)
                await connection.add_listener(CHANNEL, self._on_notification)
                return connection
        except StoreUnavailable as error:
            _log.warning("subscription falls back to polling", error=str(error))
            return None

    async def _relisten(
        self, listener: asyncpg.Connection[asyncpg.Record] | None
    ) -> asyncpg.Connection[asyncpg.Record] | None:
        if listener is not None and not listener.is_closed():
            return listener
        await self._unlisten(listener)
        return await self._listen()

    async def _unlisten(self, listener: asyncpg.Connection[asyncpg.Record] | None) -> None:
        if listener is not None:
            with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                await listener.close(timeout=2)
