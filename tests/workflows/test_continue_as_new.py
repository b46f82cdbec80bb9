"""Continue-as-new hands the folded state to a new run, and no update is lost across it."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from temporalio.testing import WorkflowEnvironment

from domain.agreement import Status
from domain.agreement.commands import AddAuditAnnotation, SubmitApplication
from eventstore import PostgresEventStore
from tests.domain.agreement.agreement_scenarios import AUDITOR, PARTICIPANT, form
from tests.workflows.conftest import Outbox
from tests.workflows.test_agreement_life import Agreement
from workers.agreement_worker import agreement_worker
from workflows.agreement import AgreementStart, AgreementWorkflow, workflow_id

UPDATES = 40


async def test_no_update_is_lost_while_the_workflow_continues_as_new_again_and_again(
    dev_server: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    env, task_queue, agreement_id = dev_server, f"agreements-{uuid4()}", uuid4().hex
    async with agreement_worker(env.client, fresh_store, task_queue, mail=outbox.activities):
        # A new run after every 5 events: 40 annotations make about 8 runs.
        started = await env.client.start_workflow(
            AgreementWorkflow.run,
            AgreementStart(agreement_id=agreement_id, events_per_run=5),
            id=workflow_id(agreement_id),
            task_queue=task_queue,
        )
        agreement = Agreement(env.client, agreement_id)
        await agreement.act(SubmitApplication(agreement_id=agreement_id, form=form()), PARTICIPANT)
        results = await asyncio.gather(
            *(
                agreement.act(
                    AddAuditAnnotation(annotation_id=f"note-{n}", text=f"checked item {n}"),
                    AUDITOR,
                )
                for n in range(UPDATES)
            )
        )
        state = await agreement.handle.query(AgreementWorkflow.state)
        last_run = (await agreement.handle.describe()).run_id

    assert last_run != started.first_execution_run_id
    assert all(r.status is Status.IN_REVIEW for r in results)
    assert {f"note-{n}" for n in range(UPDATES)} <= state.ids
    events = await fresh_store.read_stream(workflow_id(agreement_id))
    notes = [e.data["annotation_id"] for e in events if e.type == "AuditAnnotationAdded"]
    assert sorted(notes) == sorted(f"note-{n}" for n in range(UPDATES))  # each once
    assert [e.stream_version for e in events] == list(range(1, len(events) + 1))
    assert state.version == len(events)
