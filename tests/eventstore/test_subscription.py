"""Catch-up subscriptions: nothing skipped, even an event committed after a later one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import asyncpg

from eventstore import CatchUpSubscription, PostgresEventStore, RecordedEvent
from eventstore.appending import prepare_append
from eventstore.chain import GENESIS_HASH, chain_events
from eventstore.connection import set_codecs
from eventstore.postgres import _insert_statement
from tests.eventstore.builders import event, new_stream

DEADLINE_S = 15.0


class Received:
    """A handler that records what it gets."""

    def __init__(self) -> None:
        self.events: list[RecordedEvent] = []
        self.arrived = asyncio.Event()

    async def __call__(self, recorded: RecordedEvent) -> None:
        self.events.append(recorded)
        self.arrived.set()

    def ids(self) -> list[object]:
        return [e.event_id for e in self.events]


async def _until(condition: Callable[[], Awaitable[bool]]) -> None:
    """Poll a condition, bounded: other sessions' open transactions can delay delivery."""
    deadline = time.monotonic() + DEADLINE_S
    while not await condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_subscription_delivers_every_event_and_resumes_from_its_checkpoint(
    fresh_store: PostgresEventStore,
) -> None:
    stream_a, stream_b = new_stream(), new_stream()
    first = [event() for _ in range(3)]
    await fresh_store.append(stream_a, first, 0)
    await fresh_store.append(stream_b, [first_b := event()], 0)
    received = Received()
    subscription = CatchUpSubscription(fresh_store, "projection-1", received, batch_size=2)

    async def caught_up() -> bool:
        await subscription.catch_up()
        return len(received.events) >= 4

    await _until(caught_up)
    assert received.ids() == [e.event_id for e in [*first, first_b]]

    later = event()
    await fresh_store.append(stream_a, [later], 3)
    again = Received()
    resumed = CatchUpSubscription(fresh_store, "projection-1", again)

    async def resumed_caught_up() -> bool:
        await resumed.catch_up()
        return len(again.events) >= 1

    await _until(resumed_caught_up)
    assert again.ids() == [later.event_id]


async def test_event_committed_after_a_later_position_is_delivered_not_skipped(
    fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    received = Received()
    subscription = CatchUpSubscription(fresh_store, "race", received)
    early, late = event(), event()
    stream_a, stream_b = new_stream(), new_stream()
    transaction_a = await asyncpg.connect(fresh_dsn)
    await set_codecs(transaction_a)
    try:
        opened = transaction_a.transaction()
        await opened.start()
        encoded = prepare_append(stream_a, [early], 0)
        chained = chain_events(stream_a, encoded, 0, GENESIS_HASH, datetime.now(UTC))
        [(position_a, _)] = await transaction_a.fetch(*_insert_statement(stream_a, chained))
        # B takes a higher position and commits while A is still open.
        result_b = await fresh_store.append(stream_b, [late], 0)
        assert result_b.global_positions[0] > position_a
        await subscription.catch_up()
        assert late.event_id not in received.ids(), "B delivered while A could still commit"
        await opened.commit()
    finally:
        await transaction_a.close()

    async def both_delivered() -> bool:
        await subscription.catch_up()
        return len(received.events) >= 2

    await _until(both_delivered)
    # Ordered by transaction id: A began writing first, so A comes first.
    assert received.ids() == [early.event_id, late.event_id]


async def test_handler_failure_redelivers_the_batch_from_the_checkpoint(
    fresh_store: PostgresEventStore,
) -> None:
    await fresh_store.append(new_stream(), [event(), event()], 0)
    calls: list[RecordedEvent] = []

    async def failing_once(recorded: RecordedEvent) -> None:
        calls.append(recorded)
        if len(calls) == 2:
            raise RuntimeError("projection down")

    subscription = CatchUpSubscription(fresh_store, "flaky", failing_once)

    async def failed() -> bool:
        try:
            await subscription.catch_up()
        except RuntimeError:
            return True
        return False

    await _until(failed)
    retried = CatchUpSubscription(fresh_store, "flaky", failing_once)
    assert await retried.catch_up() == 2
    assert [c.stream_version for c in calls] == [1, 2, 1, 2]


async def test_running_subscription_is_woken_by_notification_not_by_polling(
    fresh_store: PostgresEventStore,
) -> None:
    received = Received()
    # A poll interval far beyond the deadline: only a notification can deliver in time.
    subscription = CatchUpSubscription(fresh_store, "live", received, poll_interval=60.0)
    stop = asyncio.Event()
    running = asyncio.create_task(subscription.run(stop))
    try:
        await asyncio.sleep(0.2)  # let it LISTEN and find nothing
        await fresh_store.append(new_stream(), [appended := event()], 0)
        await asyncio.wait_for(received.arrived.wait(), timeout=DEADLINE_S)
        assert received.ids() == [appended.event_id]
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=DEADLINE_S)
