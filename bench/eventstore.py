"""Event store benchmarks, each against its baseline in the same run on the same PostgreSQL.

Run from the repository root: ``python -m bench.eventstore`` (reads DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/test). It creates a database of its own, drops it at the
end, and prints one JSON line with every figure last.

- append_single_ratio: single-event appends through the store / plain INSERTs of the same row
  shape into a bare table with the same unique keys. 16 concurrent writers; each writer owns 8
  streams and rotates over them, appending at the exact expected version.
- append_batch_ratio: 100-event appends / plain 100-row INSERTs (one statement over unnest),
  same writers and streams.
- verify_events_per_s: store.verify() over 1,000,000 events written by COPY with correct chains.

Arguments, if any, name the measurements to run (e.g. ``measure_verify``); default: all.

To add a measurement, write ``async def measure_x(bench: Bench) -> dict[str, float]`` and
append it to MEASUREMENTS.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import orjson

from bench.support import with_database
from eventstore.canonical import canonical_json
from eventstore.chain import GENESIS_HASH, digest, header_json, link_hash
from eventstore.connection import keep_session, set_codecs
from eventstore.migrations import apply_migrations_async
from eventstore.model import EventMetadata, NewEvent
from eventstore.postgres import PostgresEventStore
from eventstore.verification import VERIFY_COLUMNS

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/test"
WRITERS = 16
STREAMS_PER_WRITER = 8
SINGLE_APPENDS = 6000  # per round
BATCH_APPENDS = 240  # per round, of BATCH_SIZE events
BATCH_SIZE = 100
ROUNDS = 5  # baseline and store alternate, first one then the other, to even out drift
# Commit latency (WAL fsync) drifts by tens of percent within a minute on a shared machine, so
# each round's ratio is taken between runs seconds apart, and the median ratio is reported.
VERIFY_EVENTS = 1_000_000
VERIFY_STREAM_LENGTH = 100

BARE_TABLE = """
CREATE TABLE bare_events (
    global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream_id text COLLATE "C" NOT NULL,
    stream_version bigint NOT NULL,
    event_id uuid NOT NULL UNIQUE,
    type text NOT NULL,
    schema_version integer NOT NULL,
    data json NOT NULL,
    metadata json NOT NULL,
    recorded_at timestamptz NOT NULL,
    header_digest bytea NOT NULL,
    data_digest bytea NOT NULL,
    metadata_digest bytea NOT NULL,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL,
    transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    UNIQUE (stream_id, stream_version)
)
"""

BARE_INSERT = """
INSERT INTO bare_events (stream_id, stream_version, event_id, type, schema_version, data,
    metadata, recorded_at, header_digest, data_digest, metadata_digest, prev_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8, $9, $10, $11, $12)
RETURNING global_position
"""

BARE_INSERT_MANY = """
INSERT INTO bare_events (stream_id, stream_version, event_id, type, schema_version, data,
    metadata, recorded_at, header_digest, data_digest, metadata_digest, prev_hash, hash)
SELECT $1, u.version, u.event_id, u.type, u.schema_version, u.data, u.metadata, now(),
       u.header_digest, u.data_digest, u.metadata_digest, u.prev_hash, u.hash
  FROM unnest($2::bigint[], $3::uuid[], $4::text[], $5::integer[], $6::json[], $7::json[],
              $8::bytea[], $9::bytea[], $10::bytea[], $11::bytea[], $12::bytea[])
       AS u(version, event_id, type, schema_version, data, metadata, header_digest,
            data_digest, metadata_digest, prev_hash, hash)
RETURNING global_position
"""

NOTIFY_IN_TRANSACTION = """
CREATE FUNCTION bare_insert_notify(p_stream_id text, p_version bigint, p_event_id uuid,
    p_data json, p_metadata json, p_digest bytea) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE v_position bigint;
BEGIN
    INSERT INTO bare_events (stream_id, stream_version, event_id, type, schema_version, data,
        metadata, recorded_at, header_digest, data_digest, metadata_digest, prev_hash, hash)
    VALUES (p_stream_id, p_version, p_event_id, 'bench.event', 1, p_data, p_metadata, now(),
        p_digest, p_digest, p_digest, p_digest, p_digest)
    RETURNING global_position INTO v_position;
    PERFORM pg_notify('pit_events', '');
    RETURN v_position;
END $$
"""


@dataclass
class Bench:
    """What every measurement gets: the bench's own database."""

    dsn: str
    run_id: str


Measurement = Callable[[Bench], Awaitable[dict[str, float]]]


def _metadata(second: int = 0) -> EventMetadata:
    return EventMetadata(
        actor_id="reviewer-7",
        actor_role="reviewer",
        occurred_at=datetime(2025, 3, 1, 9, 30, tzinfo=UTC) + timedelta(seconds=second),
        legal_basis=("Decree 1166 Reg. §3",),
        rule_set_version="2025.1",
        correlation_id="bench",
        workflow_id="agreement-bench",
    )


def _data(index: int) -> dict[str, Any]:
    # The shape of a typical agreement event: a few strings, money as decimal strings, ints.
    return {
        "agreement_id": f"A-{index:08d}",
        "participant_bin": "123456789012",
        "year": 2025,
        "investment_kzt": "1250000.00",
        "jobs": 12,
        "kz_content_bp": 5000,
        "note": "Планируемые обязательства на 2025 год",
    }


def _new_event(index: int, metadata: EventMetadata) -> NewEvent:
    return NewEvent(
        event_id=uuid.uuid4(),
        type="agreement.obligations_planned",
        schema_version=1,
        data=_data(index),
        metadata=metadata,
    )


def _stream_ids(prefix: str) -> list[list[str]]:
    return [
        [f"agreement-{prefix}-{writer}-{s}" for s in range(STREAMS_PER_WRITER)]
        for writer in range(WRITERS)
    ]


def _bare_row(event: NewEvent, stream_id: str, version: int) -> tuple[Any, ...]:
    data = canonical_json(event.data)
    metadata = canonical_json(event.metadata.to_json_object())
    filler = digest(data)
    return (
        stream_id,
        version,
        event.event_id,
        event.type,
        event.schema_version,
        data,
        metadata,
        filler,
        filler,
        filler,
        filler,
        filler,
    )


async def _pool(dsn: str) -> asyncpg.Pool[asyncpg.Record]:
    # The same pool settings as the store's (codecs, no reset round trip on release), so that
    # the ratios measure the store's work, not a pool setting.
    return await asyncpg.create_pool(
        dsn, min_size=WRITERS, max_size=WRITERS, init=set_codecs, reset=keep_session
    )


async def _run_writers(
    total: int, write: Callable[[int, int, int], Awaitable[None]], per_call: int = 1
) -> float:
    """Run WRITERS concurrent writers for ``total`` calls; return events per second.

    ``write(writer, slot, version)`` appends to the writer's stream ``slot``, which is at
    ``version``; each writer owns its streams, so writers never conflict.
    """
    counter = iter(range(total))
    versions = [[0] * STREAMS_PER_WRITER for _ in range(WRITERS)]

    async def writer(number: int) -> None:
        for call in counter:
            slot = call % STREAMS_PER_WRITER
            await write(number, slot, versions[number][slot])
            versions[number][slot] += per_call

    started = time.perf_counter()
    await asyncio.gather(*(writer(n) for n in range(WRITERS)))
    return total * per_call / (time.perf_counter() - started)


def _batch(number: int, size: int) -> list[NewEvent]:
    # The events of one batch share their metadata (one decision); batches do not.
    metadata = _metadata(number)
    return [_new_event(number * size + i, metadata) for i in range(size)]


def _batches(count: int, size: int) -> Iterator[list[NewEvent]]:
    return iter([_batch(number, size) for number in range(count)])


async def _bare_rate(pool: asyncpg.Pool[asyncpg.Record], tag: str, count: int, size: int) -> float:
    """Plain INSERTs of the store's row shape: one row per statement, or ``size`` via unnest."""
    streams, batches = _stream_ids(tag), _batches(count, size)

    async def write(writer: int, slot: int, version: int) -> None:
        stream_id = streams[writer][slot]
        rows = [
            _bare_row(event, stream_id, version + offset)
            for offset, event in enumerate(next(batches), start=1)
        ]
        async with pool.acquire() as connection:
            if size == 1:
                await connection.fetch(BARE_INSERT, *rows[0])
            else:
                columns = [list(column) for column in zip(*rows, strict=True)]
                await connection.fetch(BARE_INSERT_MANY, stream_id, *columns[1:])

    return await _run_writers(count, write, size)


async def _store_rate(store: PostgresEventStore, tag: str, count: int, size: int) -> float:
    """Appends of ``size`` events through the store at the exact expected version."""
    streams, batches = _stream_ids(tag), _batches(count, size)

    async def write(writer: int, slot: int, version: int) -> None:
        await store.append(streams[writer][slot], next(batches), version)

    return await _run_writers(count, write, size)


async def _notify_in_transaction_rate(pool: asyncpg.Pool[asyncpg.Record], tag: str) -> float:
    """Plain single-row INSERTs that also NOTIFY in the same transaction."""
    streams, batches = _stream_ids(tag), _batches(SINGLE_APPENDS, 1)

    async def write(writer: int, slot: int, version: int) -> None:
        row = _bare_row(next(batches)[0], streams[writer][slot], version + 1)
        async with pool.acquire() as connection:
            await connection.fetchval(
                "SELECT bare_insert_notify($1, $2, $3, $4, $5, $6)", *row[:3], *row[5:8]
            )

    return await _run_writers(SINGLE_APPENDS, write)


async def measure_append_single(bench: Bench) -> dict[str, float]:
    """Single-event appends through the store vs plain INSERTs, 16 writers."""
    rates: dict[str, list[float]] = {"bare": [], "store": [], "quiet": [], "in_tx": []}
    pool = await _pool(bench.dsn)
    store = await PostgresEventStore.open(bench.dsn, min_size=WRITERS, max_size=WRITERS)
    quiet = await PostgresEventStore.open(
        bench.dsn, min_size=WRITERS, max_size=WRITERS, notify=False
    )
    try:
        for r in range(ROUNDS):
            if r % 2:
                rates["store"].append(await _store_rate(store, f"s{r}", SINGLE_APPENDS, 1))
                rates["bare"].append(await _bare_rate(pool, f"b{r}", SINGLE_APPENDS, 1))
            else:
                rates["bare"].append(await _bare_rate(pool, f"b{r}", SINGLE_APPENDS, 1))
                rates["store"].append(await _store_rate(store, f"s{r}", SINGLE_APPENDS, 1))
            rates["quiet"].append(await _store_rate(quiet, f"q{r}", SINGLE_APPENDS, 1))
            rates["in_tx"].append(await _notify_in_transaction_rate(pool, f"n{r}"))
    finally:
        await store.close()
        await quiet.close()
        await pool.close()
    bare, through = _mean(rates["bare"]), _mean(rates["store"])
    return {
        "append_single_ratio": round(_median_ratio(rates["store"], rates["bare"]), 3),
        "append_single_store_per_s": round(through),
        "append_single_store_no_notify_per_s": round(_mean(rates["quiet"])),
        "append_single_baseline_per_s": round(bare),
        "append_single_baseline_notify_in_tx_per_s": round(_mean(rates["in_tx"])),
    }


async def measure_append_batch(bench: Bench) -> dict[str, float]:
    """100-event appends through the store vs plain 100-row INSERTs, 16 writers."""
    bare_rates, store_rates = [], []
    pool = await _pool(bench.dsn)
    store = await PostgresEventStore.open(bench.dsn, min_size=WRITERS, max_size=WRITERS)
    try:
        for r in range(ROUNDS):
            bare_first = r % 2 == 0
            if bare_first:
                bare_rates.append(await _bare_rate(pool, f"bb{r}", BATCH_APPENDS, BATCH_SIZE))
            store_rates.append(await _store_rate(store, f"sb{r}", BATCH_APPENDS, BATCH_SIZE))
            if not bare_first:
                bare_rates.append(await _bare_rate(pool, f"bb{r}", BATCH_APPENDS, BATCH_SIZE))
    finally:
        await store.close()
        await pool.close()
    bare, through = _mean(bare_rates), _mean(store_rates)
    return {
        "append_batch_ratio": round(_median_ratio(store_rates, bare_rates), 3),
        "append_batch_store_events_per_s": round(through),
        "append_batch_baseline_events_per_s": round(bare),
    }


@dataclass(frozen=True)
class RowContent:
    """What one stored event holds besides its place: type, version and canonical bytes."""

    type: str
    schema_version: int
    data: bytes
    metadata: bytes


def chained_rows(
    stream_id: str, contents: Iterable[RowContent], recorded_at: datetime
) -> Iterator[tuple[Any, ...]]:
    """A stream's rows for COPY in VERIFY_COLUMNS order, with their real digests and chain."""
    prev = GENESIS_HASH
    for version, content in enumerate(contents, start=1):
        event_id = uuid.uuid4()
        header = digest(
            header_json(
                stream_id, version, event_id, content.type, content.schema_version, recorded_at
            )
        )
        data_digest, metadata_digest = digest(content.data), digest(content.metadata)
        row_hash = link_hash(prev, header, data_digest, metadata_digest)
        yield (
            stream_id,
            version,
            event_id,
            content.type,
            content.schema_version,
            content.data,
            content.metadata,
            recorded_at,
            header,
            data_digest,
            metadata_digest,
            prev,
            row_hash,
        )
        prev = row_hash


def _chained_rows(stream_number: int, recorded_at: datetime) -> Iterator[tuple[Any, ...]]:
    """One stream's rows for COPY, with correct digests and chain."""
    metadata = canonical_json(_metadata().to_json_object())
    contents = (
        RowContent(
            "agreement.obligations_planned",
            1,
            canonical_json(_data(stream_number * VERIFY_STREAM_LENGTH + version)),
            metadata,
        )
        for version in range(1, VERIFY_STREAM_LENGTH + 1)
    )
    return chained_rows(f"agreement-v{stream_number:06d}", contents, recorded_at)


async def measure_verify(bench: Bench) -> dict[str, float]:
    """verify() over VERIFY_EVENTS events, written by COPY with correct chains."""
    columns = list(VERIFY_COLUMNS)  # the verifier's own column order
    recorded_at = datetime.now(UTC)
    streams = VERIFY_EVENTS // VERIFY_STREAM_LENGTH
    connection = await asyncpg.connect(bench.dsn)
    try:
        await set_codecs(connection)
        started = time.perf_counter()
        per_copy = 100  # streams per COPY: bounded memory, few round trips
        for first in range(0, streams, per_copy):
            rows = [
                row
                for number in range(first, min(first + per_copy, streams))
                for row in _chained_rows(number, recorded_at)
            ]
            await connection.copy_records_to_table("events", records=rows, columns=columns)
        load_s = time.perf_counter() - started
        # Set hint bits and the visibility map now, as a long-lived table would have them.
        await connection.execute("VACUUM (ANALYZE) events")
        total = await connection.fetchval("SELECT count(*) FROM events")
    finally:
        await connection.close()
    store = await PostgresEventStore.open(bench.dsn, notify=False)
    try:
        started = time.perf_counter()
        report = await store.verify()
        verify_s = time.perf_counter() - started
    finally:
        await store.close()
    if not report.ok or report.events_checked != total:
        raise RuntimeError(f"verify() disagreed with the stored log: {report}")
    return {
        "verify_events_per_s": round(report.events_checked / verify_s),
        "verify_events": report.events_checked,
        "verify_seconds": round(verify_s, 2),
        "verify_load_events_per_s": round(VERIFY_EVENTS / load_s),
    }


def _measure_fold(bench: Bench) -> Awaitable[dict[str, float]]:
    from bench.fold import measure_fold  # the domain is only needed for this measurement

    return measure_fold(bench)


_measure_fold.__name__ = "measure_fold"

MEASUREMENTS: list[Measurement] = [
    measure_append_single,
    measure_append_batch,
    measure_verify,
    _measure_fold,
]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _median_ratio(measured: list[float], baseline: list[float]) -> float:
    """The median over rounds of each round's measured/baseline ratio."""
    return statistics.median(m / b for m, b in zip(measured, baseline, strict=True))


async def main(names: list[str]) -> dict[str, float]:
    """Create a database, run the measurements in it, drop it; return the figures.

    Args:
        names: measurement function names to run (empty: all of them).
    """
    chosen = [m for m in MEASUREMENTS if not names or m.__name__ in names]
    admin_dsn = os.environ.get("DATABASE_URL", DEFAULT_DSN)
    run_id = secrets.token_hex(4)
    database = f"pit_bench_{run_id}"
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{database}"')
        bench = Bench(dsn=with_database(admin_dsn, database), run_id=run_id)
        await apply_migrations_async(bench.dsn)
        setup = await asyncpg.connect(bench.dsn)
        try:
            await setup.execute(BARE_TABLE)
            await setup.execute(NOTIFY_IN_TRANSACTION)
        finally:
            await setup.close()
        results: dict[str, float] = {}
        for measurement in chosen:
            figures = await measurement(bench)
            print(f"{measurement.__name__}: {figures}", file=sys.stderr, flush=True)
            results.update(figures)
        return results
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    print(orjson.dumps(asyncio.run(main(sys.argv[1:]))).decode())
