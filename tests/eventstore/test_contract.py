"""The contract every event store keeps: run against the in-memory and the PostgreSQL store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from eventstore import (
    ANY,
    EventIdConflict,
    PayloadError,
    StreamIdInvalid,
    WrongExpectedVersion,
)
from eventstore.chain import GENESIS_HASH
from eventstore.model import NewEvent
from eventstore.store import MAX_BATCH_BYTES
from tests.eventstore.builders import event, metadata, new_stream


async def test_append_to_a_new_stream_records_versions_and_positions(store: Any) -> None:
    stream = new_stream()
    result = await store.append(stream, [event(), event()], 0)
    assert result.stream_version == 2
    assert not result.replayed
    assert len(result.global_positions) == 2
    assert result.global_positions[0] < result.global_positions[1]
    recorded = await store.read_stream(stream)
    assert [e.stream_version for e in recorded] == [1, 2]
    assert [e.global_position for e in recorded] == list(result.global_positions)
    assert await store.stream_version(stream) == 2


async def test_recorded_event_keeps_what_was_appended(store: Any) -> None:
    stream = new_stream("zone")
    new = event({"name": "Алматы", "amount_kzt": "1250000.50", "jobs": 3, "tags": ["a", None]})
    await store.append(stream, [new], 0)
    [recorded] = await store.read_stream(stream)
    assert recorded.event_id == new.event_id
    assert recorded.type == new.type
    assert recorded.schema_version == new.schema_version
    assert recorded.data == new.data
    assert recorded.metadata == new.metadata
    assert recorded.recorded_at.tzinfo is not None
    assert recorded.prev_hash == GENESIS_HASH
    assert len(recorded.hash) == 32


async def test_each_event_links_to_the_previous_hash_of_its_stream(store: Any) -> None:
    stream = new_stream()
    await store.append(stream, [event(), event()], 0)
    await store.append(stream, [event()], 2)
    first, second, third = await store.read_stream(stream)
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3


async def test_expected_version_zero_on_an_existing_stream_raises_with_actual(store: Any) -> None:
    stream = new_stream()
    await store.append(stream, [event()], 0)
    with pytest.raises(WrongExpectedVersion) as refused:
        await store.append(stream, [event()], 0)
    assert (refused.value.stream_id, refused.value.expected, refused.value.actual) == (
        stream,
        0,
        1,
    )


async def test_stale_expected_version_raises_wrong_expected_version_with_actual(
    store: Any,
) -> None:
    stream = new_stream()
    await store.append(stream, [event(), event(), event()], 0)
    with pytest.raises(WrongExpectedVersion) as refused:
        await store.append(stream, [event()], 1)
    assert refused.value.expected == 1
    assert refused.value.actual == 3
    assert await store.stream_version(stream) == 3


async def test_expected_version_beyond_the_end_raises_with_actual(store: Any) -> None:
    stream = new_stream()
    await store.append(stream, [event()], 0)
    with pytest.raises(WrongExpectedVersion) as refused:
        await store.append(stream, [event()], 5)
    assert refused.value.actual == 1


async def test_any_version_appends_at_the_end(store: Any) -> None:
    stream = new_stream()
    first = await store.append(stream, [event()], ANY)
    second = await store.append(stream, [event(), event()], ANY)
    assert (first.stream_version, second.stream_version) == (1, 3)
    assert [e.stream_version for e in await store.read_stream(stream)] == [1, 2, 3]


async def test_reappending_the_same_events_returns_original_positions_and_writes_nothing(
    store: Any,
) -> None:
    stream = new_stream()
    batch = [event(), event()]
    original = await store.append(stream, batch, 0)
    await store.append(stream, [event()], 2)
    for expected in (0, 2, 3, ANY):
        replay = await store.append(stream, batch, expected)
        assert replay.replayed
        assert replay.global_positions == original.global_positions
        assert replay.stream_version == 2
    assert await store.stream_version(stream) == 3


async def test_same_event_id_with_different_content_raises_event_id_conflict(store: Any) -> None:
    stream = new_stream()
    original = event({"jobs": 1})
    await store.append(stream, [original], 0)
    changed = event({"jobs": 2}, event_id=original.event_id)
    with pytest.raises(EventIdConflict) as refused:
        await store.append(stream, [changed], 1)
    assert refused.value.event_id == original.event_id
    changed_metadata = event(
        original.data, event_id=original.event_id, metadata=metadata(actor_id="someone-else")
    )
    with pytest.raises(EventIdConflict):
        await store.append(stream, [changed_metadata], ANY)
    assert await store.stream_version(stream) == 1


async def test_same_event_id_in_another_stream_raises_event_id_conflict(store: Any) -> None:
    original = event()
    await store.append(new_stream(), [original], 0)
    with pytest.raises(EventIdConflict, match="recorded in stream"):
        await store.append(new_stream(), [original], 0)


async def test_batch_partly_recorded_before_raises_event_id_conflict(store: Any) -> None:
    stream = new_stream()
    recorded = event()
    await store.append(stream, [recorded], 0)
    with pytest.raises(EventIdConflict):
        await store.append(stream, [recorded, event()], 0)
    assert await store.stream_version(stream) == 1


async def test_a_failing_batch_writes_none_of_its_events(store: Any) -> None:
    stream, other = new_stream(), new_stream()
    taken = event()
    await store.append(other, [taken], 0)
    fresh = event()
    with pytest.raises(EventIdConflict):
        await store.append(stream, [fresh, taken], 0)
    assert await store.read_stream(stream) == []
    broken = event()
    broken.data["jobs"] = 0.5
    with pytest.raises(PayloadError):
        await store.append(stream, [event(), broken], 0)
    assert await store.stream_version(stream) == 0
    # The batch's first event was not kept: it can still be appended on its own.
    assert (await store.append(stream, [fresh], 0)).stream_version == 1


async def test_concurrent_appends_at_the_same_version_let_exactly_one_win(store: Any) -> None:
    stream = new_stream()
    await store.append(stream, [event()], 0)
    outcomes = await asyncio.gather(
        *(store.append(stream, [event()], 1) for _ in range(4)), return_exceptions=True
    )
    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    losers = [o for o in outcomes if isinstance(o, WrongExpectedVersion)]
    assert len(winners) == 1
    assert len(losers) == 3
    assert all(loser.actual == 2 for loser in losers)
    assert await store.stream_version(stream) == 2


async def test_concurrent_appends_at_any_version_all_land_without_gaps(store: Any) -> None:
    stream = new_stream()
    await asyncio.gather(*(store.append(stream, [event()], ANY) for _ in range(5)))
    assert [e.stream_version for e in await store.read_stream(stream)] == [1, 2, 3, 4, 5]


async def test_read_stream_from_a_version_returns_the_rest(store: Any) -> None:
    stream = new_stream()
    await store.append(stream, [event() for _ in range(5)], 0)
    assert [e.stream_version for e in await store.read_stream(stream, 4)] == [4, 5]
    assert await store.read_stream(stream, 6) == []
    assert await store.read_stream(new_stream()) == []
    assert await store.stream_version(new_stream()) == 0


async def test_read_stream_as_of_business_time_returns_what_had_happened_by_then(
    store: Any,
) -> None:
    stream = new_stream()
    start = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)
    await store.append(
        stream,
        [event(metadata=metadata(occurred_at=start + timedelta(days=d))) for d in range(3)],
        0,
    )
    as_of = await store.read_stream(stream, occurred_until=start + timedelta(days=1))
    assert [e.stream_version for e in as_of] == [1, 2]
    almaty = start.astimezone(UTC) + timedelta(hours=5)
    in_almaty_time = almaty.replace(tzinfo=None).replace(tzinfo=UTC) - timedelta(hours=5)
    assert len(await store.read_stream(stream, occurred_until=in_almaty_time)) == 1


async def test_read_stream_as_of_record_time_returns_what_the_log_held_then(store: Any) -> None:
    stream = new_stream()
    await store.append(stream, [event()], 0)
    [first] = await store.read_stream(stream)
    await asyncio.sleep(0.002)
    await store.append(stream, [event()], 1)
    assert [e.stream_version for e in await store.read_stream(stream)] == [1, 2]
    as_of = await store.read_stream(stream, recorded_until=first.recorded_at)
    assert [e.stream_version for e in as_of] == [1]


async def test_read_all_returns_events_in_global_position_order_from_a_position(
    store: Any,
) -> None:
    stream_a, stream_b = new_stream(), new_stream()
    a = await store.append(stream_a, [event(), event()], 0)
    b = await store.append(stream_b, [event()], 0)
    first = a.global_positions[0]
    read = await store.read_all(first, limit=10_000)
    positions = [e.global_position for e in read]
    assert positions == sorted(positions)
    assert positions[0] == first
    assert {*a.global_positions, *b.global_positions} <= set(positions)
    limited = await store.read_all(first, limit=2)
    assert [e.global_position for e in limited] == list(a.global_positions)


async def test_verify_reports_ok_for_an_untouched_log(store: Any) -> None:
    stream = new_stream()
    await store.append(stream, [event() for _ in range(3)], 0)
    await store.append(stream, [event()], 3)
    report = await store.verify()
    assert report.ok, report.first_failure
    assert report.first_failure is None
    assert report.events_checked >= 4
    assert report.streams_checked >= 1


@pytest.mark.parametrize("stream_id", ["participant-1", "agreement", "zone-a b"])
async def test_invalid_stream_ids_are_refused_on_append_and_read(
    store: Any, stream_id: str
) -> None:
    with pytest.raises(StreamIdInvalid):
        await store.append(stream_id, [event()], 0)
    with pytest.raises(StreamIdInvalid):
        await store.read_stream(stream_id)


async def test_an_empty_batch_is_refused(store: Any) -> None:
    with pytest.raises(PayloadError, match="at least one"):
        await store.append(new_stream(), [], 0)


async def test_a_batch_past_32_mib_is_refused_at_the_event_that_crosses_it(store: Any) -> None:
    # Each event's data is a 1,000,000-byte string; with its metadata, 33 fit in 32 MiB.
    def big() -> NewEvent:
        return event({"note": "x" * (1_000_000 - len('{"note":""}'))})

    stream = new_stream()
    with pytest.raises(PayloadError) as refused:
        await store.append(stream, [big() for _ in range(34)], 0)

    assert refused.value.field == "events[33]"
    assert f"{MAX_BATCH_BYTES} bytes" in refused.value.rule
    assert await store.stream_version(stream) == 0  # nothing of it written
    assert (await store.append(stream, [big() for _ in range(33)], 0)).stream_version == 33
