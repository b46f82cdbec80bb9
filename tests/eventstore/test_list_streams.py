"""Listing streams by prefix, page by page: part of the contract, run against both stores.

The PostgreSQL store is shared by the session's tests, so each test lists under a prefix of
its own (``agreement-<hex>-``) and sees only its own streams.
"""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import pytest

from eventstore import PostgresEventStore
from eventstore.sql import LIST_STREAMS_FROM
from eventstore.store import MAX_LIST_STREAMS
from tests.eventstore.builders import event


def own_prefix(category: str = "agreement") -> str:
    """A prefix no other test's streams start with."""
    return f"{category}-{uuid.uuid4().hex[:12]}-"


async def make_streams(store: Any, ids: list[str], events_each: int = 1) -> None:
    for stream_id in ids:
        await store.append(stream_id, [event() for _ in range(events_each)], 0)


async def test_list_streams_returns_the_ids_with_the_prefix_in_byte_order(store: Any) -> None:
    prefix = own_prefix()
    ids = [f"{prefix}{name}" for name in ("b", "a", "B", "10", "9", "a.1", "a-1", "a:1", "_")]
    await make_streams(store, ids, events_each=2)
    await make_streams(store, [f"zone-{prefix[10:]}x", f"{prefix[:-1]}x"])  # near, but not in

    listed = await store.list_streams(prefix)

    assert listed == sorted(ids, key=lambda s: s.encode())
    assert listed == sorted(ids)  # stream ids are ASCII: str order is byte order


async def test_list_streams_pages_with_the_last_id_as_cursor(store: Any) -> None:
    prefix = own_prefix()
    ids = sorted(f"{prefix}{n:03}" for n in range(7))
    await make_streams(store, ids)

    pages: list[list[str]] = []
    after: str | None = None
    for _ in range(10):  # bounded: 7 ids in pages of 3 take 3 pages
        page = await store.list_streams(prefix, after=after, limit=3)
        pages.append(page)
        if len(page) < 3:
            break
        after = page[-1]

    assert [len(p) for p in pages] == [3, 3, 1]
    assert [s for p in pages for s in p] == ids


async def test_list_streams_with_a_cursor_before_the_prefix_starts_at_the_prefix(
    store: Any,
) -> None:
    prefix = own_prefix()
    ids = [f"{prefix}a", f"{prefix}b"]
    await make_streams(store, ids)

    assert await store.list_streams(prefix, after="agreement-") == ids
    assert await store.list_streams(prefix, after=f"{prefix}a") == [f"{prefix}b"]
    assert await store.list_streams(prefix, after=f"{prefix}b") == []
    assert await store.list_streams(prefix, after=f"{prefix}zzz") == []


async def test_list_streams_of_an_unknown_prefix_is_empty(store: Any) -> None:
    assert await store.list_streams(own_prefix("zone")) == []


async def test_list_streams_lists_every_category_under_an_empty_prefix(store: Any) -> None:
    prefix = own_prefix("zone")
    await make_streams(store, [f"{prefix}1"])

    every = await store.list_streams("", after=prefix, limit=MAX_LIST_STREAMS)

    assert every[0] == f"{prefix}1"
    assert every == sorted(every)


@pytest.mark.parametrize("prefix", ["agreement-a b", "zone-%", "agreement-_'", "ü", "a" * 141])
async def test_list_streams_refuses_a_prefix_no_stream_id_could_start_with(
    store: Any, prefix: str
) -> None:
    with pytest.raises(ValueError, match="prefix"):
        await store.list_streams(prefix)


@pytest.mark.parametrize("limit", [0, -1, MAX_LIST_STREAMS + 1])
async def test_list_streams_refuses_a_limit_out_of_range(store: Any, limit: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        await store.list_streams("agreement-", limit=limit)


async def test_postgres_lists_streams_by_probing_the_stream_version_index(
    pg_store: PostgresEventStore,
) -> None:
    connection = await asyncpg.connect(pg_store.dsn)
    try:
        await connection.execute("SET enable_seqscan = off")  # small tables: force the choice
        plan = await connection.fetchval(
            f"EXPLAIN (FORMAT JSON) {LIST_STREAMS_FROM}", "agreement-", "agreement.", 100
        )
    finally:
        await connection.close()

    assert "events_stream_version_key" in str(plan)
