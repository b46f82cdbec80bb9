"""Reminders: which ones the open deadlines call for, on which Almaty days, issued once each."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import pairwise

import pytest
from pydantic import ValidationError

from domain.agreement import AgreementState, DeadlineKind, initial_state
from domain.agreement.commands import (
    EscalateOverdueReport,
    MarkAnnualReportOverdue,
    MarkDecisionOverdue,
    RecordReminderSent,
)
from domain.agreement.events import ReminderSent
from domain.agreement.reminders import (
    ReminderPolicy,
    escalation_for,
    planned_reminders,
)
from domain.agreement.vocabulary import Audience, ReminderStage
from domain.calendar import ALMATY
from domain.errors import InvalidInput, InvalidTransition
from domain.rules import ZoneTerms
from tests.domain.agreement.agreement_scenarios import (
    SYSTEM,
    Story,
    approved,
    concluded,
    notified,
    submitted,
)

POLICY = ReminderPolicy()
TERMS = ZoneTerms()


def _days(kind: DeadlineKind, state: AgreementState, stage: ReminderStage) -> list[date]:
    planned = planned_reminders(state, TERMS, POLICY)
    return [
        r.send_at.astimezone(ALMATY).date()
        for r in planned
        if r.deadline_kind is kind and r.stage is stage
    ]


def test_annual_report_reminders_go_30_7_and_1_days_before_31_march_under_policy() -> None:
    state = notified().state

    days = _days(DeadlineKind.ANNUAL_REPORT, state, ReminderStage.BEFORE)

    # The 2026 report is due 31 March 2027; the 2027 one 31 March 2028.
    assert days[:3] == [date(2027, 3, 1), date(2027, 3, 24), date(2027, 3, 30)]


def test_reminders_go_out_at_nine_in_the_morning_almaty_time() -> None:
    planned = planned_reminders(notified().state, TERMS, POLICY)

    assert {r.send_at.astimezone(ALMATY).time() for r in planned} == {time(9, 0)}


def test_an_overdue_report_is_reminded_the_day_after_then_weekly_until_escalation() -> None:
    story = notified()
    story.when(MarkAnnualReportOverdue(year=2026), by=SYSTEM, on=date(2027, 4, 1))

    days = _days(DeadlineKind.ANNUAL_REPORT, story.state, ReminderStage.OVERDUE)

    # Missed 31 March; escalation 30 days later, on 30 April.
    assert days == [
        date(2027, 4, 1),
        date(2027, 4, 8),
        date(2027, 4, 15),
        date(2027, 4, 22),
        date(2027, 4, 29),
    ]


def test_an_overdue_report_reminder_is_recorded_with_the_day_it_missed() -> None:
    story = notified()
    story.when(MarkAnnualReportOverdue(year=2026), by=SYSTEM, on=date(2027, 4, 1))

    (event,) = story.when(
        RecordReminderSent(
            deadline_kind=DeadlineKind.ANNUAL_REPORT,
            related_id="2026",
            stage=ReminderStage.OVERDUE,
        ),
        by=SYSTEM,
        on=date(2027, 4, 8),
    )

    assert isinstance(event, ReminderSent)
    assert (event.due_on, event.days, event.template) == (
        date(2027, 3, 31),
        8,
        "reminder_overdue",
    )


def test_the_decision_deadline_reminds_staff_two_days_before_under_policy() -> None:
    state = submitted().state  # submitted 16 March 2026: decided within 10 days, by 26 March

    planned = planned_reminders(state, TERMS, POLICY)

    assert [(r.deadline_kind, r.audience, r.due_on, r.days) for r in planned] == [
        (DeadlineKind.DECISION, Audience.STAFF, date(2026, 3, 26), 2)
    ]


def test_signing_is_reminded_to_the_participant_7_and_1_days_before() -> None:
    days = _days(DeadlineKind.SIGNING, approved().state, ReminderStage.BEFORE)

    due = approved().state.signing_due
    assert due is not None
    assert [(due.on - d).days for d in days] == [7, 1]


def test_notices_not_recorded_are_reminded_to_staff_weekly_after_their_day() -> None:
    state = concluded().state  # concluded 2 April 2026: the tax notice is due 2 working days on

    overdue = _days(DeadlineKind.TAX_AUTHORITY_NOTICE, state, ReminderStage.OVERDUE)

    assert len(overdue) == POLICY.staff_overdue_reminders
    assert all((b - a).days == 7 for a, b in pairwise(overdue))


def test_the_agreements_end_is_reminded_90_and_30_days_before() -> None:
    days = _days(DeadlineKind.AGREEMENT_END, notified().state, ReminderStage.BEFORE)

    # In force until 1 January 2028: its last day is 31 December 2027.
    assert days == [date(2027, 10, 2), date(2027, 12, 1)]


def test_each_reminder_has_its_own_id_and_a_second_issue_of_one_is_refused() -> None:
    story = notified()
    planned = planned_reminders(story.state, TERMS, POLICY)
    assert len({r.reminder_id for r in planned}) == len(planned)
    first = next(r for r in planned if r.deadline_kind is DeadlineKind.ANNUAL_REPORT)
    command = RecordReminderSent(
        deadline_kind=first.deadline_kind,
        related_id=first.related_id,
        reminder_id=first.reminder_id,
        due_on=first.due_on,
    )
    story.when(command, by=SYSTEM, on=first.send_at)

    story.refused(command, by=SYSTEM, on=first.send_at, error=InvalidInput, code="duplicate_id")


def test_a_reminder_goes_to_the_participants_contact_e_mail() -> None:
    story = notified()

    (event,) = story.when(
        RecordReminderSent(deadline_kind=DeadlineKind.ANNUAL_REPORT, related_id="2026"),
        by=SYSTEM,
        on=date(2027, 3, 1),
    )

    assert isinstance(event, ReminderSent)
    assert story.state.form is not None
    assert event.recipient == story.state.form.contacts.email
    assert (event.channel, event.audience, event.stage) == (
        "email",
        Audience.PARTICIPANT,
        ReminderStage.BEFORE,
    )


def test_a_staff_reminder_without_a_recipient_is_refused_naming_the_field() -> None:
    error = submitted().refused(
        RecordReminderSent(
            deadline_kind=DeadlineKind.DECISION, related_id="agr-1", audience=Audience.STAFF
        ),
        by=SYSTEM,
        on=date(2026, 3, 24),
        error=InvalidInput,
        code="recipient_required",
    )

    assert error.field == "recipient"


def test_an_escalation_must_name_the_day_that_passed() -> None:
    story = submitted()
    story.when(MarkDecisionOverdue(), by=SYSTEM, on=date(2026, 3, 27))

    error = story.refused(
        RecordReminderSent(
            deadline_kind=DeadlineKind.DECISION,
            related_id="agr-1",
            stage=ReminderStage.ESCALATION,
            audience=Audience.STAFF,
            recipient="staff@sez-pit.localhost",
        ),
        by=SYSTEM,
        on=date(2026, 3, 27),
        error=InvalidInput,
        code="due_on_required",
    )

    assert error.field == "due_on"


def test_a_decision_overdue_escalates_to_staff() -> None:
    story = submitted()
    before = story.state
    (event,) = story.when(MarkDecisionOverdue(), by=SYSTEM, on=date(2026, 3, 27))

    escalation = escalation_for(event, before)

    assert escalation is not None
    assert (escalation.deadline_kind, escalation.audience, escalation.due_on) == (
        DeadlineKind.DECISION,
        Audience.STAFF,
        date(2026, 3, 26),
    )
    story.when(
        RecordReminderSent(
            deadline_kind=escalation.deadline_kind,
            related_id=escalation.related_id,
            stage=ReminderStage.ESCALATION,
            audience=Audience.STAFF,
            reminder_id=escalation.reminder_id,
            recipient="staff@sez-pit.localhost",
            due_on=escalation.due_on,
        ),
        by=SYSTEM,
        on=date(2026, 3, 27),
    )


def test_an_escalated_report_escalates_to_staff_and_nothing_else_does() -> None:
    story = notified()
    story.when(MarkAnnualReportOverdue(year=2026), by=SYSTEM, on=date(2027, 4, 1))
    before = story.state
    (escalated,) = story.when(EscalateOverdueReport(year=2026), by=SYSTEM, on=date(2027, 5, 1))
    (overdue,) = notified().when(MarkAnnualReportOverdue(year=2026), by=SYSTEM, on=date(2027, 4, 1))

    escalation = escalation_for(escalated, before)

    assert escalation is not None
    assert escalation.deadline_kind is DeadlineKind.REPORT_ESCALATION
    assert escalation_for(overdue, notified().state) is None


@pytest.mark.parametrize("days", [(0,), (3, 3)])
def test_reminder_days_are_distinct_and_at_least_one(days: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ReminderPolicy(participant_days_before=days)


@pytest.mark.parametrize(
    ("spread", "rule"),
    [(timedelta(seconds=-1), "greater than or equal to 0"), (timedelta(hours=2), "less than")],
)
def test_a_reminder_spread_below_zero_or_over_an_hour_is_refused_naming_the_field(
    spread: timedelta, rule: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        ReminderPolicy(spread=spread)

    (error,) = refused.value.errors()
    assert error["loc"] == ("spread",)
    assert rule in error["msg"]


def test_no_reminder_before_anything_is_submitted() -> None:
    assert planned_reminders(initial_state(), TERMS, POLICY) == ()
    Story().refused(
        RecordReminderSent(deadline_kind=DeadlineKind.DECISION, related_id="x"),
        by=SYSTEM,
        on=datetime(2026, 3, 1, 10, tzinfo=ALMATY),
        error=InvalidTransition,
    )
