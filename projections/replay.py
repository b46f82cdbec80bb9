"""Replaying a range of agreement streams for a rebuild: read in (stream, version) order, a
chunk at a time (the next chunk is fetched while this one is folded), each event decoded from
its stored bytes and folded by the live path's fold, each stream's rows made once at its end.

Runs on a connection whose transaction holds the rebuild's snapshot and whose ``json`` codec
gives the stored bytes (``eventstore.connection.set_raw_json_codecs``); one per worker process
(projections/rebuild_worker.py), or the rebuild's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

import asyncpg

from eventstore import EventStoreError
from eventstore.connection import Connection, connection_setup, set_raw_json_codecs
from projections import sql
from projections.decoding import decode_stored
from projections.errors import ProjectionError, RebuildFailed, StreamNotProjectable
from projections.rows import AgreementRows, rows_of
from projections.summary import Folded, fold_events

AGREEMENT_STREAMS = ("agreement-", "agreement.")
"""The agreement streams' ids are those from the first (inclusive) to the second (exclusive):
``agreement-`` then anything (ids compare byte by byte, and ``.`` follows ``-``)."""

AGREEMENT_STREAM_PREFIX = AGREEMENT_STREAMS[0]

CHUNK_ROWS = 5000
"""Events per keyset query: enough to keep the database busy while the last chunk is folded."""

Progress = Callable[[int], None]
"""Told how many more events were replayed."""


@dataclass
class Replayed:
    """The rows of the agreements of one range, and how many events they were folded from."""

    events: int = 0
    agreements: list[AgreementRows] = field(default_factory=list)

    def merge(self, other: Replayed) -> None:
        """Add another range's rows to these."""
        self.events += other.events
        self.agreements.extend(other.agreements)


class _Stream:
    """One stream being folded, a chunk of its events at a time."""

    __slots__ = ("folded", "stream_id")

    def __init__(self, stream_id: str) -> None:
        self.stream_id = stream_id
        self.folded: Folded | None = None

    def fold(self, rows: list[asyncpg.Record]) -> None:
        """Fold the stream's next events (rows of ``sql.AGREEMENT_EVENTS_AFTER``).

        Raises:
            RebuildFailed: an event cannot be decoded, or is not the next version.
        """
        version = self.folded.state.version if self.folded is not None else 0
        events = []
        for row in rows:
            version += 1
            try:
                if row[1] != version:  # no gaps: the store's unique key and hash chain
                    raise StreamNotProjectable(f"version {version} is missing")
                events.append(decode_stored(row[2], row[3], row[4]))
            except (ProjectionError, EventStoreError) as error:
                raise RebuildFailed(f"{self.stream_id} v{row[1]}: {error}") from error
        self.folded = fold_events(events, self.folded)

    def rows(self) -> AgreementRows:
        if self.folded is None:  # a stream is only started by one of its events
            raise StreamNotProjectable(f"{self.stream_id} has no events")
        return rows_of(self.stream_id.removeprefix(AGREEMENT_STREAM_PREFIX), self.folded)


async def reading_connection(dsn: str, app_role: str | None) -> asyncpg.Connection[asyncpg.Record]:
    """A connection of its own to read the log for a rebuild: ``json`` as the stored bytes,
    as ``app_role`` when the login may assume it."""
    connection: asyncpg.Connection[asyncpg.Record] = await asyncpg.connect(dsn, timeout=10)
    try:
        await connection_setup(app_role)(connection)
        await set_raw_json_codecs(connection)
    except BaseException:
        await connection.close()
        raise
    return connection


async def replay_range(
    connection: Connection,
    low: str,
    high: str,
    progress: Progress | None = None,
) -> Replayed:
    """Fold every agreement stream with ``low <= stream_id < high`` to its last event in the
    connection's snapshot, and make each one's rows.

    Raises:
        RebuildFailed: an event cannot be decoded (naming its stream, its version and why).
    """
    statement = await connection.prepare(sql.AGREEMENT_EVENTS_AFTER)

    def fetch_after(stream_id: str, version: int) -> asyncio.Task[list[asyncpg.Record]]:
        return asyncio.ensure_future(statement.fetch(stream_id, version, high, CHUNK_ROWS))

    replayed = Replayed()
    current: _Stream | None = None
    # The first key is just below ``low``: any version of ``low`` itself is above (low, 0).
    pending = fetch_after(low, 0)
    try:
        while True:  # ends on the first short chunk: keys only grow, and the snapshot is finite
            rows = await pending
            if len(rows) == CHUNK_ROWS:
                pending = fetch_after(rows[-1][0], rows[-1][1])
            for stream_id, of_stream in groupby(rows, itemgetter(0)):
                if current is None or current.stream_id != stream_id:
                    if current is not None:
                        replayed.agreements.append(current.rows())
                    current = _Stream(stream_id)
                current.fold(list(of_stream))
            replayed.events += len(rows)
            if progress is not None:
                progress(len(rows))
            if len(rows) < CHUNK_ROWS:
                break
        if current is not None:
            replayed.agreements.append(current.rows())
    finally:
        if not pending.done():
            pending.cancel()
    return replayed


@contextlib.contextmanager
def collector_out_of_the_way() -> Iterator[None]:
    """Far fewer garbage collector passes while a replay runs in this process.

    Decoding makes and drops objects by the million while little lives long, and every pass of
    the collector over the older generations walks each long-lived object (modules, pydantic's
    schemas) again: with the default settings those passes cost more than the decoding. The
    objects alive now are frozen out of its way and it runs far less often, until the end.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
