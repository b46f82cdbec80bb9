"""Spreading a rebuild's replay over worker processes: the agreement streams split into
stream-id ranges of about the same number of events, one ``python -m
projections.rebuild_worker`` per range, each reading its range inside the rebuild's exported
snapshot and sending its rows back as frames on its stdout.

Decoding and folding are CPU-bound Python: one process per core is how a rebuild uses the
machine (as ``eventstore.pg_verify`` does for verification).
"""

from __future__ import annotations

import asyncio
import contextlib
import pickle
import re
import struct
import sys
from collections.abc import Awaitable, Callable
from typing import BinaryIO

import orjson

from eventstore.connection import Connection
from projections import sql
from projections.errors import RebuildFailed
from projections.replay import (
    AGREEMENT_STREAMS,
    Progress,
    Replayed,
    reading_connection,
    replay_range,
)

FRAME_HEAD = struct.Struct(">cQ")
"""What a worker process writes on stdout, frame after frame: the frame's kind (one byte), the
length of what follows, then that many bytes (projections/rebuild_worker.py)."""

PROGRESS, ROWS, FAILURE = b"P", b"R", b"E"
"""The kinds of frames: how many more events (ASCII digits), the rows (a pickled
:class:`~projections.replay.Replayed`), what went wrong (UTF-8, naming it)."""

_SAMPLE_ROWS = 20_000

_SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$")


async def range_bounds(connection: Connection, parts: int) -> list[str]:
    """Stream ids that split the agreement streams into about ``parts`` ranges of similar
    numbers of events (from a sample of the table: any bounds give a correct partition);
    none if there are too few streams to split."""
    estimate = await connection.fetchval(sql.ESTIMATE_EVENTS)
    percent = min(100.0, 100.0 * _SAMPLE_ROWS / max(estimate, 1))
    rows = await connection.fetch(sql.SAMPLE_STREAM_IDS, percent, *AGREEMENT_STREAMS)
    sample = sorted(row[0] for row in rows)  # with repeats: weighted by events
    if len(sample) < parts:
        return []
    step = len(sample) / parts
    return sorted({sample[int(step * i)] for i in range(1, parts)} - {AGREEMENT_STREAMS[0]})


async def replay_in_workers(
    dsn: str,
    app_role: str | None,
    snapshot: str,
    bounds: list[str],
    progress: Progress,
    meanwhile: Callable[[], Awaitable[None]] | None = None,
) -> Replayed:
    """Replay the agreement streams split at ``bounds``, one worker process per range, and
    run ``meanwhile`` while they do.

    Raises:
        RebuildFailed: a worker could not replay its range (naming why), or died.
    """
    first, end = AGREEMENT_STREAMS
    ranges = list(zip([first, *bounds], [*bounds, end], strict=True))
    try:
        async with asyncio.TaskGroup() as group:
            workers = [
                group.create_task(_replay_in_worker(dsn, app_role, snapshot, low, high, progress))
                for low, high in ranges
            ]
            if meanwhile is not None:
                await meanwhile()
    except BaseExceptionGroup as failed:  # the others were stopped: say the first failure
        raise _first_leaf(failed) from None
    replayed = Replayed()
    for worker in workers:
        replayed.merge(worker.result())
    return replayed


def _first_leaf(group: BaseExceptionGroup[BaseException]) -> BaseException:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first


async def _replay_in_worker(
    dsn: str, app_role: str | None, snapshot: str, low: str, high: str, progress: Progress
) -> Replayed:
    # The DSN goes through stdin, never the command line, which other users can read.
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "projections.rebuild_worker",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    if process.stdin is None or process.stdout is None:  # never: both are piped
        raise RebuildFailed("a rebuild worker started without its pipes")
    request = {"dsn": dsn, "app_role": app_role, "snapshot": snapshot, "low": low, "high": high}
    replayed: Replayed | None = None
    failure: str | None = None
    try:
        process.stdin.write(orjson.dumps(request))
        await process.stdin.drain()
        process.stdin.close()
        while True:
            try:
                head = await process.stdout.readexactly(FRAME_HEAD.size)
            except asyncio.IncompleteReadError:
                break  # the worker is done
            kind, length = FRAME_HEAD.unpack(head)
            payload = await process.stdout.readexactly(length)
            if kind == PROGRESS:
                progress(int(payload))
            elif kind == ROWS:
                # Our own child's rows, made from our own snapshot: nothing else writes here.
                replayed = pickle.loads(payload)  # noqa: S301
            elif kind == FAILURE:
                failure = payload.decode()
        code = await process.wait()
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise
    if failure is not None:
        raise RebuildFailed(failure)
    if code != 0 or replayed is None:
        raise RebuildFailed(f"a rebuild worker ({low!r} to {high!r}) exited with {code}")
    return replayed


def write_frame(out: BinaryIO, kind: bytes, payload: bytes) -> None:
    """Write one frame and flush it (a worker process's side of ``FRAME_HEAD``)."""
    out.write(FRAME_HEAD.pack(kind, len(payload)))
    out.write(payload)
    out.flush()


async def replay_in_snapshot(
    dsn: str,
    app_role: str | None,
    snapshot: str,
    low: str,
    high: str,
    progress: Progress | None = None,
) -> Replayed:
    """Replay the agreement streams ``low <= stream_id < high`` inside an exported snapshot
    (a worker process's job).

    Raises:
        RebuildFailed: an event cannot be decoded.
        ValueError: not a snapshot id.
    """
    if _SNAPSHOT_ID.fullmatch(snapshot) is None:
        raise ValueError(f"not a snapshot id: {snapshot!r}")
    connection = await reading_connection(dsn, app_role)
    try:
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            await connection.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            return await replay_range(connection, low, high, progress)
    finally:
        await connection.close()
