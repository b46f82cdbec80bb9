"""Whole lives of agreements on Temporal's time-skipping server, on real Almaty dates.

One agreement from application to termination over three reporting years: four-eyes refusals
recorded, notices to the authorities sent as documents, reminders on the exact days (and by
mail), a late report escalated, a breach cured, another not, and the termination. The workflow
continues as new at each new year; every event is in the log once, and every chain verifies.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.event_log import domain_codec
from activities.zone_rules import ZoneRules
from domain.actors import Actor, Role
from domain.agreement import AgreementCommand, AgreementState, Status
from domain.agreement.commands import (
    AcceptAnnualReport,
    ApproveConclusion,
    ApproveTermination,
    IssueBreachNotice,
    RecommendConclusion,
    RecordAuthorityNotified,
    RecordBreachCured,
    RecordRegisterEntry,
    RecordRegisterEntryClosed,
    SignAsParticipant,
    SignForManagementCompany,
    SubmitAnnualReport,
    SubmitApplication,
)
from domain.agreement.events import AuthorityNoticeIssued, ReminderSent
from domain.agreement.vocabulary import Audience, Authority, ReminderStage, TerminationGround
from domain.calendar import almaty_date
from eventstore import PostgresEventStore, RecordedEvent
from tests.domain.agreement.agreement_scenarios import (
    ADMIN,
    APPROVER,
    PARTICIPANT,
    REVIEWER,
    form,
    obligations,
    rules_extending_zone_to,
)
from tests.time_skipping import at, sleep_until
from tests.workflows.conftest import Outbox
from workers.agreement_worker import agreement_worker
from workflows.agreement import AgreementAction, AgreementStart, AgreementWorkflow, workflow_id

pytestmark = pytest.mark.timeout(240)

APPLIED = date(2026, 12, 7)  # a Monday
END = date(2030, 1, 1)
EXTENDED = ZoneRules(
    zone_code="pit",
    zone_version=2,
    rule_book=rules_extending_zone_to(date(2038, 1, 1), from_day=date(2026, 6, 1)),
)


class Agreement:
    """One agreement's workflow, reached by id (whichever run is current)."""

    def __init__(self, client: Client, agreement_id: str) -> None:
        self.id = agreement_id
        self.handle: WorkflowHandle[AgreementWorkflow, AgreementState] = (
            client.get_workflow_handle_for(AgreementWorkflow.run, workflow_id(agreement_id))
        )

    async def act(self, command: AgreementCommand, actor: Actor) -> AgreementState:
        return await self.handle.execute_update(
            AgreementWorkflow.act,
            AgreementAction(command=command, actor=actor, correlation_id=f"req-{uuid4()}"),
        )

    async def refused(self, command: AgreementCommand, actor: Actor) -> None:
        with pytest.raises(WorkflowUpdateFailedError):
            await self.act(command, actor)


def reminders(events: list[RecordedEvent]) -> list[ReminderSent]:
    decoded = [domain_codec().decode(e) for e in events if e.type == "ReminderSent"]
    return [e for e in decoded if isinstance(e, ReminderSent)]


def days_of(found: list[ReminderSent], related_id: str, stage: ReminderStage) -> list[date]:
    return [
        almaty_date(r.occurred_at) for r in found if r.related_id == related_id and r.stage is stage
    ]


async def test_a_whole_life_over_three_reporting_years_to_termination_for_an_uncured_breach(
    time_skipping: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    env, task_queue, agreement_id = time_skipping, f"agreements-{uuid4()}", uuid4().hex
    same_person = Actor(id=REVIEWER.id, role=Role.APPROVER)
    application = form(
        requested_start=APPLIED,
        requested_end=END,
        planned_obligations=tuple(obligations(year) for year in range(2026, 2030)),
    )
    async with agreement_worker(env.client, fresh_store, task_queue, mail=outbox.activities):
        # Application, review, four-eyes, signing: one Monday in December 2026.
        await sleep_until(env, at(APPLIED))
        started = await env.client.start_workflow(
            AgreementWorkflow.run,
            AgreementStart(agreement_id=agreement_id),
            id=workflow_id(agreement_id),
            task_queue=task_queue,
        )
        # A decree extended the zone to 2038 (DOMAIN.md §3: a real and near case).
        await started.signal(AgreementWorkflow.zone_rules_changed, EXTENDED)
        agreement = Agreement(env.client, agreement_id)
        agreement.handle = started
        await agreement.act(
            SubmitApplication(agreement_id=agreement_id, form=application), PARTICIPANT
        )
        first_run = (await agreement.handle.describe()).run_id
        await agreement.act(RecommendConclusion(note="fits the ICT priority"), REVIEWER)
        await agreement.refused(ApproveConclusion(agreement_number="PIT-2026-042"), same_person)
        await agreement.act(ApproveConclusion(agreement_number="PIT-2026-042"), APPROVER)
        await agreement.act(SignAsParticipant(), PARTICIPANT)
        concluded = await agreement.act(SignForManagementCompany(), APPROVER)
        assert concluded.status is Status.ACTIVE

        # The notices go out as documents; staff record the acknowledgments and the register.
        await sleep_until(env, at(APPLIED, 11))
        sent = await agreement.handle.query(AgreementWorkflow.state)
        assert set(sent.notices_issued) == set(Authority)
        for authority in Authority:
            await agreement.act(
                RecordAuthorityNotified(authority=authority, reference=f"ack-{authority.value}"),
                ADMIN,
            )
        await sleep_until(env, at(date(2026, 12, 10), 11))
        await agreement.act(
            RecordRegisterEntry(register_number="SEZ-PIT-0142", entered_on=date(2026, 12, 10)),
            REVIEWER,
        )

        # 2026: reported on time after two reminders.
        await sleep_until(env, at(date(2027, 3, 25)))
        await agreement.act(
            SubmitAnnualReport(
                report_id="report-2026",
                year=2026,
                actuals=obligations(2026),
                imported_goods_consumed_kzt=Decimal("0.00"),
            ),
            PARTICIPANT,
        )
        await agreement.act(AcceptAnnualReport(report_id="report-2026"), REVIEWER)

        # 2027: the report is late, escalated, a breach notice issued, then cured.
        await sleep_until(env, at(date(2028, 5, 2)))
        escalated = await agreement.handle.query(AgreementWorkflow.state)
        assert escalated.reports[2027].escalated
        await agreement.act(
            IssueBreachNotice(notice_id="breach-2027", description="the 2027 report is missing"),
            REVIEWER,
        )
        await sleep_until(env, at(date(2028, 5, 10)))
        await agreement.act(
            SubmitAnnualReport(
                report_id="report-2027",
                year=2027,
                actuals=obligations(2027),
                imported_goods_consumed_kzt=Decimal("0.00"),
            ),
            PARTICIPANT,
        )
        await agreement.act(AcceptAnnualReport(report_id="report-2027"), REVIEWER)
        cured = await agreement.act(
            RecordBreachCured(notice_id="breach-2027", note="report received and accepted"),
            REVIEWER,
        )
        assert cured.status is Status.ACTIVE

        # 2028: reported with a jobs shortfall; the breach is not cured; termination, four-eyes.
        await sleep_until(env, at(date(2029, 3, 20)))
        await agreement.act(
            SubmitAnnualReport(
                report_id="report-2028",
                year=2028,
                actuals=obligations(2028, jobs=5),
                imported_goods_consumed_kzt=Decimal("0.00"),
            ),
            PARTICIPANT,
        )
        await agreement.act(AcceptAnnualReport(report_id="report-2028"), REVIEWER)
        await agreement.act(
            IssueBreachNotice(notice_id="breach-2028", description="5 jobs of the 25 promised"),
            REVIEWER,
        )
        await sleep_until(env, at(date(2029, 5, 23)))
        proposed = await agreement.handle.query(AgreementWorkflow.state)
        assert proposed.status is Status.TERMINATION_PROPOSED
        await agreement.refused(ApproveTermination(termination_id="breach-2028"), same_person)
        closing = await agreement.act(ApproveTermination(termination_id="breach-2028"), APPROVER)
        assert closing.status is Status.CLOSING
        await sleep_until(env, at(date(2029, 5, 23), 12))
        for authority in Authority:
            await agreement.act(
                RecordAuthorityNotified(authority=authority, reference=f"end-{authority.value}"),
                ADMIN,
            )
        await agreement.act(RecordRegisterEntryClosed(closed_on=date(2029, 5, 23)), REVIEWER)
        final = await agreement.handle.result()
        last_run = (await agreement.handle.describe()).run_id

    assert final.status is Status.TERMINATED
    assert final.termination is not None
    assert final.termination.ground is TerminationGround.UNCURED_BREACH
    assert last_run != first_run, "each new year continued the workflow as new"

    events = await fresh_store.read_stream(workflow_id(agreement_id))
    assert [e.stream_version for e in events] == list(range(1, len(events) + 1))
    assert len({e.event_id for e in events}) == len(events)
    assert [e.type for e in events].count("ActionRefused") == 2
    assert (await fresh_store.verify()).ok

    found = reminders(events)
    assert days_of(found, "2026", ReminderStage.BEFORE) == [date(2027, 3, 1), date(2027, 3, 24)]
    assert days_of(found, "2027", ReminderStage.BEFORE) == [
        date(2028, 3, 1),
        date(2028, 3, 24),
        date(2028, 3, 30),
    ]
    assert days_of(found, "2027", ReminderStage.OVERDUE) == [
        date(2028, 4, 1),
        date(2028, 4, 8),
        date(2028, 4, 15),
        date(2028, 4, 22),
        date(2028, 4, 29),
    ]
    (escalation,) = [
        r for r in found if r.stage is ReminderStage.ESCALATION and r.related_id == "2027"
    ]
    assert (escalation.audience, almaty_date(escalation.occurred_at)) == (
        Audience.STAFF,
        date(2028, 5, 1),  # the escalation term ended with 30 April
    )
    # Issued on 20 March 2029: 60 days to cure, until 19 May.
    assert days_of(found, "breach-2028", ReminderStage.BEFORE) == [
        date(2029, 5, 12),
        date(2029, 5, 18),
    ]
    assert days_of(found, agreement_id, ReminderStage.BEFORE)[:1] == [date(2026, 12, 10)]

    # Every reminder and notice was mailed, once.
    notices = [e for e in events if e.type == "AuthorityNoticeIssued"]
    assert len(notices) == 4  # conclusion and termination, to both authorities
    mailed = outbox.messages()
    assert len(mailed) == len(found) + len(notices)
    assert len({m["Message-ID"] for m in mailed}) == len(mailed)
    notice = domain_codec().decode(notices[0])
    assert isinstance(notice, AuthorityNoticeIssued)
    assert "PIT-2026-042" in notice.document
