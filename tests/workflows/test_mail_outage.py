"""An SMTP outage neither blocks nor fails an agreement: mail waits, retried, and goes out once.

Also: the Law's 10-day decision term from a Friday before a holiday, and the staff's reminder
two days before it, on Almaty dates.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from uuid import uuid4

from temporalio.testing import WorkflowEnvironment

from activities.mail import MailActivities, SmtpSettings
from domain.agreement import DeadlineKind, Status
from domain.agreement.commands import RecommendConclusion, SubmitApplication
from domain.agreement.vocabulary import ReminderStage
from domain.calendar import almaty_date, is_working_day
from eventstore import PostgresEventStore
from tests.domain.agreement.agreement_scenarios import PARTICIPANT, REVIEWER, form
from tests.ports import free_port
from tests.time_skipping import at, sleep_until
from tests.workflows.conftest import Outbox
from tests.workflows.test_agreement_life import Agreement, reminders
from workers.agreement_worker import agreement_worker
from workers.mail_catcher import mail_catcher
from workflows.agreement import AgreementStart, AgreementWorkflow, workflow_id

FRIDAY = date(2026, 12, 11)  # the Friday before Independence Day (16 December)


async def test_mail_waits_out_an_smtp_outage_while_the_agreement_goes_on(
    time_skipping: WorkflowEnvironment,
    fresh_store: PostgresEventStore,
    fresh_dsn: str,
    tmp_path: Path,
) -> None:
    env, task_queue, agreement_id = time_skipping, f"agreements-{uuid4()}", uuid4().hex
    port = free_port()  # nothing listens there until the outage ends
    mail = await MailActivities.open(
        fresh_dsn, SmtpSettings.from_url(f"smtp://127.0.0.1:{port}"), "pit@sez-pit.localhost"
    )
    try:
        async with agreement_worker(env.client, fresh_store, task_queue, mail=mail):
            await sleep_until(env, at(FRIDAY))
            await env.client.start_workflow(
                AgreementWorkflow.run,
                AgreementStart(agreement_id=agreement_id),
                id=workflow_id(agreement_id),
                task_queue=task_queue,
            )
            agreement = Agreement(env.client, agreement_id)
            submitted = await agreement.act(
                SubmitApplication(agreement_id=agreement_id, form=form()), PARTICIPANT
            )
            (decision,) = [d for d in submitted.deadlines if d.kind is DeadlineKind.DECISION]
            assert await agreement.handle.query(AgreementWorkflow.deadlines) == (decision,)
            (upcoming,) = await agreement.handle.query(AgreementWorkflow.upcoming_reminders)
            assert (upcoming.deadline_kind, upcoming.days) == (DeadlineKind.DECISION, 2)

            # The staff reminder is due two days before the decision: SMTP is down then.
            await sleep_until(env, at(decision.due_date - timedelta(days=1)))
            during = await agreement.act(RecommendConclusion(note="fits"), REVIEWER)
            with mail_catcher(tmp_path, port) as catcher:  # SMTP is back
                await sleep_until(env, at(decision.due_date - timedelta(days=1), 14))
                delivered = list(catcher.maildir.joinpath("new").iterdir())
    finally:
        await mail.close()

    # 10 calendar days from the Friday: 21 December, a Monday, whatever the holidays.
    assert decision.due_date == date(2026, 12, 21)
    assert is_working_day(FRIDAY)
    assert not is_working_day(date(2026, 12, 16))
    assert during.status is Status.RECOMMENDED  # the outage held nothing up
    events = await fresh_store.read_stream(workflow_id(agreement_id))
    (reminder,) = [r for r in reminders(events) if r.deadline_kind is DeadlineKind.DECISION]
    assert (reminder.stage, almaty_date(reminder.occurred_at)) == (
        ReminderStage.BEFORE,
        date(2026, 12, 19),
    )
    assert len(delivered) == 1  # sent once, after the outage, not lost and not repeated


async def test_an_application_on_the_friday_before_independence_day_keeps_almaty_dates(
    time_skipping: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    env, task_queue, agreement_id = time_skipping, f"agreements-{uuid4()}", uuid4().hex
    async with agreement_worker(env.client, fresh_store, task_queue, mail=outbox.activities):
        await sleep_until(env, at(FRIDAY, 17))
        await env.client.start_workflow(
            AgreementWorkflow.run,
            AgreementStart(agreement_id=agreement_id),
            id=workflow_id(agreement_id),
            task_queue=task_queue,
        )
        agreement = Agreement(env.client, agreement_id)
        await agreement.act(SubmitApplication(agreement_id=agreement_id, form=form()), PARTICIPANT)
        await sleep_until(env, at(date(2026, 12, 22)))
        overdue = await agreement.handle.query(AgreementWorkflow.state)

    events = await fresh_store.read_stream(workflow_id(agreement_id))
    types = [(e.type, almaty_date(e.metadata.occurred_at)) for e in events]
    # The decision term ran out at the end of Monday 21 December; the system marked it the
    # moment it passed (00:00 on the 22nd, Almaty) and escalated it to staff.
    assert ("DecisionOverdue", date(2026, 12, 22)) in types
    assert overdue.decision_overdue
    escalations = [r for r in reminders(events) if r.stage is ReminderStage.ESCALATION]
    assert [(r.deadline_kind, r.due_on) for r in escalations] == [
        (DeadlineKind.DECISION, date(2026, 12, 21))
    ]
    assert len(outbox.messages()) == len(reminders(events))
