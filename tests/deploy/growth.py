"""What grows with what, measured for docs/deploy.md (not a test: run it by hand).

Run from the repository root: ``python -m tests.deploy.growth`` (reads DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/test). It creates two databases of its own and drops them.

1. One agreement's ordinary year through the real stack (AgreementWorkflow on Temporal's
   time-skipping server, the PostgreSQL event store, mail to an SMTP catcher): applied,
   reviewed, approved by another person, signed, notices acknowledged, registered on
   7-10 December 2026; then 2027: the 2026 report submitted on 25 March after the reminders and
   accepted, up to 7 December 2027. Counted: the stream's events by type and their bytes, and
   the Temporal history of every run (continue-as-new at the new year) in bytes.
2. The log's size on disk at scale: ``bench.audit``'s loader (1,000-event agreements made by
   the real decider, COPYed with their chains) for ``GROWTH_AGREEMENTS`` agreements, then
   ``pg_total_relation_size('events')`` per event (table, TOAST and indexes).

Prints one JSON line with every figure.
"""

from __future__ import annotations

import asyncio
import collections
import os
import secrets
import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import orjson
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import History
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.mail import MailActivities, SmtpSettings
from bench.audit import Size, load
from domain.agreement.commands import (
    AcceptAnnualReport,
    ApproveConclusion,
    RecommendConclusion,
    RecordAuthorityNotified,
    RecordRegisterEntry,
    SignAsParticipant,
    SignForManagementCompany,
    SubmitAnnualReport,
    SubmitApplication,
)
from domain.agreement.vocabulary import Authority
from eventstore import PostgresEventStore
from eventstore.migrations import apply_migrations_async
from tests.domain.agreement.agreement_scenarios import (
    ADMIN,
    APPROVER,
    PARTICIPANT,
    REVIEWER,
    form,
    obligations,
)
from tests.time_skipping import at, sleep_until, start_time_skipping
from tests.workflows.test_agreement_life import APPLIED, END, EXTENDED, Agreement
from workers.agreement_worker import agreement_worker
from workers.mail_catcher import mail_catcher
from workflows.agreement import AgreementStart, AgreementWorkflow, workflow_id

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/test"
GROWTH_AGREEMENTS = int(os.environ.get("GROWTH_AGREEMENTS", "100"))


async def one_year(dsn: str) -> dict[str, Any]:
    """One agreement from application to a year after it, through the real stack."""
    env = await start_time_skipping()
    store = await PostgresEventStore.open(dsn)
    task_queue, agreement_id = f"growth-{uuid4()}", uuid4().hex
    try:
        with tempfile.TemporaryDirectory() as home, mail_catcher(Path(home), 0) as catcher:
            mail = await MailActivities.open(dsn, SmtpSettings.from_url(catcher.url), "pit@x.kz")
            try:
                async with agreement_worker(env.client, store, task_queue, mail=mail):
                    await _live_a_year(env, task_queue, agreement_id)
            finally:
                await mail.close()
        runs = await _history_bytes(env.client, workflow_id(agreement_id))
    finally:
        await store.close()
        await env.shutdown()
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(
            "SELECT type, pg_column_size(e.*) AS row_bytes,"
            " left(metadata->>'occurred_at', 4) AS year FROM events e WHERE stream_id = $1",
            workflow_id(agreement_id),
        )
    finally:
        await connection.close()
    types = collections.Counter(r["type"] for r in rows)
    return {
        "year_events": len(rows),
        "year_events_by_type": dict(types.most_common()),
        "year_events_by_year": dict(collections.Counter(r["year"] for r in rows)),
        "year_row_bytes_avg": round(sum(r["row_bytes"] for r in rows) / len(rows)),
        "year_temporal_runs": len(runs),
        "year_temporal_history_events": sum(n for n, _ in runs),
        "year_temporal_history_bytes": sum(b for _, b in runs),
        "year_temporal_history_bytes_by_run": [b for _, b in runs],
    }


async def _live_a_year(env: WorkflowEnvironment, task_queue: str, agreement_id: str) -> None:
    await sleep_until(env, at(APPLIED))
    started = await env.client.start_workflow(
        AgreementWorkflow.run,
        AgreementStart(agreement_id=agreement_id),
        id=workflow_id(agreement_id),
        task_queue=task_queue,
    )
    await started.signal(AgreementWorkflow.zone_rules_changed, EXTENDED)
    agreement = Agreement(env.client, agreement_id)
    agreement.handle = started
    application = form(
        requested_start=APPLIED,
        requested_end=END,
        planned_obligations=tuple(obligations(year) for year in range(2026, 2030)),
    )
    await agreement.act(SubmitApplication(agreement_id=agreement_id, form=application), PARTICIPANT)
    await agreement.act(RecommendConclusion(note="fits the ICT priority"), REVIEWER)
    await agreement.act(ApproveConclusion(agreement_number="PIT-2026-042"), APPROVER)
    await agreement.act(SignAsParticipant(), PARTICIPANT)
    await agreement.act(SignForManagementCompany(), APPROVER)
    await sleep_until(env, at(APPLIED, 11))
    for authority in Authority:
        await agreement.act(
            RecordAuthorityNotified(authority=authority, reference=f"ack-{authority.value}"),
            ADMIN,
        )
    await sleep_until(env, at(date(2026, 12, 10), 11))
    await agreement.act(
        RecordRegisterEntry(register_number="SEZ-PIT-0142", entered_on=date(2026, 12, 10)),
        REVIEWER,
    )
    await sleep_until(env, at(date(2027, 3, 25)))
    await agreement.act(
        SubmitAnnualReport(
            report_id="report-2026",
            year=2026,
            actuals=obligations(2026),
            imported_goods_consumed_kzt=Decimal("0.00"),
        ),
        PARTICIPANT,
    )
    await agreement.act(AcceptAnnualReport(report_id="report-2026"), REVIEWER)
    await sleep_until(env, at(date(2027, 12, 7)))


async def _history_bytes(client: Client, wid: str) -> list[tuple[int, int]]:
    """(events, serialized bytes) of every run of ``wid``, first to current."""
    handle = client.get_workflow_handle(wid)
    run_id = (await handle.describe()).raw_description.workflow_execution_info.first_run_id
    runs = []
    while run_id:
        history = await client.get_workflow_handle(wid, run_id=run_id).fetch_history()
        proto = History(events=history.events)
        runs.append((len(proto.events), proto.ByteSize()))
        last = proto.events[-1]
        run_id = (
            last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
            if last.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
            else ""
        )
    return runs


async def at_scale(dsn: str) -> dict[str, Any]:
    """The events table's bytes on disk per event, for ``GROWTH_AGREEMENTS`` x 1,000 events."""
    size = Size(agreements=GROWTH_AGREEMENTS, events_per_agreement=1000)
    await load(dsn, size)
    connection = await asyncpg.connect(dsn)
    try:
        sizes = await connection.fetchrow(
            "SELECT count(*) AS events,"
            " pg_total_relation_size('events') AS total,"
            " pg_relation_size('events') AS heap,"
            " pg_indexes_size('events') AS indexes,"
            " avg(pg_column_size(e.*)) AS row_bytes FROM events e"
        )
    finally:
        await connection.close()
    assert sizes is not None
    events = sizes["events"]
    return {
        "scale_events": events,
        "scale_total_bytes_per_event": round(sizes["total"] / events),
        "scale_heap_bytes_per_event": round(sizes["heap"] / events),
        "scale_index_bytes_per_event": round(sizes["indexes"] / events),
        "scale_row_bytes_avg": round(float(sizes["row_bytes"])),
    }


async def main() -> dict[str, Any]:
    admin_dsn = os.environ.get("DATABASE_URL", DEFAULT_DSN)
    names = [f"pit_growth_{secrets.token_hex(4)}_{n}" for n in ("year", "scale")]
    admin = await asyncpg.connect(admin_dsn)
    try:
        for name in names:
            await admin.execute(f'CREATE DATABASE "{name}"')
        dsns = [_with_database(admin_dsn, name) for name in names]
        for dsn in dsns:
            await apply_migrations_async(dsn)
        results = await one_year(dsns[0])
        print(f"one year: {results}", file=sys.stderr, flush=True)
        results |= await at_scale(dsns[1])
        return results
    finally:
        for name in names:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def _with_database(dsn: str, database: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(dsn)._replace(path=f"/{database}"))


if __name__ == "__main__":
    print(orjson.dumps(asyncio.run(main())).decode())
