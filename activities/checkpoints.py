"""Making signed checkpoints of the log, for the worker's Temporal schedule."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
from pydantic import BaseModel, ConfigDict
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.metrics import count
from eventstore.checkpoints import LogDiffersFromCheckpoint, SigningKey, make_checkpoint
from eventstore.connection import APP_ROLE, open_app_pool

VERIFY_RUNS = "pit_verify_runs"
VERIFY_RUNS_HELP = "Checks of the log against the latest signed checkpoint, by result"


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
        """Sign the tree over every event whose transaction has ended; None for an empty log.

        First checks the log against the latest checkpoint (counted in ``pit_verify_runs`` by
        result); a log that differs fails the activity, not retried, and nothing is signed.
        """
        async with self._pool.acquire() as connection:
            try:
                made = await make_checkpoint(connection, self._key, datetime.now(UTC))
            except LogDiffersFromCheckpoint as differs:
                count(VERIFY_RUNS, 1, VERIFY_RUNS_HELP, result="failed")
                activity.logger.error("log differs from the latest checkpoint: %s", differs)
                # Not retried: a changed log is for people (`pit audit verify` names it all).
                raise ApplicationError(
                    str(differs), type="log_differs_from_checkpoint", non_retryable=True
                ) from differs
        count(VERIFY_RUNS, 1, VERIFY_RUNS_HELP, result="ok")
        if made is None:
            return None
        activity.logger.info("checkpoint made: %s events", made.tree_size)
        return CheckpointMade(
            tree_size=made.tree_size,
            root_hash=made.head.root_hash.hex(),
            key_id=made.key_id,
            signed_at=made.head.signed_at,
        )
