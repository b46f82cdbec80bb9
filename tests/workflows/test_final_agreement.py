"""A final agreement takes nothing more but auditors' annotations, even after its workflow has
completed: the workflow starts again, folds the log first, and the domain decides."""

from __future__ import annotations

from uuid import uuid4

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from domain.agreement import Status
from domain.agreement.commands import AddAuditAnnotation, RecommendConclusion
from eventstore import PostgresEventStore
from tests.domain.agreement.agreement_scenarios import AUDITOR, PARTICIPANT, REVIEWER, form
from tests.workflows.conftest import Outbox
from workers.agreement_client import act_starting_if_closed, submit_application
from workers.agreement_worker import agreement_worker
from workflows.agreement import AgreementAction, AgreementWorkflow, workflow_id


async def test_a_refused_agreement_is_annotated_after_its_workflow_completed(
    time_skipping: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    env, task_queue, agreement_id = time_skipping, f"agreements-{uuid4()}", uuid4().hex
    async with agreement_worker(env.client, fresh_store, task_queue, mail=outbox.activities):
        refused = await submit_application(
            env.client,
            agreement_id=agreement_id,
            form=form(excisable_goods=True),  # refused at screening [Reg. §6]
            actor=PARTICIPANT,
            correlation_id="apply",
            task_queue=task_queue,
        )
        handle = env.client.get_workflow_handle_for(
            AgreementWorkflow.run, workflow_id(agreement_id)
        )
        await handle.result()  # the first run completed: the agreement is final

        annotated = await act_starting_if_closed(
            env.client,
            agreement_id=agreement_id,
            action=AgreementAction(
                command=AddAuditAnnotation(annotation_id="audit-1", text="screening checked"),
                actor=AUDITOR,
                correlation_id="audit",
            ),
            task_queue=task_queue,
        )
        with pytest.raises(WorkflowUpdateFailedError):
            await act_starting_if_closed(
                env.client,
                agreement_id=agreement_id,
                action=AgreementAction(
                    command=RecommendConclusion(note="let us conclude after all"),
                    actor=REVIEWER,
                    correlation_id="late",
                ),
                task_queue=task_queue,
            )

    assert refused.status is Status.REFUSED
    assert annotated.status is Status.REFUSED
    assert "audit-1" in annotated.ids
    events = await fresh_store.read_stream(workflow_id(agreement_id))
    assert [e.stream_version for e in events] == list(range(1, len(events) + 1))
    assert [e.type for e in events][-2:] == ["AuditAnnotationAdded", "ActionRefused"]
    assert events[-2].metadata.actor_role == "auditor"
