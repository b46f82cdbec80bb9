"""The open deadlines a state exposes for the workflow's durable timers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.agreement import AgreementState, Deadline, DeadlineKind, decide
from domain.agreement.commands import (
    ApproveAmendment,
    ExpireAgreement,
    LapseCurePeriod,
    MarkAnnualReportOverdue,
    ProposeAmendment,
    RequestChanges,
    RequestTermination,
    ReturnAnnualReport,
)
from domain.errors import DomainError
from tests.domain.agreement.agreement_scenarios import (
    APPROVER,
    PARTICIPANT,
    REVIEWER,
    SYSTEM,
    Story,
    approved,
    concluded,
    in_breach,
    notified,
    obligations,
    reported_2026,
    submitted,
)


def _kinds(state: AgreementState) -> list[tuple[DeadlineKind, date, str]]:
    return [(d.kind, d.due_date, d.related_id) for d in state.deadlines]


def _changes_requested() -> Story:
    story = submitted()
    story.when(RequestChanges(items=("budget",)), by=REVIEWER, on=date(2026, 3, 18))
    return story


def _amendment_approved() -> Story:
    story = notified()
    story.when(
        ProposeAmendment(
            amendment_id="amendment-1", obligations=(obligations(2026, jobs=5),), reason="x"
        ),
        by=REVIEWER,
        on=date(2026, 9, 1),
    )
    story.when(ApproveAmendment(amendment_id="amendment-1"), by=APPROVER, on=date(2026, 9, 2))
    return story


def test_decision_deadline_runs_to_the_end_of_the_almaty_day() -> None:
    (deadline,) = submitted().state.deadlines

    assert deadline.kind is DeadlineKind.DECISION
    assert deadline.due_date == date(2026, 3, 26)
    assert deadline.due == datetime(2026, 3, 26, 19, 0, tzinfo=UTC)  # midnight in Almaty, UTC+5
    assert deadline.legal_basis == ("Law 242-VI",)
    assert deadline.on_due is not None
    assert deadline.on_due.type == "MarkDecisionOverdue"


def test_resubmission_and_signing_deadlines() -> None:
    assert _kinds(_changes_requested().state) == [
        (DeadlineKind.RESUBMISSION, date(2026, 4, 6), "agr-1")
    ]
    assert _kinds(approved().state) == [(DeadlineKind.SIGNING, date(2026, 4, 14), "agr-1")]


def test_concluded_agreement_has_its_notices_register_entry_reports_and_end() -> None:
    assert _kinds(concluded().state) == [
        (DeadlineKind.AUTHORIZED_BODY_NOTICE, date(2026, 4, 2), "agr-1"),
        (DeadlineKind.TAX_AUTHORITY_NOTICE, date(2026, 4, 6), "agr-1"),
        (DeadlineKind.REGISTER_ENTRY, date(2026, 4, 7), "agr-1"),
        (DeadlineKind.ANNUAL_REPORT, date(2027, 3, 31), "2026"),
        (DeadlineKind.AGREEMENT_END, date(2027, 12, 31), "agr-1"),
        (DeadlineKind.ANNUAL_REPORT, date(2028, 3, 31), "2027"),
    ]


def test_report_deadlines_follow_the_reports() -> None:
    overdue = notified()
    overdue.when(MarkAnnualReportOverdue(year=2026), by=SYSTEM, on=date(2027, 4, 1))
    returned = reported_2026()
    returned.when(
        ReturnAnnualReport(report_id="report-2026", reasons=("x",)),
        by=REVIEWER,
        on=date(2027, 3, 1),
    )

    assert (DeadlineKind.REPORT_ESCALATION, date(2027, 4, 30), "2026") in _kinds(overdue.state)
    assert (DeadlineKind.REPORT_CORRECTION, date(2027, 3, 17), "2026") in _kinds(returned.state)
    assert (DeadlineKind.ANNUAL_REPORT, date(2027, 3, 31), "2026") not in _kinds(
        reported_2026().state
    )


def test_cure_period_is_open_in_breach_and_waits_while_termination_is_decided() -> None:
    story = in_breach()
    assert (DeadlineKind.CURE_PERIOD, date(2027, 5, 1), "notice-1") in _kinds(story.state)

    story.when(
        RequestTermination(termination_id="t-1", reason="leaving"),
        by=PARTICIPANT,
        on=date(2027, 3, 3),
    )

    assert DeadlineKind.CURE_PERIOD not in {d.kind for d in story.state.deadlines}


def test_approved_amendment_awaits_the_participants_signature() -> None:
    kinds = _kinds(_amendment_approved().state)

    assert (DeadlineKind.AMENDMENT_SIGNING, date(2026, 9, 16), "amendment-1") in kinds


def test_closing_record_awaits_only_its_notices_and_terminated_one_nothing() -> None:
    story = notified()
    story.when(ExpireAgreement(), by=SYSTEM, on=date(2028, 1, 1))

    assert [d.kind for d in story.state.deadlines] == [
        DeadlineKind.AUTHORIZED_BODY_NOTICE,
        DeadlineKind.TAX_AUTHORITY_NOTICE,
    ]


def _timers(story: Story) -> list[Deadline]:
    return [d for d in story.state.deadlines if d.on_due is not None]


@pytest.mark.parametrize(
    "build",
    [submitted, _changes_requested, approved, notified, in_breach, _amendment_approved],
    ids=lambda f: f.__name__.strip("_"),
)
def test_every_timer_command_is_refused_before_its_due_instant_and_accepted_at_it(
    build: Callable[[], Story],
) -> None:
    story = build()
    timers = _timers(story)
    assert timers
    for deadline in timers:
        command = deadline.on_due
        assert command is not None
        early = story.context(SYSTEM, deadline.due - timedelta(minutes=1))
        with pytest.raises(DomainError):
            decide(command, story.state, early)
        assert decide(command, story.state, story.context(SYSTEM, deadline.due)), deadline


def test_uncured_breach_timer_proposes_termination() -> None:
    story = in_breach()
    (deadline,) = [d for d in story.state.deadlines if d.kind is DeadlineKind.CURE_PERIOD]

    assert deadline.on_due == LapseCurePeriod(notice_id="notice-1")
