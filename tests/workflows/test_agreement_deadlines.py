"""Deadlines are durable timers on Almaty dates and Kazakhstan's working days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import uuid4

from temporalio.testing import WorkflowEnvironment

from domain.agreement import DeadlineKind, Status
from domain.agreement.commands import RequestChanges, SubmitApplication
from domain.calendar import ALMATY, almaty_date, end_of_day, is_working_day
from eventstore import PostgresEventStore
from tests.domain.agreement.agreement_scenarios import PARTICIPANT, REVIEWER, form
from tests.time_skipping import sleep_until
from tests.workflows.conftest import Outbox
from tests.workflows.test_agreement_updates import act, start
from workers.agreement_worker import agreement_worker
from workflows.agreement import AgreementWorkflow, workflow_id


def before_next_nauryz(today: date) -> date:
    """The next 17 March: ten working days from it run into Nauryz (21-23 March)."""
    year = today.year if today < date(today.year, 3, 17) else today.year + 1
    return date(year, 3, 17)


async def test_unresubmitted_application_lapses_at_the_end_of_the_tenth_working_day_after_nauryz(
    time_skipping: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    agreement_id, task_queue = uuid4().hex, f"agreements-{uuid4()}"
    async with agreement_worker(
        time_skipping.client, fresh_store, task_queue, mail=outbox.activities
    ):
        handle = await start(time_skipping, agreement_id, task_queue)
        submitted_on = almaty_date(await time_skipping.get_current_time())
        requested_on = before_next_nauryz(submitted_on)
        await act(
            handle,
            SubmitApplication(agreement_id=agreement_id, form=form()),
            PARTICIPANT,
        )
        await sleep_until(time_skipping, datetime.combine(requested_on, time(10), ALMATY))
        changed = await act(handle, RequestChanges(items=("attach the charter",)), REVIEWER)
        (resubmission,) = [d for d in changed.deadlines if d.kind is DeadlineKind.RESUBMISSION]

        await sleep_until(time_skipping, resubmission.due - timedelta(minutes=1))
        still_open = await handle.query(AgreementWorkflow.state)
        await sleep_until(time_skipping, resubmission.due + timedelta(minutes=1))
        final = await handle.result()

    due_date = resubmission.due_date
    working_days = [
        requested_on + timedelta(days=n)
        for n in range(1, (due_date - requested_on).days + 1)
        if is_working_day(requested_on + timedelta(days=n))
    ]
    assert len(working_days) == 10
    assert working_days[-1] == due_date
    assert (due_date - requested_on).days > 14, "Nauryz should push the deadline past two weeks"
    assert resubmission.due == end_of_day(due_date)
    assert still_open.status is Status.CHANGES_REQUESTED
    assert final.status is Status.LAPSED
    recorded = await fresh_store.read_stream(workflow_id(agreement_id))
    lapsed = recorded[-1]
    assert lapsed.type == "ApplicationLapsed"
    assert lapsed.metadata.actor_role == "system"
    assert lapsed.metadata.legal_basis
    assert lapsed.metadata.occurred_at >= resubmission.due
    assert "DecisionOverdue" in [e.type for e in recorded], "the 10-day decision term passed too"
    assert (await fresh_store.verify()).ok
