"""The whole proof that nothing in the log changed: every stream's chain, the immutability guard
in place, and every signed checkpoint against the log (``pit audit verify``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from dataclasses import dataclass

import asyncpg

from eventstore.checkpoints import (
    Checkpoint,
    CheckpointProblem,
    all_checkpoints,
    check_checkpoints,
    log_hashes,
)
from eventstore.connection import APP_ROLE, Connection
from eventstore.merkle import LogTree
from eventstore.pg_verify import verify_database
from eventstore.verification import VerificationReport

# The triggers that refuse changes (migrations 0002 and 0009), by table.
GUARD_TRIGGERS = {
    "events": ("events_refuse_update_delete", "events_refuse_truncate"),
    "checkpoints": ("checkpoints_refuse_update_delete", "checkpoints_refuse_truncate"),
}


@dataclass(frozen=True)
class IntegrityReport:
    """What ``pit audit verify`` found."""

    chains: VerificationReport
    guard_problems: tuple[str, ...]
    checkpoints: tuple[Checkpoint, ...]
    checkpoint_problems: tuple[CheckpointProblem, ...]
    events: int  # in the log now

    @property
    def ok(self) -> bool:
        return self.chains.ok and not self.guard_problems and not self.checkpoint_problems

    @property
    def first_problem(self) -> str | None:
        """The first thing that does not hold, as a person reads it."""
        failure = self.chains.first_failure
        if failure is not None:
            return (
                f"stream {failure.stream_id} version {failure.stream_version}: "
                f"{failure.reason.value} ({failure.detail})"
            )
        if self.guard_problems:
            return self.guard_problems[0]
        if self.checkpoint_problems:
            return str(self.checkpoint_problems[0])
        return None


async def guard_problems(connection: Connection) -> list[str]:
    """What is missing from the immutability guard: a trigger absent or disabled, or the
    application's role allowed to change events or checkpoints."""
    problems: list[str] = []
    for table, triggers in GUARD_TRIGGERS.items():
        rows = await connection.fetch(
            "SELECT tgname, tgenabled::text AS tgenabled"
            " FROM pg_trigger WHERE tgrelid = $1::regclass",
            table,
        )
        states = {row["tgname"]: row["tgenabled"] for row in rows}
        for trigger in triggers:
            if trigger not in states:
                problems.append(f"the guard trigger {trigger} on {table} is missing")
            elif states[trigger] == "D":
                problems.append(f"the guard trigger {trigger} on {table} is disabled")
        role_exists = await connection.fetchval(
            "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)", APP_ROLE
        )
        if role_exists:
            for privilege in ("UPDATE", "DELETE", "TRUNCATE"):
                if await connection.fetchval(
                    "SELECT has_table_privilege($1, $2, $3)", APP_ROLE, table, privilege
                ):
                    problems.append(f"the role {APP_ROLE} may {privilege} {table}")
    return problems


async def verify_log(
    dsn: str, trusted_keys: Iterable[bytes], *, processes: int | None = None
) -> IntegrityReport:
    """Verify the log at ``dsn``: chains, guard and checkpoints (trusted keys only).

    The chains are checked (in worker processes, for a large log) while this process hashes the
    log's Merkle tree.
    """
    chains_checked = asyncio.create_task(verify_database(dsn, processes=processes))
    try:
        connection = await asyncpg.connect(dsn)
        try:
            async with connection.transaction(isolation="repeatable_read", readonly=True):
                guard = await guard_problems(connection)
                checkpoints = await all_checkpoints(connection)
                hashes = await log_hashes(connection)
        finally:
            await connection.close()
        tree = await asyncio.to_thread(LogTree, hashes)
        chains = await chains_checked
    finally:
        if not chains_checked.done():
            chains_checked.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await chains_checked
    problems = check_checkpoints(checkpoints, tree, trusted_keys)
    return IntegrityReport(
        chains=chains,
        guard_problems=tuple(guard),
        checkpoints=tuple(checkpoints),
        checkpoint_problems=tuple(problems),
        events=tree.size,
    )
