"""`pit status` on a fresh migrated database the test fills itself, without Temporal and with the
dev server: the figures it prints are the test's data, and it exits 1 naming what is down or
lagging (0 when all is up, 2 without DATABASE_URL)."""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner, Result

from cli.main import app
from domain.zone import PIT_CODE
from eventstore import PostgresEventStore
from eventstore.checkpoints import SigningKey, make_checkpoint
from projections import Projector
from tests.domain.agreement.agreement_scenarios import SUBMITTED_ON
from tests.eventstore.conftest import admin_dsn, databases, fresh_dsn, run_id
from tests.integration.lifecycle import Ending, whole_lifecycle
from tests.integration.stored import append_decisions
from tests.projections.support import application, company_bin
from tests.workflows.conftest import dev_server
from workers.agreement_worker import agreement_worker
from workers.checkpoint_schedule import ensure_checkpoint_schedule
from workers.settings import PitSettings
from workers.zone_client import start_zone_workflow, zone_start

__all__ = ["admin_dsn", "databases", "dev_server", "fresh_dsn", "run_id"]

pytestmark = pytest.mark.postgres

PROJECTED = {
    "agreement-status-1": whole_lifecycle(Ending.CURED),
    "agreement-status-2": application(
        "status-2", "registered", submitted_on=SUBMITTED_ON, bin=company_bin(2)
    ),
    # Submitted in 2026 and never reviewed: its review deadline is long past.
    "agreement-status-3": application(
        "status-3", "submitted", submitted_on=SUBMITTED_ON, bin=company_bin(3)
    ),
}
LATER = {
    "agreement-status-4": application(
        "status-4", "submitted", submitted_on=SUBMITTED_ON, bin=company_bin(4)
    )
}
SIGNED = sum(len(story.events) for story in PROJECTED.values())
POLLS = 400  # x 0.05 s
UNPROJECTED = sum(len(story.events) for story in LATER.values())


async def write_the_zone(dsn: str) -> None:
    """Three agreements projected and signed; then a fourth recorded, neither projected nor
    signed; and two mails sent."""
    async with await PostgresEventStore.open(dsn, notify=False) as store:
        for stream_id, story in PROJECTED.items():
            await append_decisions(store, stream_id, story.decisions)
        # A transaction left open elsewhere in the cluster (a parallel run's) holds the newest
        # events back from both for a moment: wait until each has taken all of them.
        projector = await Projector.open(dsn)
        key = SigningKey.generate()
        try:
            for _ in range(POLLS):
                await projector.catch_up()
                async with store.connection("signing") as connection:
                    signed = await make_checkpoint(connection, key, datetime.now(UTC))
                if (await projector.status()).behind == 0 and signed and signed.tree_size == SIGNED:
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the projector or the checkpoint did not reach the log's end")
        finally:
            await projector.close()
        for stream_id, story in LATER.items():
            await append_decisions(store, stream_id, story.decisions)
    connection = await asyncpg.connect(dsn)
    try:
        for number in (1, 2):
            await connection.execute(
                "INSERT INTO mail_deliveries VALUES ($1, $2, 'reminder', 's', $1, "
                "'agreement-status-1', 'c', $3)",
                f"mail-{number}",
                ["a@example.kz"],
                datetime(2026, 5, number, 9, tzinfo=UTC),
            )
    finally:
        await connection.close()


def read_models(dsn: str) -> dict[str, Any]:
    """What the read models hold, read here independently of `pit status`."""

    async def read() -> dict[str, Any]:
        connection = await asyncpg.connect(dsn)
        try:
            statuses = await connection.fetch(
                "SELECT status, count(*) AS n FROM agreements GROUP BY status"
            )
            overdue = await connection.fetch(
                "SELECT kind, count(*) AS n FROM overdue_deadlines GROUP BY kind"
            )
        finally:
            await connection.close()
        return {
            "statuses": {row["status"]: row["n"] for row in statuses},
            "overdue": {row["kind"]: row["n"] for row in overdue},
        }

    return asyncio.run(read())


@pytest.fixture
def pit(fresh_dsn: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", fresh_dsn)
    for variable in ("TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "PIT_TASK_QUEUE"):
        monkeypatch.delenv(variable, raising=False)
    return CliRunner()


def closed_port() -> socket.socket:
    """A bound loopback socket that never listens: connections to its port are refused."""
    held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    held.bind(("127.0.0.1", 0))
    return held


def test_pit_status_without_temporal_shows_the_zone_the_test_wrote(
    pit: CliRunner, fresh_dsn: str
) -> None:
    asyncio.run(write_the_zone(fresh_dsn))
    held = read_models(fresh_dsn)

    shown = pit.invoke(app, ["status"])
    as_json = pit.invoke(app, ["status", "--json"])
    strict = pit.invoke(app, ["status", "--max-behind", str(UNPROJECTED - 1)])

    assert shown.exit_code == 0, shown.output
    assert "migrations 10 of 10 applied" in shown.stdout
    assert "not checked: TEMPORAL_ADDRESS is not set" in shown.stdout
    assert f"{UNPROJECTED} events behind" in shown.stdout
    assert f"Signed       {SIGNED} events" in shown.stdout
    assert f"{UNPROJECTED} events since" in shown.stdout
    assert "Agreements   3: " in shown.stdout, "the fourth is not projected yet"
    assert "Mail         2 sent, last 02.05.2026 14:00" in shown.stdout
    assert shown.stdout.rstrip().endswith("all up")
    survey = json.loads(as_json.stdout)
    assert as_json.exit_code == 0
    assert survey["up"]
    assert survey["problems"] == []
    postgres = survey["postgres"]
    assert postgres["migrations"] == {"applied": 10, "available": 10, "pending": []}
    assert postgres["projections"]["behind"] == UNPROJECTED
    assert postgres["projections"]["agreements"] == 3
    assert postgres["signed_checkpoint"]["tree_size"] == SIGNED
    assert postgres["signed_checkpoint"]["events_since"] == UNPROJECTED
    assert postgres["agreements_by_status"] == held["statuses"]
    assert sum(held["statuses"].values()) == 3
    assert {k: v["overdue"] for k, v in postgres["overdue_by_kind"].items()} == held["overdue"]
    assert held["overdue"], "the application submitted in 2026 waits for review"
    assert postgres["mail"]["sent"] == 2
    assert survey["temporal"] is None
    assert strict.exit_code == 1, strict.output
    assert f"projections {UNPROJECTED} events behind (more than --max-behind)" in strict.stdout


def test_pit_status_names_an_unreachable_database_and_needs_database_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with closed_port() as held:
        port = held.getsockname()[1]
        monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres@127.0.0.1:{port}/pit")
        monkeypatch.delenv("TEMPORAL_ADDRESS", raising=False)
        down = CliRunner().invoke(app, ["status"])
    monkeypatch.delenv("DATABASE_URL")
    unset = CliRunner().invoke(app, ["status"])

    assert down.exit_code == 1, down.output
    assert "PostgreSQL   DOWN" in down.stdout
    assert "PostgreSQL unreachable" in down.stdout
    assert unset.exit_code == 2
    assert "DATABASE_URL is not set" in unset.stderr


async def test_pit_status_with_temporal_sees_the_worker_the_zone_and_the_schedule(
    pit: CliRunner,
    fresh_dsn: str,
    dev_server: WorkflowEnvironment,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    task_queue = f"status-{uuid4()}"
    client = dev_server.client
    monkeypatch.setenv("TEMPORAL_ADDRESS", client.service_client.config.target_host)
    monkeypatch.setenv("TEMPORAL_NAMESPACE", client.namespace)
    monkeypatch.setenv("PIT_TASK_QUEUE", task_queue)

    before = await asyncio.to_thread(pit.invoke, app, ["status", "--json"])
    store = await PostgresEventStore.open(fresh_dsn)
    try:
        async with agreement_worker(client, store, task_queue):
            zone = await start_zone_workflow(
                client, zone_start(PitSettings()), task_queue=task_queue
            )
            await ensure_checkpoint_schedule(client, task_queue, timedelta(hours=1))
            up = await asyncio.to_thread(pit.invoke, app, ["status"])
            await zone.terminate("the test is over")
            await client.get_schedule_handle("pit-checkpoints").delete()
    finally:
        await store.close()
    with closed_port() as held:
        monkeypatch.setenv("TEMPORAL_ADDRESS", f"127.0.0.1:{held.getsockname()[1]}")
        unreachable = await asyncio.to_thread(pit.invoke, app, ["status"])

    problems = json.loads(before.stdout)["problems"]
    assert before.exit_code == 1
    assert problems == [
        f"no worker polls task queue {task_queue}",
        f"zone workflow zone-{PIT_CODE} missing",
        "checkpoint schedule pit-checkpoints missing",
    ]
    assert_up(up)
    assert f"task queue {task_queue}: 1 workflow and 1 activity pollers" in up.stdout
    assert f"zone workflow zone-{PIT_CODE}: running" in up.stdout
    assert "checkpoint schedule pit-checkpoints: active, next " in up.stdout
    assert unreachable.exit_code == 1, unreachable.output
    assert "Temporal     DOWN" in unreachable.stdout
    assert "Temporal unreachable at 127.0.0.1:" in unreachable.stdout


def assert_up(result: Result) -> None:
    assert result.exit_code == 0, result.output
    assert "Temporal     ok" in result.stdout
    assert result.stdout.rstrip().endswith("all up")
