"""Reminders of one agreement due at one instant: one decision, one append, one delivery.

A concluded agreement whose notices and register entry nobody records has several matters
reminded at the same 09:00 in Almaty. They are recorded as one append (one correlation id for
everything the instant caused) and mailed over one SMTP session, each mail once.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from uuid import uuid4

from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from domain.agreement import Status
from eventstore import PostgresEventStore
from tests.activities.caught_mail import header
from tests.histories.record import concluded_on_7_december
from tests.time_skipping import sleep_until
from tests.workflows.conftest import Outbox
from tests.workflows.test_agreement_updates import start
from workers.agreement_worker import agreement_worker
from workflows.agreement import AgreementWorkflow, workflow_id
from workflows.correspondence import mail_id


async def test_reminders_due_at_one_instant_are_one_append_and_one_delivery_each_mail_once(
    time_skipping: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    env, task_queue, agreement_id = time_skipping, f"agreements-{uuid4()}", uuid4().hex
    async with agreement_worker(env.client, fresh_store, task_queue, mail=outbox.activities):
        handle = await start(env, agreement_id, task_queue)
        concluded = await concluded_on_7_december(env, handle, agreement_id, "PIT-T-1")
        assert concluded.status is Status.ACTIVE
        upcoming = await handle.query(AgreementWorkflow.upcoming_reminders)
        instants = Counter(reminder.send_at for reminder in upcoming)
        instant = min(send_at for send_at, n in instants.items() if n > 1)
        together = sorted(r.reminder_id for r in upcoming if r.send_at == instant)

        await sleep_until(env, instant + timedelta(hours=1))
        history = await handle.fetch_history()
        logged = await fresh_store.read_stream(workflow_id(agreement_id))

    # The matters reminded at that instant are one append: consecutive versions, one
    # correlation id, named for the instant.
    at_instant = [
        e for e in logged if e.type == "ReminderSent" and e.data["reminder_id"] in together
    ]
    assert sorted(e.data["reminder_id"] for e in at_instant) == together
    versions = [e.stream_version for e in at_instant]
    assert versions == list(range(versions[0], versions[0] + len(together)))
    (correlation_id,) = {e.metadata.correlation_id for e in at_instant}
    assert correlation_id == f"reminders:{instant.isoformat()}"

    # Their mails are one delivery; each went out once, carrying the same correlation id.
    scheduled = [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]
    assert scheduled.count("deliver_mails") == 1
    expected = {mail_id(agreement_id, reminder_id) for reminder_id in together}
    caught = [m for m in outbox.messages() if header(m, "X-Pit-Mail-Id") in expected]
    assert sorted(header(m, "X-Pit-Mail-Id") for m in caught) == sorted(expected)
    assert {header(m, "X-Pit-Correlation-Id") for m in caught} == {correlation_id}
