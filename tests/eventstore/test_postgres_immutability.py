"""The database keeps the log immutable: triggers refuse changes, the app role may not try."""

from __future__ import annotations

import asyncpg
import pytest

from eventstore import PostgresEventStore
from eventstore.pg_errors import IMMUTABLE_EVENTS
from tests.eventstore.builders import event, new_stream

CHANGES = [
    "UPDATE events SET data = '{}'::json",
    "DELETE FROM events",
    "TRUNCATE events",
]


@pytest.mark.parametrize("change", CHANGES)
async def test_triggers_refuse_update_delete_and_truncate_even_for_the_owner(
    fresh_store: PostgresEventStore, fresh_dsn: str, change: str
) -> None:
    await fresh_store.append(new_stream(), [event()], 0)
    owner = await asyncpg.connect(fresh_dsn)
    try:
        with pytest.raises(asyncpg.PostgresError) as refused:
            await owner.execute(change)
        assert refused.value.sqlstate == IMMUTABLE_EVENTS
        assert "append-only" in str(refused.value)
        assert await owner.fetchval("SELECT count(*) FROM events") == 1
    finally:
        await owner.close()


@pytest.mark.parametrize("change", CHANGES)
async def test_app_role_may_not_update_delete_or_truncate_events(
    fresh_store: PostgresEventStore, fresh_dsn: str, change: str
) -> None:
    await fresh_store.append(new_stream(), [event()], 0)
    connection = await asyncpg.connect(fresh_dsn)
    try:
        await connection.execute("SET ROLE pit_app")
        # Even with the triggers out of the way the privilege check refuses first.
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await connection.execute(change)
        assert await connection.fetchval("SELECT count(*) FROM events") == 1
    finally:
        await connection.close()


async def test_app_role_cannot_disable_the_triggers(fresh_dsn: str) -> None:
    connection = await asyncpg.connect(fresh_dsn)
    try:
        await connection.execute("SET ROLE pit_app")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await connection.execute("ALTER TABLE events DISABLE TRIGGER USER")
    finally:
        await connection.close()


async def test_store_connections_run_as_the_app_role(pg_store: PostgresEventStore) -> None:
    async with pg_store.connection("checking the role") as connection:
        assert await connection.fetchval("SELECT current_user") == "pit_app"
    # Released and borrowed again: the role survives the pool's reset.
    async with pg_store.connection("checking the role") as connection:
        assert await connection.fetchval("SELECT current_user") == "pit_app"
