"""Verification of the PostgreSQL log: keyset-chunked reads, spread over worker processes.

Every reader works inside one exported REPEATABLE READ snapshot, so the report describes one
consistent state of the log even while appends go on. Streams are split into ranges of stream
ids (a stream is never split); each range is read in (stream_id, stream_version) order
through the unique index, a chunk at a time, the next chunk being fetched while the current one
is checked. Large logs are spread over one worker process per core
(``python -m eventstore.verify_worker``): hashing and JSON canonicalisation are CPU-bound.
"""

from __future__ import annotations

import asyncio
import os
import sys

import asyncpg
import orjson

from eventstore import sql
from eventstore.connection import Connection, set_raw_json_codecs
from eventstore.verification import ChainVerifier, VerificationReport, report_from_json

CHUNK_ROWS = 2000
"""Rows per keyset query: small enough to arrive while the previous chunk is checked."""

PARALLEL_FROM_EVENTS = 200_000
"""Below this estimated size, starting worker processes costs more than it saves."""

_SAMPLE_ROWS = 20_000


class VerifyWorkerFailed(RuntimeError):
    """A verification worker process exited without a report."""


async def verify_database(dsn: str, *, processes: int | None = None) -> VerificationReport:
    """Verify every stream of the log at ``dsn``.

    Args:
        dsn: the database.
        processes: worker processes (None: one per core when the log is large, else none).

    Raises:
        VerifyWorkerFailed: a worker process crashed.
    """
    coordinator = await asyncpg.connect(dsn)
    try:
        async with coordinator.transaction(isolation="repeatable_read", readonly=True):
            estimate = await coordinator.fetchval(
                "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'events'::regclass"
            )
            if processes is None:
                processes = (os.cpu_count() or 1) if estimate >= PARALLEL_FROM_EVENTS else 1
            if processes <= 1:
                await set_raw_json_codecs(coordinator)
                return await verify_range(coordinator, "", None)
            snapshot = await coordinator.fetchval("SELECT pg_export_snapshot()")
            bounds = await _range_bounds(coordinator, estimate, processes)
            ranges = list(zip(["", *bounds], [*bounds, None], strict=True))
            reports = await asyncio.gather(
                *(_run_worker(dsn, snapshot, low, high) for low, high in ranges)
            )
            return VerificationReport.merge(reports)
    finally:
        await coordinator.close()


async def _range_bounds(connection: Connection, estimate: int, parts: int) -> list[str]:
    """Stream ids that split the log into about ``parts`` ranges of similar size.

    The bounds only need to be roughly even: any bounds give a correct partition.
    """
    percent = min(100.0, 100.0 * _SAMPLE_ROWS / max(estimate, 1))
    rows = await connection.fetch("SELECT stream_id FROM events TABLESAMPLE SYSTEM ($1)", percent)
    sample = sorted({row[0] for row in rows})
    if len(sample) < parts:
        return []
    step = len(sample) / parts
    return sorted({sample[int(step * i)] for i in range(1, parts)})


async def _run_worker(dsn: str, snapshot: str, low: str, high: str | None) -> VerificationReport:
    # The DSN goes through stdin, never the command line, which other users can read.
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "eventstore.verify_worker",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    request = orjson.dumps({"dsn": dsn, "snapshot": snapshot, "low": low, "high": high})
    output, _ = await process.communicate(request)
    if process.returncode != 0:
        raise VerifyWorkerFailed(f"verification worker exited with {process.returncode}")
    return report_from_json(output)


async def verify_range_in_snapshot(
    dsn: str, snapshot: str, low: str, high: str | None
) -> VerificationReport:
    """Verify streams with ``low <= stream_id < high`` inside an exported snapshot."""
    connection = await asyncpg.connect(dsn)
    try:
        await set_raw_json_codecs(connection)
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            await connection.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            return await verify_range(connection, low, high)
    finally:
        await connection.close()


async def verify_range(connection: Connection, low: str, high: str | None) -> VerificationReport:
    """Verify streams with ``low <= stream_id < high`` (None: to the end) on one connection."""
    verifier = ChainVerifier()
    if high is None:
        statement = await connection.prepare(sql.VERIFY_CHUNK_TO_END)
        bound: tuple[str, ...] = ()
    else:
        statement = await connection.prepare(sql.VERIFY_CHUNK)
        bound = (high,)

    def fetch_after(stream_id: str, version: int) -> asyncio.Task[list[asyncpg.Record]]:
        return asyncio.ensure_future(statement.fetch(stream_id, version, *bound, CHUNK_ROWS))

    pending = fetch_after(low, 0)
    # Ends on the first short chunk: keys strictly increase and the snapshot is finite.
    while True:
        rows = await pending
        if len(rows) == CHUNK_ROWS:
            pending = fetch_after(rows[-1][0], rows[-1][1])
        verifier.feed(rows)
        if len(rows) < CHUNK_ROWS:
            return verifier.report()
