"""A checkpoint of a fault test's whole log, signed once every event is committed and visible."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg

from eventstore.checkpoints import Checkpoint, SigningKey, make_checkpoint

CATCH_UP_POLLS = 200  # x 0.05 s: for the cluster's xmin to cover every event


async def checkpoint_of_all(dsn: str, key: SigningKey, size: int, seed: str) -> Checkpoint:
    """A checkpoint of all ``size`` events, once the cluster's xmin covers them.

    Raises:
        AssertionError: xmin stayed behind them for CATCH_UP_POLLS polls (``seed`` named).
    """
    connection = await asyncpg.connect(dsn)
    try:
        for _ in range(CATCH_UP_POLLS):
            covered = await connection.fetchval(
                "SELECT count(*) FROM events "
                "WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())"
            )
            if covered >= size:
                made = await make_checkpoint(connection, key, datetime.now(UTC))
                assert made is not None, seed
                return made
            await asyncio.sleep(0.05)
    finally:
        await connection.close()
    raise AssertionError(f"{seed}: no checkpoint of {size} events: xmin is held back")
