"""Deciding the annual reports (DOMAIN.md §3.6) and their assessment (§3.7)."""

from __future__ import annotations

from decimal import Decimal

from domain.actors import SYSTEM_ACTOR
from domain.agreement.commands import (
    AcceptAnnualReport,
    EscalateOverdueReport,
    MarkAnnualReportOverdue,
    ResubmitAnnualReport,
    ReturnAnnualReport,
    SubmitAnnualReport,
)
from domain.agreement.context import DecisionContext
from domain.agreement.events import (
    AgreementEvent,
    AnnualReportAccepted,
    AnnualReportEscalated,
    AnnualReportOverdue,
    AnnualReportResubmitted,
    AnnualReportReturned,
    AnnualReportSubmitted,
    ObligationsAssessed,
)
from domain.agreement.guards import (
    LIFECYCLE_BASIS,
    has_passed,
    require_new_id,
    require_passed,
    require_status,
)
from domain.agreement.records import AnnualReportRecord
from domain.agreement.state import AgreementState
from domain.agreement.terms import correction_due, escalation_due
from domain.agreement.values import Shortfall
from domain.agreement.vocabulary import IN_FORCE, ObligationMetric, ReportStatus
from domain.application import YearObligations
from domain.errors import InvalidInput, InvalidTransition, RuleViolation
from domain.legal_basis import REG_9_4, REG_9_10


def shortfalls(planned: YearObligations, actual: YearObligations) -> tuple[Shortfall, ...]:
    """Every obligation of the year the actuals fell short of, in the order of the metrics."""
    found: list[Shortfall] = []
    for metric in ObligationMetric:
        want = Decimal(getattr(planned, metric.value))
        got = Decimal(getattr(actual, metric.value))
        if got < want:
            found.append(Shortfall(year=planned.year, metric=metric, planned=want, actual=got))
    return tuple(found)


def _report_by_id(state: AgreementState, report_id: str) -> AnnualReportRecord:
    for report in state.reports.values():
        if report.report_id == report_id:
            return report
    raise InvalidInput(f"no annual report {report_id!r}", code="unknown_report", field="report_id")


def _report_for_year(state: AgreementState, year: int) -> AnnualReportRecord:
    report = state.reports.get(year)
    if report is None:
        raise RuleViolation(
            f"the agreement owes no annual report on {year}: it was not in force that year",
            (REG_9_4,),
            code="year_not_in_term",
            field="year",
        )
    return report


def _require_actuals_of(actuals: YearObligations, year: int) -> None:
    if actuals.year != year:
        raise InvalidInput(
            f"the actuals are for {actuals.year}, the report is on {year}",
            code="actuals_year_mismatch",
            field="actuals.year",
        )


def submit_annual_report(
    command: SubmitAnnualReport, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Take the report on a year that is over; a late report is taken and recorded as late."""
    require_status(state, IN_FORCE, command)
    require_new_id(state, command.report_id, "report_id")
    report = _report_for_year(state, command.year)
    if command.year >= ctx.today.year:
        raise RuleViolation(
            f"the report on {command.year} can be submitted once the year is over",
            report.due.legal_basis,
            code="year_not_over",
            field="year",
        )
    if report.status is not ReportStatus.DUE:
        raise InvalidTransition(
            f"the report on {command.year} is {report.status.value} already"
            + (": resubmit it corrected" if report.status is ReportStatus.RETURNED else ""),
            (LIFECYCLE_BASIS,),
            code="report_already_submitted",
        )
    _require_actuals_of(command.actuals, command.year)
    return [
        AnnualReportSubmitted(
            **ctx.stamp(REG_9_4, *report.due.legal_basis),
            report_id=command.report_id,
            year=command.year,
            actuals=command.actuals,
            imported_goods_consumed_kzt=command.imported_goods_consumed_kzt,
            late=has_passed(report.due, ctx),
        )
    ]


def resubmit_annual_report(
    command: ResubmitAnnualReport, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Take a returned report back, corrected; late if after the correction day."""
    require_status(state, IN_FORCE, command)
    report = _report_by_id(state, command.report_id)
    if report.status is not ReportStatus.RETURNED or report.correction_due is None:
        raise InvalidTransition(
            f"the report on {report.year} is {report.status.value}, not returned",
            (LIFECYCLE_BASIS,),
            code="report_not_returned",
        )
    _require_actuals_of(command.actuals, report.year)
    return [
        AnnualReportResubmitted(
            **ctx.stamp(REG_9_4, *report.correction_due.legal_basis),
            report_id=command.report_id,
            year=report.year,
            actuals=command.actuals,
            imported_goods_consumed_kzt=command.imported_goods_consumed_kzt,
            late=has_passed(report.correction_due, ctx),
        )
    ]


def _submitted(state: AgreementState, report_id: str) -> AnnualReportRecord:
    report = _report_by_id(state, report_id)
    if report.status is not ReportStatus.SUBMITTED:
        raise InvalidTransition(
            f"the report on {report.year} is {report.status.value}, not awaiting review",
            (LIFECYCLE_BASIS,),
            code="report_not_submitted",
        )
    return report


def accept_annual_report(
    command: AcceptAnnualReport, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Accept the report and assess it against the year's obligations at once [Reg. §9.10]."""
    require_status(state, IN_FORCE, command)
    report = _submitted(state, command.report_id)
    planned = next((o for o in state.obligations if o.year == report.year), None)
    found = shortfalls(planned, report.actuals) if planned and report.actuals else ()
    return [
        AnnualReportAccepted(**ctx.stamp(REG_9_4), report_id=command.report_id, year=report.year),
        ObligationsAssessed(
            **ctx.stamp(REG_9_10, actor=SYSTEM_ACTOR),
            report_id=command.report_id,
            year=report.year,
            shortfalls=found,
        ),
    ]


def return_annual_report(
    command: ReturnAnnualReport, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Return the report for correction within the policy's working days."""
    require_status(state, IN_FORCE, command)
    report = _submitted(state, command.report_id)
    due = correction_due(ctx.today, ctx.rule_set)
    return [
        AnnualReportReturned(
            **ctx.stamp(REG_9_4, *due.legal_basis),
            report_id=command.report_id,
            year=report.year,
            reasons=command.reasons,
            correction_due=due,
        )
    ]


def mark_annual_report_overdue(
    command: MarkAnnualReportOverdue, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Record that a report (or its correction) missed its day; escalation follows later."""
    require_status(state, IN_FORCE, command)
    report = _report_for_year(state, command.year)
    missed = report.correction_due if report.status is ReportStatus.RETURNED else report.due
    if not report.awaited or report.overdue_since is not None or missed is None:
        raise InvalidTransition(
            f"the report on {command.year} is not awaited, or is overdue already",
            (LIFECYCLE_BASIS,),
            code="report_not_awaited",
        )
    require_passed(missed, ctx, f"the report on {command.year}")
    escalate_on = escalation_due(missed.on, ctx.rule_set)
    return [
        AnnualReportOverdue(
            **ctx.stamp(REG_9_4, *missed.legal_basis),
            year=command.year,
            missed_due=missed.on,
            escalation_due=escalate_on,
        )
    ]


def escalate_overdue_report(
    command: EscalateOverdueReport, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Escalate a report still missing at the escalation term; it may ground a breach."""
    require_status(state, IN_FORCE, command)
    report = _report_for_year(state, command.year)
    since, due = report.overdue_since, report.escalation_due
    if not report.awaited or report.escalated or since is None or due is None:
        raise InvalidTransition(
            f"the report on {command.year} is not overdue, or is escalated already",
            (LIFECYCLE_BASIS,),
            code="report_not_overdue",
        )
    require_passed(due, ctx, f"the escalation of the report on {command.year}")
    return [
        AnnualReportEscalated(
            **ctx.stamp(REG_9_4, REG_9_10, *due.legal_basis),
            year=command.year,
            days_overdue=(ctx.today - since).days,
        )
    ]
