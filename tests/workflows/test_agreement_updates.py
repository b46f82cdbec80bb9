"""People act on an agreement through Workflow Updates; refused attempts are recorded."""

from __future__ import annotations

from uuid import uuid4

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.agreement import AgreementCommand, AgreementState, Status
from domain.agreement.commands import ApproveConclusion, RecommendConclusion, SubmitApplication
from eventstore import PostgresEventStore
from tests.domain.agreement.agreement_scenarios import APPROVER, PARTICIPANT, REVIEWER, form
from tests.workflows.conftest import Outbox
from workers.agreement_worker import agreement_worker
from workflows.agreement import AgreementAction, AgreementStart, AgreementWorkflow, workflow_id


async def act(
    handle: WorkflowHandle[AgreementWorkflow, AgreementState],
    command: AgreementCommand,
    actor: Actor,
) -> AgreementState:
    return await handle.execute_update(
        AgreementWorkflow.act,
        AgreementAction(command=command, actor=actor, correlation_id=f"request-{uuid4()}"),
    )


async def start(
    environment: WorkflowEnvironment, agreement_id: str, task_queue: str
) -> WorkflowHandle[AgreementWorkflow, AgreementState]:
    return await environment.client.start_workflow(
        AgreementWorkflow.run,
        AgreementStart(agreement_id=agreement_id),
        id=workflow_id(agreement_id),
        task_queue=task_queue,
    )


async def test_reviewer_approving_own_recommendation_is_refused_recorded_then_another_concludes(
    time_skipping: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    agreement_id, task_queue = uuid4().hex, f"agreements-{uuid4()}"
    same_person = Actor(id=REVIEWER.id, role=Role.APPROVER)
    async with agreement_worker(
        time_skipping.client, fresh_store, task_queue, mail=outbox.activities
    ):
        handle = await start(time_skipping, agreement_id, task_queue)
        submitted = await act(
            handle, SubmitApplication(agreement_id=agreement_id, form=form()), PARTICIPANT
        )
        await act(handle, RecommendConclusion(note="fits the zone"), REVIEWER)
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await act(handle, ApproveConclusion(agreement_number="PIT-2026-7"), same_person)
        approved = await act(handle, ApproveConclusion(agreement_number="PIT-2026-7"), APPROVER)
        queried = await handle.query(AgreementWorkflow.state)

    cause = refused.value.cause
    assert isinstance(cause, ApplicationError)
    assert cause.type == "four_eyes"
    assert submitted.status is Status.IN_REVIEW
    assert approved.status is Status.AWAITING_SIGNATURES
    assert queried == approved
    recorded = await fresh_store.read_stream(workflow_id(agreement_id))
    assert [e.stream_version for e in recorded] == list(range(1, len(recorded) + 1))
    refusals = [e for e in recorded if e.type == "ActionRefused"]
    assert len(refusals) == 1
    assert refusals[0].metadata.actor_id == REVIEWER.id
    assert refusals[0].metadata.legal_basis
    assert (await fresh_store.verify()).ok


async def test_an_update_as_the_system_is_rejected_before_anything_is_written(
    time_skipping: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    agreement_id, task_queue = uuid4().hex, f"agreements-{uuid4()}"
    async with agreement_worker(
        time_skipping.client, fresh_store, task_queue, mail=outbox.activities
    ):
        handle = await start(time_skipping, agreement_id, task_queue)
        with pytest.raises(WorkflowUpdateFailedError):
            await act(
                handle, SubmitApplication(agreement_id=agreement_id, form=form()), SYSTEM_ACTOR
            )

    assert await fresh_store.stream_version(workflow_id(agreement_id)) == 0
