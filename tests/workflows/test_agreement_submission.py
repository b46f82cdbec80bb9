"""Submitting an application starts its agreement's workflow exactly once."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from domain.agreement import AgreementState, Status
from eventstore import PostgresEventStore
from tests.domain.agreement.agreement_scenarios import PARTICIPANT, form
from tests.workflows.conftest import Outbox
from workers.agreement_client import submit_application
from workers.agreement_worker import agreement_worker
from workflows.agreement import workflow_id


async def test_a_double_submit_creates_one_agreement_and_records_the_refused_second(
    time_skipping: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    agreement_id, task_queue = uuid4().hex, f"agreements-{uuid4()}"
    async with agreement_worker(
        time_skipping.client, fresh_store, task_queue, mail=outbox.activities
    ):
        outcomes = await asyncio.gather(
            *(
                submit_application(
                    time_skipping.client,
                    agreement_id=agreement_id,
                    form=form(),
                    actor=PARTICIPANT,
                    correlation_id=f"click-{n}",
                    task_queue=task_queue,
                )
                for n in range(2)
            ),
            return_exceptions=True,
        )
        history = await time_skipping.client.get_workflow_handle(
            workflow_id(agreement_id)
        ).fetch_history()

    accepted = [o for o in outcomes if isinstance(o, AgreementState)]
    refused = [o for o in outcomes if isinstance(o, WorkflowUpdateFailedError)]
    assert len(accepted) == 1, outcomes
    assert len(refused) == 1, outcomes
    assert accepted[0].status is Status.IN_REVIEW
    assert isinstance(refused[0].cause, ApplicationError)
    started = [
        e for e in history.events if e.HasField("workflow_execution_started_event_attributes")
    ]
    assert len(started) == 1
    types = [e.type for e in await fresh_store.read_stream(workflow_id(agreement_id))]
    assert types.count("ApplicationSubmitted") == 1
    assert types[-1] == "ActionRefused"
