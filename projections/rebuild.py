"""Rebuilding every read model from the log in one transaction, streams folded in parallel.

The live projector applies the log an event at a time (a transaction per event); a rebuild
knows it will see every event, so it reads each agreement stream once, in order, folds it in
memory with the live path's fold, and writes each agreement's final rows once, by COPY:

1. The writing transaction locks the read models (``sql.LOCK_READ_MODELS``): readers go on
   reading the old rows; live writers elsewhere wait until the rebuild commits, then write only
   what is newer than its rows (their writes are guarded by version).
2. Then a read-only REPEATABLE READ transaction takes the snapshot the rebuild reads (exported
   for worker processes) and its xmin. Taken after the lock, it holds every event any
   committed row was made from.
3. Every agreement stream is folded to its last event in that snapshot, in stream-id ranges
   spread over worker processes (one per core) when the log is large
   (projections/replay.py, projections/rebuild_worker.py).
4. In the writing transaction: the read models are emptied and written again (claims on
   inbox tasks are not in the log and go), the register is made from the concluded
   agreements as the live path makes it, and the subscription's checkpoint is set to the last
   event below the snapshot's xmin in (transaction id, position) order: exactly where the
   subscription's own reading would stand after delivering everything below that line. Events
   of transactions still running then come with the next catch-up, and any already folded
   here (committed, but above the line) change nothing when they come: rows are written only
   over an older version.

A failure anywhere rolls the writing transaction back: the read models stay as they were.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import asyncpg
import structlog

from eventstore import Checkpoint
from eventstore import sql as store_sql
from eventstore.connection import Connection
from eventstore.pg_errors import unavailable_as_store_error
from projections import sql
from projections.parallel_replay import range_bounds, replay_in_workers
from projections.participants import ConcludedAgreement, participant_entry
from projections.replay import (
    AGREEMENT_STREAMS,
    Replayed,
    collector_out_of_the_way,
    reading_connection,
    replay_range,
)
from projections.rows import (
    AGREEMENT_COLUMNS,
    DEADLINE_COLUMNS,
    PARTICIPANT_COLUMNS,
    REPORT_COLUMNS,
    TASK_COLUMNS,
    AgreementRows,
    Row,
    participant_row,
)

PARALLEL_FROM_EVENTS = 100_000
"""Below this estimated size of the log, starting worker processes costs more than it saves."""

RebuildProgress = Callable[[int, int | None], None]
"""Told the events replayed so far and how many there are in all (None until counted)."""

_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """What a rebuild did.

    Attributes:
        events: the agreement events folded.
        agreements: the agreements whose rows were written.
        checkpoint: where the subscription goes on from.
        processes: the processes that folded the streams (1: the rebuild's own).
        seconds: how long it took, lock to commit.
    """

    events: int
    agreements: int
    checkpoint: Checkpoint
    processes: int
    seconds: float

    @property
    def events_per_s(self) -> float:
        """Events folded per second of the whole rebuild."""
        return self.events / self.seconds if self.seconds > 0 else 0.0


async def rebuild_read_models(
    pool: asyncpg.Pool[asyncpg.Record],
    dsn: str,
    subscription_id: str,
    *,
    app_role: str | None,
    processes: int | None = None,
    progress: RebuildProgress | None = None,
) -> Rebuilt:
    """Empty the read models and write them again from the log, in one transaction.

    Args:
        pool: the read models' pool (the writing transaction's connection).
        dsn: the database, for the reading connections.
        subscription_id: whose checkpoint to set.
        app_role: the role the reading connections assume (None: the login's).
        processes: worker processes to fold in (None: one per core for a large log, else
            none; 1: none).
        progress: told how far the replay has got.

    Raises:
        RebuildFailed: an event cannot be decoded or folded, or a worker process died.
        StoreUnavailable: the database cannot be reached.
    """
    started = time.perf_counter()
    async with (
        unavailable_as_store_error("rebuilding the read models"),
        pool.acquire() as writer,
        writer.transaction(),
    ):
        await writer.execute(sql.LOCK_READ_MODELS)
        reader = await reading_connection(dsn, app_role)
        try:
            async with reader.transaction(isolation="repeatable_read", readonly=True):
                exported = await reader.fetchrow(sql.EXPORT_SNAPSHOT)
                snapshot, xmin = exported[0], exported[1]  # type: ignore[index] # one row
                last = await reader.fetchrow(sql.LAST_EVENT_BELOW, xmin)
                if processes is None:
                    estimate = await reader.fetchval(sql.ESTIMATE_EVENTS)
                    processes = (os.cpu_count() or 1) if estimate >= PARALLEL_FROM_EVENTS else 1
                _log.info("rebuilding the read models", processes=processes, below_xid=xmin)
                replayed, processes = await _replay(
                    reader, dsn, app_role, snapshot, max(processes, 1), progress
                )
        finally:
            await reader.close()
        checkpoint = Checkpoint(int(last[0]), last[1]) if last is not None else Checkpoint()
        await _write(writer, replayed, subscription_id, checkpoint)
    rebuilt = Rebuilt(
        events=replayed.events,
        agreements=len(replayed.agreements),
        checkpoint=checkpoint,
        processes=processes,
        seconds=time.perf_counter() - started,
    )
    _log.info(
        "read models rebuilt",
        events=rebuilt.events,
        agreements=rebuilt.agreements,
        seconds=round(rebuilt.seconds, 2),
    )
    return rebuilt


async def _replay(
    reader: Connection,
    dsn: str,
    app_role: str | None,
    snapshot: str,
    processes: int,
    progress: RebuildProgress | None,
) -> tuple[Replayed, int]:
    """The agreements' rows, and how many processes folded them (a small log may have fewer
    streams than were asked to be spread)."""
    done, total = 0, None

    def advanced(events: int) -> None:
        nonlocal done
        done += events
        if progress is not None:
            progress(done, total)

    async def count() -> None:
        nonlocal total
        if progress is not None:
            total = await reader.fetchval(sql.COUNT_EVENTS_OF_STREAMS, *AGREEMENT_STREAMS)
            progress(done, total)

    bounds = await range_bounds(reader, processes) if processes > 1 else []
    if bounds:  # counted while the workers start
        replayed = await replay_in_workers(dsn, app_role, snapshot, bounds, advanced, count)
        return replayed, len(bounds) + 1
    await count()
    with collector_out_of_the_way():
        return await replay_range(reader, *AGREEMENT_STREAMS, advanced), 1


async def _write(
    connection: Connection, replayed: Replayed, subscription_id: str, checkpoint: Checkpoint
) -> None:
    for statement in sql.RESET:
        await connection.execute(statement)
    agreements = replayed.agreements
    tables: list[tuple[str, tuple[str, ...], list[Row]]] = [
        ("agreements", AGREEMENT_COLUMNS, [a.agreement for a in agreements]),
        ("inbox", TASK_COLUMNS, [row for a in agreements for row in a.tasks]),
        ("open_deadlines", DEADLINE_COLUMNS, [row for a in agreements for row in a.deadlines]),
        ("accepted_reports", REPORT_COLUMNS, [row for a in agreements for row in a.reports]),
        ("participants", PARTICIPANT_COLUMNS, list(_register(agreements))),
    ]
    for table, columns, rows in tables:
        if rows:
            await connection.copy_records_to_table(table, records=rows, columns=list(columns))
    if checkpoint == Checkpoint():
        await connection.execute(sql.FORGET_CHECKPOINT, subscription_id)
    else:
        await connection.execute(
            store_sql.SAVE_CHECKPOINT,
            subscription_id,
            str(checkpoint.transaction_id),
            checkpoint.global_position,
        )


def _register(agreements: list[AgreementRows]) -> Iterator[Row]:
    """The participants register: per BIN, its entry from its concluded agreements, as the
    live path makes it from their rows (``sql.CONCLUDED_OF_BIN``)."""
    concluded: defaultdict[str, list[ConcludedAgreement]] = defaultdict(list)
    for agreement in agreements:
        if agreement.concluded is not None and agreement.bin is not None:
            concluded[agreement.bin].append(agreement.concluded)
    for participant_bin, of_bin in concluded.items():
        entry = participant_entry(participant_bin, of_bin)
        if entry is not None:
            yield participant_row(entry)
