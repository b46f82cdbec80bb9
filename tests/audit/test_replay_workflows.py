"""`pit audit replay-workflows` replays every history a Temporal namespace holds on the code at
hand: real agreements replay cleanly; workflow code changed without ``workflow.patched`` is
named, run by run, as non-determinism, and the command exits 1."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from uuid import uuid4

import pytest
from temporalio import workflow
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner, Result

from audit import workflow_replay
from audit.workflow_replay import PIT_WORKFLOWS, WorkflowReplay, replay_workflows
from cli.main import app
from domain.actors import Actor, Role
from domain.agreement import AgreementCommand, AgreementState
from domain.agreement.commands import ApproveConclusion, RecommendConclusion
from eventstore import PostgresEventStore
from tests.domain.agreement.agreement_scenarios import APPROVER, PARTICIPANT, REVIEWER, form
from tests.workflows.conftest import Outbox
from workers.agreement_client import submit_application
from workers.agreement_worker import agreement_worker
from workflows.agreement import AgreementAction, AgreementStart, AgreementWorkflow, workflow_id

pytestmark = pytest.mark.postgres


@workflow.defn(name="AgreementWorkflow", sandboxed=False)
class AgreementWorkflowWithAnUnpatchedChange(AgreementWorkflow):
    """AgreementWorkflow as a careless change leaves it: a pause before the run reads the log,
    added without ``workflow.patched``, so every recorded run now diverges at its first step."""

    @workflow.run
    async def run(self, start: AgreementStart) -> AgreementState:
        await workflow.sleep(timedelta(minutes=1))
        return await super().run(start)


async def _act(
    environment: WorkflowEnvironment, agreement_id: str, command: AgreementCommand, actor: Actor
) -> None:
    handle = environment.client.get_workflow_handle_for(
        AgreementWorkflow.run, workflow_id(agreement_id)
    )
    await handle.execute_update(
        AgreementWorkflow.act,
        AgreementAction(command=command, actor=actor, correlation_id=f"request-{uuid4()}"),
    )


async def _two_real_agreements(
    environment: WorkflowEnvironment, store: PostgresEventStore, outbox: Outbox
) -> set[str]:
    """Two agreements through pit's worker: one approved after a refused four-eyes breach,
    one just submitted; their workflows keep running. Returns their workflow ids."""
    first, second = f"replay-{uuid4().hex[:8]}", f"replay-{uuid4().hex[:8]}"
    task_queue = f"replay-{uuid4().hex[:8]}"
    async with agreement_worker(environment.client, store, task_queue, mail=outbox.activities):
        for agreement_id in (first, second):
            await submit_application(
                environment.client,
                agreement_id=agreement_id,
                form=form(),
                actor=PARTICIPANT,
                correlation_id=f"submit-{agreement_id}",
                task_queue=task_queue,
            )
        await _act(environment, first, RecommendConclusion(note="fits the zone"), REVIEWER)
        same_person = Actor(id=REVIEWER.id, role=Role.APPROVER)
        approving_own = ApproveConclusion(agreement_number="PIT-R-1")
        with pytest.raises(WorkflowUpdateFailedError):
            await _act(environment, first, approving_own, same_person)
        await _act(environment, first, ApproveConclusion(agreement_number="PIT-R-1"), APPROVER)
    ids = {workflow_id(first), workflow_id(second)}
    await _until_listed(environment, ids)
    return ids


async def _until_listed(environment: WorkflowEnvironment, ids: set[str]) -> None:
    """Wait for the server's visibility to list the workflows (it may lag behind their start)."""
    for _ in range(200):
        listed = {execution.id async for execution in environment.client.list_workflows()}
        if ids <= listed:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{ids - listed} never listed")


def _pit(environment: WorkflowEnvironment, *args: str) -> Result:
    """`pit audit replay-workflows` against the test's Temporal, in a thread of its own (the
    command runs its own event loop)."""
    env = {
        "TEMPORAL_ADDRESS": environment.client.service_client.config.target_host,
        "TEMPORAL_NAMESPACE": environment.client.namespace,
        "COLUMNS": "250",
    }
    return CliRunner().invoke(app, ["audit", "replay-workflows", *args], env=env)


async def test_the_histories_of_real_agreements_replay_on_the_current_code(
    dev_server: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    ids = await _two_real_agreements(dev_server, fresh_store, outbox)

    as_json = await asyncio.to_thread(_pit, dev_server, "--json", "--concurrency", "2")
    as_table = await asyncio.to_thread(_pit, dev_server)

    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)
    assert document["ok"] is True
    assert document["failed"] == 0
    ours = {w["workflow_id"]: w for w in document["workflows"] if w["workflow_id"] in ids}
    assert set(ours) == ids
    for replayed in ours.values():
        assert replayed["ok"] is True
        assert replayed["workflow_type"] == "AgreementWorkflow"
        assert replayed["run_id"]
        assert replayed["failure"] is None
    assert as_table.exit_code == 0, as_table.output
    assert f"{document['replayed']} histories replayed: {document['replayed']} ok, 0 failed" in (
        as_table.stdout
    )


async def test_a_change_without_a_patch_is_reported_as_nondeterminism_run_by_run(
    dev_server: WorkflowEnvironment,
    fresh_store: PostgresEventStore,
    outbox: Outbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = await _two_real_agreements(dev_server, fresh_store, outbox)
    changed = (AgreementWorkflowWithAnUnpatchedChange, *PIT_WORKFLOWS[1:])
    seen: list[WorkflowReplay] = []

    outcomes = await replay_workflows(
        dev_server.client, changed, concurrency=1, on_replayed=seen.append
    )
    monkeypatch.setattr(workflow_replay, "PIT_WORKFLOWS", changed)
    reported = await asyncio.to_thread(_pit, dev_server)

    assert seen == outcomes
    ours = [o for o in outcomes if o.workflow_id in ids]
    assert {o.workflow_id for o in ours} == ids
    for outcome in ours:
        assert not outcome.ok
        assert outcome.failure_kind == "nondeterminism"
        assert "Nondeterminism error" in (outcome.failure or "")
    assert reported.exit_code == 1, reported.output
    assert "nondeterminism" in reported.stdout
    assert "failed" in reported.stdout.splitlines()[-1]
