"""Writes one agreement's rows of every read model, in one transaction, guarded by version."""

from __future__ import annotations

from eventstore.connection import Connection
from projections import sql
from projections.deadlines import OpenDeadline
from projections.participants import ConcludedAgreement, participant_entry
from projections.summary import AgreementSummary
from projections.tasks import Task


async def write_agreement(
    connection: Connection,
    summary: AgreementSummary,
    tasks: list[Task],
    deadlines: list[OpenDeadline],
) -> bool:
    """Replace the agreement's rows with these, unless they are at its version or newer.

    The agreement's row, its open deadlines, its tasks (an open task keeps its claim) and the
    register entry of its BIN change together or not at all.

    Returns:
        Whether anything was written (False: the rows were already at ``summary.version``).
    """
    agreement_id = summary.agreement_id
    async with connection.transaction():
        previous = await connection.fetchrow(sql.LOCK_AGREEMENT, agreement_id)
        if previous is not None and previous["version"] >= summary.version:
            return False
        written = await connection.fetchval(
            sql.UPSERT_AGREEMENT,
            agreement_id,
            summary.status,
            summary.bin,
            summary.name,
            summary.name_key,
            summary.agreement_number,
            summary.number_key,
            summary.oked_code,
            summary.oked_section,
            summary.priority_area,
            summary.opened_at,
            summary.submitted_on,
            summary.concluded_on,
            summary.end_date,
            summary.register_number,
            summary.next_due,
            summary.next_due_at,
            summary.version,
            summary.last_event_at,
        )
        if not written:  # a concurrent writer inserted a newer version first
            return False
        await _write_deadlines(connection, agreement_id, deadlines)
        await _write_tasks(connection, summary, tasks)
        bins = {summary.bin, previous["bin"] if previous is not None else None} - {None}
        for participant_bin in sorted(b for b in bins if b is not None):
            await _refresh_participant(connection, participant_bin)
    return True


async def _write_deadlines(
    connection: Connection, agreement_id: str, deadlines: list[OpenDeadline]
) -> None:
    await connection.execute(sql.DELETE_DEADLINES, agreement_id)
    if deadlines:
        await connection.executemany(
            sql.INSERT_DEADLINE,
            [
                (
                    agreement_id,
                    d.kind.value,
                    d.related_id,
                    d.due_date,
                    d.due_at,
                    list(d.legal_basis),
                    d.missed,
                )
                for d in deadlines
            ],
        )


async def _write_tasks(
    connection: Connection, summary: AgreementSummary, tasks: list[Task]
) -> None:
    agreement_id = summary.agreement_id
    await connection.execute(
        sql.DELETE_SETTLED_TASKS,
        agreement_id,
        [t.kind.value for t in tasks],
        [t.related_id for t in tasks],
    )
    if tasks:
        await connection.executemany(
            sql.UPSERT_TASK,
            [
                (
                    agreement_id,
                    t.kind.value,
                    t.related_id,
                    summary.bin,
                    sorted(role.value for role in t.roles),
                    sorted(t.excluded),
                    list(t.commands),
                    t.due_date,
                    t.due_at,
                    t.opens_at,
                    list(t.legal_basis),
                    summary.version,
                )
                for t in tasks
            ],
        )


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
    await connection.execute(
        sql.UPSERT_PARTICIPANT,
        entry.bin,
        entry.name,
        entry.name.casefold() if entry.name else None,
        entry.register_number,
        entry.status,
        entry.agreement_id,
        list(entry.agreement_ids),
    )
