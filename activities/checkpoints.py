"""Making signed checkpoints of the log, for the worker's Temporal schedule."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
from pydantic import BaseModel, ConfigDict
from temporalio import activity

from eventstore.checkpoints import SigningKey, make_checkpoint
from eventstore.connection import APP_ROLE, open_app_pool


class CheckpointMade(BaseModel):
    """The checkpoint the log has now (the latest one when no event came since)."""

    model_config = ConfigDict(frozen=True)

    tree_size: int
    root_hash: str
    key_id: str
    signed_at: datetime


class CheckpointActivities:
    """Signs checkpoints with the zone's key; one instance per worker."""

    def __init__(self, pool: asyncpg.Pool[asyncpg.Record], key: SigningKey) -> None:
        self._pool = pool
        self._key = key

    @classmethod
    async def open(cls, dsn: str, key: SigningKey) -> CheckpointActivities:
        """Raises: StoreUnavailable when the database cannot be reached."""
        pool = await open_app_pool(dsn, what="checkpoints", app_role=APP_ROLE, max_size=1)
        return cls(pool, key)

    async def close(self) -> None:
        await self._pool.close()

    @activity.defn(name="make_checkpoint")
    async def make_checkpoint(self) -> CheckpointMade | None:
        """Sign the tree over every event whose transaction has ended; None for an empty log."""
        async with self._pool.acquire() as connection:
            made = await make_checkpoint(connection, self._key, datetime.now(UTC))
        if made is None:
            return None
        activity.logger.info("checkpoint made: %s events", made.tree_size)
        return CheckpointMade(
            tree_size=made.tree_size,
            root_hash=made.head.root_hash.hex(),
            key_id=made.key_id,
            signed_at=made.head.signed_at,
        )
