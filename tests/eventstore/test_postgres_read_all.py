"""Reading the whole log by position on PostgreSQL, where positions can have gaps."""

from __future__ import annotations

import pytest

from eventstore import PostgresEventStore, WrongExpectedVersion
from tests.eventstore.builders import event, new_stream


async def test_read_all_steps_over_positions_burnt_by_refused_appends(
    fresh_store: PostgresEventStore,
) -> None:
    # A refused append still draws a position from the sequence, which is then never used.
    stream = new_stream()
    await fresh_store.append(stream, [event()], 0)
    for _ in range(3):
        with pytest.raises(WrongExpectedVersion):
            await fresh_store.append(stream, [event() for _ in range(100)], 0)
    await fresh_store.append(stream, [event(), event()], 1)

    first = await fresh_store.read_all(1, limit=1)
    after_gap = await fresh_store.read_all(first[-1].global_position + 1, limit=1)
    last = await fresh_store.read_all(after_gap[-1].global_position + 1, limit=10)

    assert [e.stream_version for e in first + after_gap + last] == [1, 2, 3]
    assert after_gap[0].global_position - first[0].global_position > 1


async def test_read_all_returns_nothing_beyond_the_last_position(
    fresh_store: PostgresEventStore,
) -> None:
    await fresh_store.append(new_stream(), [event()], 0)
    last = (await fresh_store.read_all(1))[-1].global_position

    assert await fresh_store.read_all(last + 1) == []
    assert await fresh_store.read_all(last + 10_000) == []
