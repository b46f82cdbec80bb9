"""Connection failures surface as StoreUnavailable (retryable), and the store recovers."""

from __future__ import annotations

import asyncio
import socket

import asyncpg
import pytest

from eventstore import PostgresEventStore, StoreUnavailable
from tests.eventstore.builders import event, new_stream


def _closed_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_opening_a_store_on_a_closed_port_raises_store_unavailable() -> None:
    dsn = f"postgresql://postgres@127.0.0.1:{_closed_loopback_port()}/pit"
    with pytest.raises(StoreUnavailable) as refused:
        await PostgresEventStore.open(dsn, connect_timeout=5)
    assert refused.value.retryable


async def test_backend_terminated_mid_append_raises_store_unavailable_then_the_retry_lands(
    fresh_dsn: str,
) -> None:
    store = await PostgresEventStore.open(fresh_dsn, min_size=1, max_size=1, notify=False)
    admin = await asyncpg.connect(fresh_dsn)
    try:
        stream, retried = new_stream(), event()
        # Hold the append on a lock so that its backend can be terminated mid-statement.
        blocker = admin.transaction()
        await blocker.start()
        await admin.execute("LOCK TABLE events IN EXCLUSIVE MODE")
        append = asyncio.create_task(store.append(stream, [retried], 0))
        backend = None
        for _ in range(200):  # bounded wait for the append to block on the lock
            backend = await admin.fetchval(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if backend is not None:
                break
            await asyncio.sleep(0.02)
        assert backend is not None, "the append never blocked"
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", backend)
        with pytest.raises(StoreUnavailable) as refused:
            await append
        assert refused.value.retryable
        await blocker.rollback()
        # Retrying the same append is safe: it lands once, and the pool has reconnected.
        result = await store.append(stream, [retried], 0)
        assert result.stream_version == 1
        assert [e.event_id for e in await store.read_stream(stream)] == [retried.event_id]
    finally:
        await admin.close()
        await store.close()
