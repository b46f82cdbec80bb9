"""Audit benchmarks over a log of 1,000,000 realistic events, in one run.

Run from the repository root: ``python -m bench.audit`` (reads DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/test). It creates a database of its own, loads 1,000
agreements of 1,000 events each (made by the real decider: application, review, four-eyes
approval, signatures, then goods declarations, confirmations, site visits and audit notes;
written by COPY with their real digests and chains), signs a checkpoint over them, drops the
database at the end, and prints one JSON line with every figure last.

- verify_events_per_s: ``pit audit verify``'s whole check (every chain, the guard, the Merkle
  tree of the log against the signed checkpoint) per second of wall time.
- inclusion_proof_ms: the 99th percentile over 1,000 random events of one inclusion proof
  against the checkpoint, from a tree already loaded (loading it, once per process, is
  ``tree_load_s``).
- asof_replay_ms: the median of 25 as-of replays (read up to a day, decode, fold) of one
  1,000-event agreement, as the auditor's screen and ``pit audit replay`` do it.
- rebuild_events_per_s: ``Projector.rebuild()`` (``pit projections rebuild``) over the log.

Arguments, if any, name the measurements to run (e.g. ``measure_proofs``); default: all. The
load runs once whatever is chosen.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import orjson

from activities.event_log import to_new_event
from bench.eventstore import RowContent, chained_rows
from bench.long_agreement import almaty_day, long_agreement_events
from bench.support import own_database
from eventstore.canonical import canonical_json
from eventstore.checkpoints import SigningKey, log_tree, make_checkpoint
from eventstore.connection import set_codecs
from eventstore.integrity import verify_log
from eventstore.postgres import PostgresEventStore
from eventstore.verification import VERIFY_COLUMNS

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/test"
AGREEMENTS = 1000
EVENTS_PER_AGREEMENT = 1000
PROOFS = 1000
ASOF_REPEATS = 25
CHECKPOINT_POLLS = 600  # x 0.1 s: the checkpoint waits for the cluster's open transactions
PER_COPY = 20  # agreements per COPY: bounded memory


@dataclass(frozen=True)
class Size:
    """How big a log to measure (the figures are for the default; tests run a tiny one)."""

    agreements: int = AGREEMENTS
    events_per_agreement: int = EVENTS_PER_AGREEMENT

    @property
    def events(self) -> int:
        return self.agreements * self.events_per_agreement


@dataclass
class Audit:
    """What every measurement gets: the bench's database, its key and one agreement's id."""

    dsn: str
    key: SigningKey
    agreement_id: str
    as_of: date
    size: Size


Measurement = Callable[[Audit], Awaitable[dict[str, float]]]


def _templates(count: int) -> tuple[list[RowContent], date]:
    """One agreement's events, encoded once; each agreement gets them with its own ids."""
    events = long_agreement_events(count)
    templates = []
    for n, event in enumerate(events):
        new = to_new_event(event, event_id=uuid.uuid4(), correlation_id=f"bench-{n}")
        templates.append(
            RowContent(
                type=new.type,
                schema_version=new.schema_version,
                data=canonical_json(new.data),
                metadata=canonical_json(new.metadata.to_json_object()),
            )
        )
    # The day before the middle event's: a cut through the stream's busy days.
    middle = events[len(events) // 2]
    return templates, almaty_day(middle.occurred_at) - timedelta(days=1)


def _rows(
    number: int, templates: list[RowContent], recorded_at: datetime
) -> Iterator[tuple[Any, ...]]:
    """Agreement ``number``'s rows for COPY, with its own ids, digests and chain."""
    agreement = f"agr-{number:05d}".encode()
    contract = f"PIT-B-{number:05d}".encode()
    # Values only change (same length class, keys untouched): the bytes stay canonical.
    contents = (
        replace(t, data=t.data.replace(b"agr-bench", agreement).replace(b"PIT-2026-900", contract))
        for t in templates
    )
    return chained_rows(f"agreement-agr-{number:05d}", contents, recorded_at)


async def load(dsn: str, size: Size) -> tuple[float, date]:
    """Write the log; return the events per second of the load and the as-of day."""
    templates, as_of = _templates(size.events_per_agreement)
    recorded_at = datetime.now(UTC)
    connection = await asyncpg.connect(dsn)
    try:
        await set_codecs(connection)
        started = time.perf_counter()
        for first in range(0, size.agreements, PER_COPY):
            rows = [
                row
                for number in range(first, min(first + PER_COPY, size.agreements))
                for row in _rows(number, templates, recorded_at)
            ]
            await connection.copy_records_to_table(
                "events", records=rows, columns=list(VERIFY_COLUMNS)
            )
        load_s = time.perf_counter() - started
        await connection.execute("VACUUM (ANALYZE) events")
    finally:
        await connection.close()
    return size.events / load_s, as_of


async def checkpoint(dsn: str, key: SigningKey, size: Size) -> tuple[int, float]:
    """Sign a checkpoint over the whole log; return its size and how long signing took."""
    connection = await asyncpg.connect(dsn)
    try:
        for _ in range(CHECKPOINT_POLLS):
            started = time.perf_counter()
            made = await make_checkpoint(connection, key, datetime.now(UTC))
            took = time.perf_counter() - started
            if made is not None and made.tree_size == size.events:
                return made.tree_size, took
            await asyncio.sleep(0.1)
    finally:
        await connection.close()
    raise RuntimeError("no checkpoint over the whole log: a transaction holds xmin back")


async def measure_verify(audit: Audit) -> dict[str, float]:
    started = time.perf_counter()
    report = await verify_log(audit.dsn, [audit.key.public_key])
    took = time.perf_counter() - started
    if not report.ok or report.events != audit.size.events:
        raise RuntimeError(f"verify disagreed with the log: {report.first_problem}")
    return {"verify_events_per_s": round(report.events / took), "verify_s": round(took, 2)}


async def measure_proofs(audit: Audit) -> dict[str, float]:
    connection = await asyncpg.connect(audit.dsn)
    try:
        started = time.perf_counter()
        tree = await log_tree(connection)
        root = tree.root()  # what a proof is checked against
        load_s = time.perf_counter() - started
    finally:
        await connection.close()
    chosen = random.Random(1166).sample(range(tree.size), min(PROOFS, tree.size))
    times = []
    for index in chosen:
        started = time.perf_counter()
        proof = tree.inclusion(index, tree.size)
        times.append(time.perf_counter() - started)
        if not proof.verify(tree.leaf_hash(index), root):
            raise RuntimeError(f"the proof of leaf {index} does not verify")
    times.sort()
    return {
        "inclusion_proof_ms": round(times[int(len(times) * 0.99) - 1] * 1000, 3),
        "inclusion_proof_p50_ms": round(statistics.median(times) * 1000, 3),
        "tree_load_s": round(load_s, 2),
    }


async def measure_asof(audit: Audit) -> dict[str, float]:
    from api.console.audit import state_as_of  # the auditor's screen's own function

    store = await PostgresEventStore.open(audit.dsn, notify=False)
    try:
        times, events = [], 0
        for _ in range(ASOF_REPEATS):
            started = time.perf_counter()
            as_of = await state_as_of(store, audit.agreement_id, audit.as_of)
            times.append(time.perf_counter() - started)
            events = as_of.events
        full = await state_as_of(store, audit.agreement_id, date(2099, 1, 1))
    finally:
        await store.close()
    if not 0 < events < full.events:
        raise RuntimeError(f"the as-of day cut nothing: {events} of {full.events}")
    return {
        "asof_replay_ms": round(statistics.median(times) * 1000, 1),
        "asof_events": events,
        "full_replay_events": full.events,
    }


async def measure_rebuild(audit: Audit) -> dict[str, float]:
    from projections import Projector

    projector = await Projector.open(audit.dsn)
    try:
        started = time.perf_counter()
        rebuilt = await projector.rebuild()
        took = time.perf_counter() - started
    finally:
        await projector.close()
    if rebuilt.events != audit.size.events or rebuilt.agreements != audit.size.agreements:
        raise RuntimeError(f"the rebuild folded {rebuilt.events} events of {rebuilt.agreements}")
    return {
        "rebuild_events_per_s": round(rebuilt.events / took),
        "rebuild_s": round(took, 1),
        "rebuild_processes": rebuilt.processes,
    }


MEASUREMENTS: list[Measurement] = [
    measure_verify,
    measure_proofs,
    measure_asof,
    measure_rebuild,
]


async def main(names: list[str], size: Size | None = None) -> dict[str, float]:
    """Create a database, load the log, run the measurements, drop it; return the figures."""
    size = size or Size()
    chosen = [m for m in MEASUREMENTS if not names or m.__name__ in names]
    admin_dsn = os.environ.get("DATABASE_URL", DEFAULT_DSN)
    async with own_database(admin_dsn, prefix="pit_bench_audit") as dsn:
        load_rate, as_of = await load(dsn, size)
        key = SigningKey.generate()
        signed, sign_s = await checkpoint(dsn, key, size)
        results: dict[str, float] = {
            "events": signed,
            "load_events_per_s": round(load_rate),
            "checkpoint_s": round(sign_s, 2),
        }
        print(f"loaded: {results}", file=sys.stderr, flush=True)
        middle = f"agr-{size.agreements // 2:05d}"
        audit = Audit(dsn=dsn, key=key, agreement_id=middle, as_of=as_of, size=size)
        for measurement in chosen:
            figures = await measurement(audit)
            print(f"{measurement.__name__}: {figures}", file=sys.stderr, flush=True)
            results.update(figures)
        return results


if __name__ == "__main__":
    print(orjson.dumps(asyncio.run(main(sys.argv[1:]))).decode())
