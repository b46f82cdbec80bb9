"""The writer chains appends to a cached stream head; other writers must never break the chain."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import pytest_asyncio

from eventstore import PostgresEventStore, WrongExpectedVersion
from tests.eventstore.builders import event, new_stream


@pytest_asyncio.fixture
async def other_writer(fresh_dsn: str) -> AsyncIterator[PostgresEventStore]:
    """A second store on the same database: another worker process with its own cache."""
    store = await PostgresEventStore.open(fresh_dsn, notify=False)
    try:
        yield store
    finally:
        await store.close()


async def test_a_cached_head_that_another_writer_moved_on_is_refused_as_stale(
    fresh_store: PostgresEventStore, other_writer: PostgresEventStore
) -> None:
    stream = new_stream()
    await fresh_store.append(stream, [event()], 0)  # fresh_store now caches version 1
    await other_writer.append(stream, [event()], 1)

    with pytest.raises(WrongExpectedVersion) as stale:
        await fresh_store.append(stream, [event()], 1)

    assert stale.value.actual == 2
    assert (await fresh_store.verify()).ok


async def test_writers_taking_turns_on_one_stream_keep_one_unbroken_chain(
    fresh_store: PostgresEventStore, other_writer: PostgresEventStore
) -> None:
    stream = new_stream()
    writers = [fresh_store, other_writer]
    for version in range(6):  # each writer's cached head is always one turn behind
        await writers[version % 2].append(stream, [event(), event()], version * 2)

    report = await fresh_store.verify()
    assert report.ok, report.first_failure
    assert report.events_checked == 12
    assert await fresh_store.stream_version(stream) == 12


async def test_appends_stay_chained_when_the_head_cache_forgets_streams(fresh_dsn: str) -> None:
    # Room for one head: every other stream evicts the last one.
    store = await PostgresEventStore.open(fresh_dsn, notify=False, cached_heads=1)
    try:
        streams = [new_stream() for _ in range(3)]
        for version in range(3):
            for stream in streams:
                await store.append(stream, [event()], version)
        report = await store.verify()
    finally:
        await store.close()
    assert report.ok, report.first_failure
    assert report.events_checked == 9


async def test_recorded_at_is_the_writers_clock_and_is_covered_by_the_chain(
    fresh_dsn: str,
) -> None:
    moment = datetime(2026, 3, 16, 5, 0, 0, 123456, tzinfo=UTC)
    store = await PostgresEventStore.open(fresh_dsn, notify=False, clock=lambda: moment)
    try:
        stream = new_stream()
        await store.append(stream, [event(), event()], 0)
        recorded = await store.read_stream(stream)
        report = await store.verify()
    finally:
        await store.close()
    assert [e.recorded_at for e in recorded] == [moment, moment]
    assert report.ok
