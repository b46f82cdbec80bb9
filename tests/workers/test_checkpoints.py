"""Checkpoints as operators and auditors make and check them: `pit audit keygen`, `checkpoint`
and `verify` (exit 0 only when all holds, else 1 naming the first problem), and the worker's
Temporal schedule signing the log on its own."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from activities.checkpoints import CheckpointActivities
from cli.main import app
from eventstore import PostgresEventStore
from eventstore.checkpoints import SigningKey, all_checkpoints
from eventstore.integrity import verify_log
from tests.eventstore.builders import event
from tests.eventstore.rfc6962 import rfc9162_inclusion
from workers.agreement_worker import agreement_worker
from workers.checkpoint_schedule import ensure_checkpoint_schedule
from workflows.checkpoint import SCHEDULE_ID

pytestmark = pytest.mark.postgres

POLLS = 400  # x 0.05 s: a checkpoint waits for the cluster's open transactions to end


async def _append(dsn: str, streams: int) -> None:
    async with await PostgresEventStore.open(dsn) as store:
        for n in range(streams):
            await store.append(f"agreement-cp{n}", [event({"jobs": i}) for i in range(3)], 0)


@pytest.fixture
def pit(fresh_dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", fresh_dsn)
    monkeypatch.setenv("PIT_CHECKPOINT_KEY_FILE", str(tmp_path / "zone-key.pem"))
    monkeypatch.delenv("PIT_CHECKPOINT_TRUSTED_KEYS", raising=False)
    return CliRunner()


async def _covered(dsn: str, size: int) -> None:
    """Until a checkpoint would cover ``size`` events: no transaction left open anywhere in the
    cluster (a parallel test run's) holds their transactions above the snapshot's xmin."""
    connection = await asyncpg.connect(dsn)
    try:
        for _ in range(POLLS):
            covered = await connection.fetchval(
                "SELECT count(*) FROM events "
                "WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())"
            )
            if covered >= size:
                return
            await asyncio.sleep(0.05)
    finally:
        await connection.close()
    raise AssertionError(f"a transaction holds xmin back: {size} events not covered")


def _checkpoint(pit: CliRunner, dsn: str, size: int) -> dict[str, object]:
    asyncio.run(_covered(dsn, size))
    made = pit.invoke(app, ["audit", "checkpoint", "--json"])
    assert made.exit_code == 0, made.output
    document: dict[str, object] = json.loads(made.stdout)
    assert document["tree_size"] == size
    return document


def test_an_auditor_verifies_the_log_and_its_checkpoints_and_learns_what_broke(
    pit: CliRunner, fresh_dsn: str, tmp_path: Path
) -> None:
    made = pit.invoke(app, ["audit", "keygen", "-o", str(tmp_path / "zone-key.pem")])
    assert made.exit_code == 0, made.output
    again = pit.invoke(app, ["audit", "keygen", "-o", str(tmp_path / "zone-key.pem")])
    assert again.exit_code == 1
    assert "never overwritten" in again.output
    asyncio.run(_append(fresh_dsn, 4))
    checkpoint = _checkpoint(pit, fresh_dsn, 12)

    good = pit.invoke(app, ["audit", "verify"])
    as_json = json.loads(pit.invoke(app, ["audit", "verify", "--json"]).stdout)

    assert good.exit_code == 0, good.output
    assert "12 events in 4 streams; 1 checkpoint(s), the latest of 12 events" in good.output
    assert good.output.rstrip().endswith("OK")
    assert as_json["ok"] is True
    assert as_json["checkpoints"] == [checkpoint]

    async def delete_a_stream() -> None:
        owner = await asyncpg.connect(fresh_dsn)
        try:
            await owner.execute("SET session_replication_role = replica")
            await owner.execute("DELETE FROM events WHERE stream_id = 'agreement-cp2'")
        finally:
            await owner.close()

    asyncio.run(delete_a_stream())
    broken = pit.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "CHECKPOINT checkpoint of 12 events: the log has only 9 events" in broken.output
    assert broken.output.rstrip().splitlines()[-1].startswith("FAILED: checkpoint of 12 events")


def test_without_a_key_checkpoint_is_a_usage_error(
    pit: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PIT_CHECKPOINT_KEY_FILE")
    refused = pit.invoke(app, ["audit", "checkpoint"])
    assert refused.exit_code == 2
    assert "PIT_CHECKPOINT_KEY_FILE is not set" in refused.output


async def test_the_workers_schedule_signs_checkpoints_that_verify(
    dev_server: WorkflowEnvironment, fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    await _append(fresh_dsn, 3)
    key = SigningKey.generate()
    checkpoints = await CheckpointActivities.open(fresh_dsn, key)
    client, task_queue = dev_server.client, f"checkpoints-{uuid4().hex[:8]}"
    try:
        async with agreement_worker(client, fresh_store, task_queue, checkpoints=checkpoints):
            await ensure_checkpoint_schedule(client, task_queue, timedelta(hours=1))
            await ensure_checkpoint_schedule(client, task_queue, timedelta(minutes=30))  # again
            schedule = client.get_schedule_handle(SCHEDULE_ID)
            description = await schedule.describe()
            await _covered(fresh_dsn, 9)
            await schedule.trigger()
            connection = await asyncpg.connect(fresh_dsn)
            try:
                for _ in range(POLLS):
                    stored = await all_checkpoints(connection)
                    if stored and stored[-1].tree_size == 9:
                        break
                    await asyncio.sleep(0.05)
            finally:
                await connection.close()
            await schedule.delete()
    finally:
        await checkpoints.close()

    assert [c.tree_size for c in stored] == [9]
    intervals = description.schedule.spec.intervals
    assert [i.every for i in intervals] == [timedelta(minutes=30)]
    report = await verify_log(fresh_dsn, [key.public_key])
    assert report.ok, report.first_problem


def test_an_auditor_gets_inclusion_and_consistency_proofs_any_rfc_6962_verifier_accepts(
    pit: CliRunner, fresh_dsn: str, tmp_path: Path
) -> None:
    assert pit.invoke(app, ["audit", "keygen", "-o", str(tmp_path / "zone-key.pem")]).exit_code == 0
    asyncio.run(_append(fresh_dsn, 2))
    _checkpoint(pit, fresh_dsn, 6)

    async def more_and_an_event_id() -> str:
        async with await PostgresEventStore.open(fresh_dsn) as store:
            await store.append("agreement-late", [event({"jobs": 7})], 0)
            recorded = await store.read_stream("agreement-cp1")
        return str(recorded[1].event_id)

    event_id = asyncio.run(more_and_an_event_id())
    later = _checkpoint(pit, fresh_dsn, 7)

    proved = pit.invoke(app, ["audit", "prove", event_id, "--json"])
    consistent = pit.invoke(app, ["audit", "prove-consistency", "--json"])
    unknown = pit.invoke(app, ["audit", "prove", str(uuid4())])

    assert proved.exit_code == 0, proved.output
    inclusion = json.loads(proved.stdout)
    assert inclusion["holds"] is True
    assert (inclusion["stream_id"], inclusion["stream_version"]) == ("agreement-cp1", 2)
    assert inclusion["checkpoint"] == later
    path = [bytes.fromhex(h) for h in inclusion["inclusion_proof"]["path"]]
    assert path[0] == bytes.fromhex(inclusion["leaf_hash"])
    # An RFC 9162 verifier written from the RFC, not pit's or pymerkle's code:
    assert rfc9162_inclusion(inclusion["leaf_index"], 7, path[0], tuple(path[1:])) == bytes.fromhex(
        later["root_hash"]
    )
    assert consistent.exit_code == 0, consistent.output
    assert json.loads(consistent.stdout)["holds"] is True
    assert [json.loads(consistent.stdout)[k]["tree_size"] for k in ("prior", "later")] == [6, 7]
    assert unknown.exit_code == 1
    assert "no event" in unknown.output
