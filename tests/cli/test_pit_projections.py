"""`pit projections rebuild` and `pit projections status` against a real database: what they
print, and their exit codes (0 done, 1 the rebuild failed, naming why, 2 no DATABASE_URL)."""

from __future__ import annotations

import asyncio
import json

import pytest
from typer.testing import CliRunner

from cli.main import app
from eventstore import PostgresEventStore
from tests.domain.agreement.agreement_scenarios import SUBMITTED_ON
from tests.eventstore.builders import event
from tests.eventstore.conftest import admin_dsn, databases, fresh_dsn, run_id
from tests.integration.lifecycle import Ending, whole_lifecycle
from tests.integration.stored import append_decisions
from tests.projections.support import application, company_bin

__all__ = ["admin_dsn", "databases", "fresh_dsn", "run_id"]

STREAMS = {
    "agreement-cli-1": whole_lifecycle(Ending.CURED),
    "agreement-cli-2": application(
        "cli-2", "registered", submitted_on=SUBMITTED_ON, bin=company_bin(2)
    ),
}
EVENTS = sum(len(story.events) for story in STREAMS.values())


def record(dsn: str, *, broken: bool = False) -> None:
    """Two agreements' streams (and, if ``broken``, a stream no projector can read)."""

    async def append() -> None:
        async with await PostgresEventStore.open(dsn, notify=False) as store:
            for stream_id, story in STREAMS.items():
                await append_decisions(store, stream_id, story.decisions)
            if broken:
                await store.append("agreement-cli-broken", [event()], 0)

    asyncio.run(append())


@pytest.fixture
def pit(fresh_dsn: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", fresh_dsn)
    return CliRunner()


def test_pit_projections_rebuild_prints_what_it_rebuilt_and_status_shows_it(
    pit: CliRunner, fresh_dsn: str
) -> None:
    record(fresh_dsn)
    before = pit.invoke(app, ["projections", "status"])

    rebuilt = pit.invoke(app, ["projections", "rebuild"])
    as_json = pit.invoke(app, ["projections", "rebuild", "--json", "--processes", "2"])
    after = pit.invoke(app, ["projections", "status", "--json"])

    assert before.exit_code == 0, before.output
    assert "never saved" in before.stdout
    assert f"behind the log: {EVENTS} events" in before.stdout
    assert "read models: 0 agreements" in before.stdout
    assert rebuilt.exit_code == 0, rebuilt.output
    assert f"rebuilt 2 agreements from {EVENTS} events in " in rebuilt.stdout
    assert "events/s, 1 process)" in rebuilt.stdout
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)
    assert (document["agreements"], document["events"], document["processes"]) == (2, EVENTS, 2)
    assert after.exit_code == 0, after.output
    status = json.loads(after.stdout)
    assert status["global_position"] == document["checkpoint"]["global_position"] > 0
    assert status["agreements"] == 2
    assert status["participants"] == 2
    assert status["saved_at"] is not None


def test_pit_projections_rebuild_names_the_event_it_cannot_read_and_fails(
    pit: CliRunner, fresh_dsn: str
) -> None:
    record(fresh_dsn, broken=True)

    failed = pit.invoke(app, ["projections", "rebuild"])

    assert failed.exit_code == 1, failed.output
    assert "FAILED: agreement-cli-broken v1: " in failed.stderr
    assert "agreement.obligations_planned" in failed.stderr
    status = pit.invoke(app, ["projections", "status", "--json"])
    assert json.loads(status.stdout)["agreements"] == 0, "nothing was written"


def test_pit_projections_needs_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)

    for command in (["projections", "rebuild"], ["projections", "status"]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2, result.output
        assert "DATABASE_URL is not set" in result.stderr
