"""Annual reports: due dates, acceptance, correction, overdue and escalation (DOMAIN.md §3.6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.agreement import report_reminder_dates
from domain.agreement.commands import (
    AcceptAnnualReport,
    EscalateOverdueReport,
    MarkAnnualReportOverdue,
    RecordReminderSent,
    ResubmitAnnualReport,
    ReturnAnnualReport,
    SubmitAnnualReport,
)
from domain.agreement.events import (
    AnnualReportEscalated,
    AnnualReportOverdue,
    AnnualReportResubmitted,
    AnnualReportReturned,
    AnnualReportSubmitted,
    ObligationsAssessed,
    ReminderSent,
)
from domain.agreement.values import Shortfall
from domain.agreement.vocabulary import (
    BreachGroundKind,
    DeadlineKind,
    ObligationMetric,
    ReportStatus,
)
from domain.errors import InvalidInput, InvalidTransition, NotPermitted, RuleViolation
from domain.legal_basis import REG_9_4, REG_9_10
from domain.rules import ZoneTerms
from tests.domain.agreement.agreement_scenarios import (
    APPROVER,
    PARTICIPANT,
    REVIEWER,
    STRANGER,
    SYSTEM,
    Story,
    notified,
    obligations,
    reported_2026,
)


def _report(
    year: int = 2026, report_id: str = "report-2026", **actuals: object
) -> SubmitAnnualReport:
    return SubmitAnnualReport(
        report_id=report_id,
        year=year,
        actuals=obligations(year, **actuals),
        imported_goods_consumed_kzt=Decimal("1200000.00"),
    )


def _returned() -> Story:
    story = reported_2026()
    story.when(
        ReturnAnnualReport(report_id="report-2026", reasons=("the jobs figure lacks a source",)),
        by=REVIEWER,
        on=date(2027, 3, 1),
    )
    return story


def _overdue() -> Story:
    story = notified()
    story.when(MarkAnnualReportOverdue(year=2026), by=SYSTEM, on=date(2027, 4, 1))
    return story


def test_annual_report_for_2026_is_due_on_31_march_2027() -> None:
    report = notified().state.reports[2026]

    assert report.due.on == date(2027, 3, 31)
    assert report.due.legal_basis == ("pit policy: annual_report_due_month",)
    assert report.status is ReportStatus.DUE


def test_participant_submits_the_report_on_the_previous_year() -> None:
    story = notified()

    (submitted,) = story.when(_report(), by=PARTICIPANT, on=date(2027, 2, 15))

    assert isinstance(submitted, AnnualReportSubmitted)
    assert not submitted.late
    assert REG_9_4 in submitted.legal_basis
    assert story.state.reports[2026].status is ReportStatus.SUBMITTED


def test_report_on_a_year_not_over_is_refused() -> None:
    notified().refused(
        _report(2026),
        by=PARTICIPANT,
        on=date(2026, 12, 31),
        error=RuleViolation,
        code="year_not_over",
    )


def test_report_on_a_year_outside_the_term_is_refused() -> None:
    notified().refused(
        _report(2025, report_id="report-2025"),
        by=PARTICIPANT,
        on=date(2027, 2, 15),
        error=RuleViolation,
        code="year_not_in_term",
    )


def test_report_with_the_actuals_of_another_year_is_refused() -> None:
    command = SubmitAnnualReport(
        report_id="report-2026",
        year=2026,
        actuals=obligations(2027),
        imported_goods_consumed_kzt=Decimal("0"),
    )
    notified().refused(
        command,
        by=PARTICIPANT,
        on=date(2027, 2, 15),
        error=InvalidInput,
        code="actuals_year_mismatch",
    )


def test_late_report_is_taken_and_recorded_as_late() -> None:
    (submitted,) = notified().when(_report(), by=PARTICIPANT, on=date(2027, 4, 1))

    assert isinstance(submitted, AnnualReportSubmitted)
    assert submitted.late


def test_report_on_a_year_is_submitted_once() -> None:
    reported_2026().refused(
        _report(report_id="report-2026-bis"),
        by=PARTICIPANT,
        on=date(2027, 2, 16),
        error=InvalidTransition,
        code="report_already_submitted",
    )


def test_report_id_is_never_reused() -> None:
    story = reported_2026()

    story.refused(
        _report(2026),
        by=PARTICIPANT,
        on=date(2027, 2, 16),
        error=InvalidInput,
        code="duplicate_id",
    )


def test_another_company_cannot_report_for_this_agreement() -> None:
    notified().refused(
        _report(), by=STRANGER, on=date(2027, 2, 15), error=NotPermitted, code="not_own_agreement"
    )


def test_accepted_report_is_assessed_against_the_years_obligations() -> None:
    story = reported_2026(jobs=10, kz_content_bp=5500)

    events = story.when(
        AcceptAnnualReport(report_id="report-2026"), by=REVIEWER, on=date(2027, 3, 1)
    )

    assert [e.type for e in events] == ["AnnualReportAccepted", "ObligationsAssessed"]
    assessed = events[1]
    assert isinstance(assessed, ObligationsAssessed)
    assert assessed.actor == SYSTEM
    assert assessed.legal_basis == (REG_9_10,)
    assert assessed.shortfalls == (
        Shortfall(year=2026, metric=ObligationMetric.JOBS, planned=Decimal(25), actual=Decimal(10)),
        Shortfall(
            year=2026,
            metric=ObligationMetric.KZ_CONTENT,
            planned=Decimal(6000),
            actual=Decimal(5500),
        ),
    )
    state = story.state
    assert state.reports[2026].status is ReportStatus.ACCEPTED
    assert {(g.kind, g.reference) for g in state.monitoring_issues} == {
        (BreachGroundKind.OBLIGATION_SHORTFALL, "jobs"),
        (BreachGroundKind.OBLIGATION_SHORTFALL, "kz_content_bp"),
    }


def test_report_meeting_every_obligation_has_no_shortfall() -> None:
    story = reported_2026(jobs=40)

    events = story.when(
        AcceptAnnualReport(report_id="report-2026"), by=REVIEWER, on=date(2027, 3, 1)
    )

    assessed = events[1]
    assert isinstance(assessed, ObligationsAssessed)
    assert assessed.shortfalls == ()
    assert story.state.monitoring_issues == ()


def test_report_returned_for_correction_comes_back_in_ten_working_days() -> None:
    story = _returned()

    returned = story.events[-1]
    assert isinstance(returned, AnnualReportReturned)
    assert returned.correction_due.on == date(2027, 3, 17)  # 8 and 15 March are holidays
    assert returned.correction_due.legal_basis == ("pit policy: report_correction_working_days",)
    assert story.state.reports[2026].status is ReportStatus.RETURNED


def test_returned_report_is_resubmitted_corrected() -> None:
    story = _returned()

    (resubmitted,) = story.when(
        ResubmitAnnualReport(
            report_id="report-2026",
            actuals=obligations(2026, jobs=24),
            imported_goods_consumed_kzt=Decimal("1200000.00"),
        ),
        by=PARTICIPANT,
        on=date(2027, 3, 10),
    )

    assert isinstance(resubmitted, AnnualReportResubmitted)
    assert not resubmitted.late
    report = story.state.reports[2026]
    assert report.status is ReportStatus.SUBMITTED
    assert report.actuals is not None
    assert report.actuals.jobs == 24


def test_correction_after_its_day_is_taken_and_recorded_as_late() -> None:
    (resubmitted,) = _returned().when(
        ResubmitAnnualReport(
            report_id="report-2026",
            actuals=obligations(2026),
            imported_goods_consumed_kzt=Decimal("0"),
        ),
        by=PARTICIPANT,
        on=date(2027, 3, 18),
    )

    assert isinstance(resubmitted, AnnualReportResubmitted)
    assert resubmitted.late


def test_only_a_returned_report_is_resubmitted() -> None:
    reported_2026().refused(
        ResubmitAnnualReport(
            report_id="report-2026",
            actuals=obligations(2026),
            imported_goods_consumed_kzt=Decimal("0"),
        ),
        by=PARTICIPANT,
        on=date(2027, 3, 10),
        error=InvalidTransition,
        code="report_not_returned",
    )


def test_only_a_submitted_report_is_accepted_or_returned() -> None:
    story = _returned()

    story.refused(
        AcceptAnnualReport(report_id="report-2026"),
        by=REVIEWER,
        on=date(2027, 3, 2),
        error=InvalidTransition,
        code="report_not_submitted",
    )
    story.refused(
        AcceptAnnualReport(report_id="no-such-report"),
        by=REVIEWER,
        on=date(2027, 3, 2),
        error=InvalidInput,
        code="unknown_report",
    )


def test_participant_cannot_accept_its_own_report() -> None:
    reported_2026().refused(
        AcceptAnnualReport(report_id="report-2026"),
        by=PARTICIPANT,
        on=date(2027, 3, 1),
        error=NotPermitted,
    )


def test_report_is_marked_overdue_the_day_after_its_due_day() -> None:
    story = notified()
    story.refused(
        MarkAnnualReportOverdue(year=2026),
        by=SYSTEM,
        on=date(2027, 3, 31),
        code="deadline_not_passed",
    )

    (overdue,) = story.when(MarkAnnualReportOverdue(year=2026), by=SYSTEM, on=date(2027, 4, 1))

    assert isinstance(overdue, AnnualReportOverdue)
    assert overdue.missed_due == date(2027, 3, 31)
    assert overdue.escalation_due.on == date(2027, 4, 30)
    assert overdue.escalation_due.legal_basis == ("pit policy: report_escalation_days_overdue",)


def test_report_is_marked_overdue_once() -> None:
    _overdue().refused(
        MarkAnnualReportOverdue(year=2026),
        by=SYSTEM,
        on=date(2027, 4, 2),
        error=InvalidTransition,
        code="report_not_awaited",
    )


def test_submitted_report_is_not_overdue() -> None:
    reported_2026().refused(
        MarkAnnualReportOverdue(year=2026),
        by=SYSTEM,
        on=date(2027, 4, 1),
        error=InvalidTransition,
    )


def test_uncorrected_report_is_marked_overdue_after_the_correction_day() -> None:
    story = _returned()

    (overdue,) = story.when(MarkAnnualReportOverdue(year=2026), by=SYSTEM, on=date(2027, 3, 18))

    assert isinstance(overdue, AnnualReportOverdue)
    assert overdue.missed_due == date(2027, 3, 17)


def test_report_thirty_days_overdue_is_escalated_to_staff() -> None:
    story = _overdue()
    story.refused(
        EscalateOverdueReport(year=2026),
        by=SYSTEM,
        on=date(2027, 4, 30),
        code="deadline_not_passed",
    )

    (escalated,) = story.when(EscalateOverdueReport(year=2026), by=SYSTEM, on=date(2027, 5, 1))

    assert isinstance(escalated, AnnualReportEscalated)
    assert escalated.days_overdue == 31
    assert story.state.reports[2026].escalated
    assert [(g.kind, g.year) for g in story.state.monitoring_issues] == [
        (BreachGroundKind.REPORT_OVERDUE, 2026)
    ]
    story.refused(
        EscalateOverdueReport(year=2026),
        by=SYSTEM,
        on=date(2027, 5, 2),
        error=InvalidTransition,
        code="report_not_overdue",
    )


def test_report_not_overdue_is_not_escalated() -> None:
    notified().refused(
        EscalateOverdueReport(year=2026),
        by=SYSTEM,
        on=date(2027, 6, 1),
        error=InvalidTransition,
        code="report_not_overdue",
    )


def test_overdue_report_submitted_late_is_no_longer_a_breach_ground() -> None:
    story = _overdue()
    story.when(EscalateOverdueReport(year=2026), by=SYSTEM, on=date(2027, 5, 1))

    (submitted,) = story.when(_report(), by=PARTICIPANT, on=date(2027, 5, 3))

    assert isinstance(submitted, AnnualReportSubmitted)
    assert submitted.late
    state = story.state
    assert state.monitoring_issues == ()
    assert state.reports[2026].overdue_since is None


def test_only_the_system_marks_reports_overdue() -> None:
    notified().refused(
        MarkAnnualReportOverdue(year=2026), by=APPROVER, on=date(2027, 4, 1), error=NotPermitted
    )


def test_report_reminders_are_30_7_and_1_days_before_then_the_day_after_then_weekly() -> None:
    days = report_reminder_dates(date(2027, 3, 31), ZoneTerms(), until=date(2027, 4, 30))

    assert days == (
        date(2027, 3, 1),
        date(2027, 3, 24),
        date(2027, 3, 30),
        date(2027, 4, 1),
        date(2027, 4, 8),
        date(2027, 4, 15),
        date(2027, 4, 22),
        date(2027, 4, 29),
    )


def test_reminders_stop_when_the_report_arrives() -> None:
    days = report_reminder_dates(date(2027, 3, 31), ZoneTerms(), until=date(2027, 3, 25))

    assert days == (date(2027, 3, 1), date(2027, 3, 24))


def test_reminder_of_an_open_deadline_is_recorded() -> None:
    story = notified()

    (reminder,) = story.when(
        RecordReminderSent(deadline_kind=DeadlineKind.ANNUAL_REPORT, related_id="2026"),
        by=SYSTEM,
        on=date(2027, 3, 1),
    )

    assert isinstance(reminder, ReminderSent)
    assert reminder.due_on == date(2027, 3, 31)
    assert reminder.legal_basis == ("pit policy: annual_report_due_month",)
    assert story.state.reports == notified().state.reports  # nothing else changes


def test_reminder_of_a_deadline_that_is_not_open_is_refused() -> None:
    reported_2026().refused(
        RecordReminderSent(deadline_kind=DeadlineKind.ANNUAL_REPORT, related_id="2026"),
        by=SYSTEM,
        on=date(2027, 3, 1),
        error=InvalidTransition,
        code="no_open_deadline",
    )
