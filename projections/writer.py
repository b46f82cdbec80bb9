"""Writes one agreement's rows of every read model, in one transaction, guarded by version."""

from __future__ import annotations

from eventstore.connection import Connection
from projections import sql
from projections.participants import ConcludedAgreement, participant_entry
from projections.rows import AgreementRows, Row, participant_row


async def write_agreement(connection: Connection, rows: AgreementRows) -> bool:
    """Replace the agreement's rows with these, unless they are at its version or newer.

    The agreement's row, its open deadlines, its tasks (an open task keeps its claim), its
    accepted annual reports and the register entry of its BIN change together or not at all.

    Returns:
        Whether anything was written (False: the rows were already at ``rows.version``).
    """
    agreement_id = rows.agreement_id
    async with connection.transaction():
        previous = await connection.fetchrow(sql.LOCK_AGREEMENT, agreement_id)
        if previous is not None and previous["version"] >= rows.version:
            return False
        written = await connection.fetchval(sql.UPSERT_AGREEMENT, *rows.agreement)
        if not written:  # a concurrent writer inserted a newer version first
            return False
        await _write_deadlines(connection, agreement_id, rows.deadlines)
        await _write_tasks(connection, agreement_id, rows.tasks)
        await _write_accepted_reports(connection, agreement_id, rows.reports)
        bins = {rows.bin, previous["bin"] if previous is not None else None} - {None}
        for participant_bin in sorted(b for b in bins if b is not None):
            await _refresh_participant(connection, participant_bin)
    return True


async def _write_deadlines(connection: Connection, agreement_id: str, deadlines: list[Row]) -> None:
    await connection.execute(sql.DELETE_DEADLINES, agreement_id)
    if deadlines:
        await connection.executemany(sql.INSERT_DEADLINE, deadlines)


async def _write_accepted_reports(
    connection: Connection, agreement_id: str, reports: list[Row]
) -> None:
    await connection.execute(sql.DELETE_ACCEPTED_REPORTS, agreement_id)
    if reports:
        await connection.executemany(sql.INSERT_ACCEPTED_REPORT, reports)


async def _write_tasks(connection: Connection, agreement_id: str, tasks: list[Row]) -> None:
    # A task row is (agreement_id, kind, related_id, ...): the open ones' keys stay.
    await connection.execute(
        sql.DELETE_SETTLED_TASKS,
        agreement_id,
        [t[1] for t in tasks],
        [t[2] for t in tasks],
    )
    if tasks:
        await connection.executemany(sql.UPSERT_TASK, tasks)


async def _refresh_participant(connection: Connection, participant_bin: str) -> None:
    """Recompute a BIN's register entry from its rows of ``agreements`` (as just written)."""
    await connection.execute(sql.LOCK_PARTICIPANT, participant_bin)
    rows = await connection.fetch(sql.CONCLUDED_OF_BIN, participant_bin)
    entry = participant_entry(
        participant_bin, (ConcludedAgreement.model_validate(dict(row)) for row in rows)
    )
    if entry is None:
        await connection.execute(sql.DELETE_PARTICIPANT, participant_bin)
        return
    await connection.execute(sql.UPSERT_PARTICIPANT, *participant_row(entry))
