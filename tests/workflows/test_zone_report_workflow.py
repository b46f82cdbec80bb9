"""The zone's annual report to the authorized body [Reg. §9.4] on durable timers: staff are
reminded on the policy's Almaty days before 30 April, escalated to after it, and hear no more
of a year once they record its report."""

from __future__ import annotations

from datetime import date, datetime, time
from email.message import EmailMessage
from uuid import uuid4

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from domain.actors import Actor
from domain.calendar import ALMATY, almaty_date
from domain.zone import RecordZoneReportSubmitted, ZoneState
from domain.zone_report import ZoneReportPolicy, first_reported_year
from eventstore import PostgresEventStore
from tests.domain.agreement.agreement_scenarios import APPROVER, PARTICIPANT, REVIEWER
from tests.time_skipping import sleep_until
from tests.workflows.conftest import Outbox
from tests.workflows.zone_support import STAFF_EMAIL, replays, start_zone, until, zone_worker
from workflows.zone import ZoneReportAction, ZoneWorkflow

ZONE_STREAM = "zone-pit"


def almaty(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ALMATY)


async def record_report(
    zone: WorkflowHandle[ZoneWorkflow, ZoneState],
    year: int,
    submitted_on: date,
    actor: Actor,
) -> ZoneState:
    return await zone.execute_update(
        ZoneWorkflow.record_zone_report_submitted,
        ZoneReportAction(
            command=RecordZoneReportSubmitted(
                year=year, reference=f"01-12/{year}", submitted_on=submitted_on
            ),
            actor=actor,
            correlation_id=f"request-{uuid4()}",
        ),
    )


async def reminders(store: PostgresEventStore) -> list[tuple[date, str, str]]:
    """Each recorded reminder: its Almaty day, kind and due date."""
    return [
        (almaty_date(e.metadata.occurred_at), e.data["kind"], e.data["due_on"])
        for e in await store.read_stream(ZONE_STREAM)
        if e.type == "zone_reminder_sent"
    ]


async def test_staff_are_reminded_before_the_zone_report_escalated_after_and_then_left_alone(
    time_skipping: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    task_queue = f"zone-{uuid4()}"
    async with zone_worker(time_skipping.client, fresh_store, task_queue, outbox.activities):
        zone = await start_zone(time_skipping.client, task_queue)
        established_on = almaty_date(await time_skipping.get_current_time())
        year = first_reported_year(ZoneReportPolicy(), established_on)
        due = date(year + 1, 4, 30)

        await sleep_until(time_skipping, almaty(date(year + 1, 4, 16), 8, 59))
        none_yet = await reminders(fresh_store)
        await sleep_until(time_skipping, almaty(date(year + 1, 4, 16), 9, 1))
        await until(lambda: _count(fresh_store, 1))
        # A restart between two reminders folds the stream and sends none of them twice.
        await zone.terminate("a restart")
        zone = await start_zone(time_skipping.client, task_queue)
        await sleep_until(time_skipping, almaty(date(year + 1, 5, 1), 9, 1))
        await until(lambda: _count(fresh_store, 3))
        await until(lambda: _mailed(outbox, 3))

        with pytest.raises(WorkflowUpdateFailedError) as by_participant:
            await record_report(zone, year, date(year + 1, 5, 4), PARTICIPANT)
        await sleep_until(time_skipping, almaty(date(year + 1, 5, 4), 11))
        recorded = await record_report(zone, year, date(year + 1, 5, 4), REVIEWER)
        # The next year's report, recorded before its first reminder (16 April): none is sent.
        await sleep_until(time_skipping, almaty(date(year + 2, 4, 10), 11))
        await record_report(zone, year + 1, date(year + 2, 4, 10), APPROVER)
        await sleep_until(time_skipping, almaty(date(year + 2, 6, 1), 12))
        final = await zone.query(ZoneWorkflow.state)
        await replays(zone)

    assert none_yet == []
    assert await reminders(fresh_store) == [
        (date(year + 1, 4, 16), "before", due.isoformat()),
        (date(year + 1, 4, 28), "before", due.isoformat()),
        (date(year + 1, 5, 1), "overdue", due.isoformat()),
    ]
    stored = await fresh_store.read_stream(ZONE_STREAM)
    sent = [e for e in stored if e.type == "zone_reminder_sent"]
    assert {e.metadata.actor_role for e in sent} == {"system"}
    assert sent[0].metadata.legal_basis == (
        "Decree 1166 Reg. §9.4",
        "pit policy: zone_report_reminders",
    )
    assert sent[0].data["reminder_id"] == f"zone-report-{year}-before-{year + 1}-04-16"
    mail = _zone_mail(outbox)
    assert [m["X-Pit-Mail-Id"] for m in mail] == [
        f"{ZONE_STREAM}/{e.data['reminder_id']}" for e in sent
    ]
    assert {m["To"] for m in mail} == {STAFF_EMAIL}
    assert [str(m["Subject"]).split(":")[0] for m in mail] == [
        "Напоминание",
        "Напоминание",
        "Эскалация",
    ]
    english = [m.get_content() for m in mail]
    assert f"report on the zone's operation for {year}" in english[0]
    assert "(in 14 days)" in english[0]
    assert "(in 2 days)" in english[1]
    assert "overdue by 1 day" in english[2]

    refused = by_participant.value.cause
    assert isinstance(refused, ApplicationError)
    assert refused.type == "zone_report_staff_only"
    assert recorded.zone_report(year) is not None
    assert [r.year for r in final.zone_reports] == [year, year + 1]
    assert [e.type for e in stored] == [
        "zone_established",
        "zone_reminder_sent",
        "zone_reminder_sent",
        "zone_reminder_sent",
        "zone_report_submitted",
        "zone_report_submitted",
    ]
    assert stored[-1].metadata.legal_basis == ("Decree 1166 Reg. §9.4",)
    assert (await fresh_store.verify()).ok


async def _count(store: PostgresEventStore, expected: int) -> bool:
    return len(await reminders(store)) >= expected


def _zone_mail(outbox: Outbox) -> list[EmailMessage]:
    """The zone's mail the catcher received, in the order it was sent."""
    zone_mail = [m for m in outbox.messages() if m["X-Pit-Mail-Id"].startswith(ZONE_STREAM)]
    return sorted(zone_mail, key=lambda m: str(m["X-Pit-Mail-Id"]))


async def _mailed(outbox: Outbox, expected: int) -> bool:
    return len(_zone_mail(outbox)) >= expected
