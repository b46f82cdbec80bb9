"""Evolving the annual reports and monitoring (DOMAIN.md §3.6-3.7)."""

from __future__ import annotations

from domain.agreement.events import (
    AnnualReportAccepted,
    AnnualReportEscalated,
    AnnualReportOverdue,
    AnnualReportResubmitted,
    AnnualReportReturned,
    AnnualReportSubmitted,
    BreachCured,
    BreachNoticeIssued,
    CurePeriodLapsed,
    ObligationsAssessed,
    SiteVisitRecorded,
)
from domain.agreement.records import AnnualReportRecord, BreachNoticeRecord
from domain.agreement.state import AgreementState, Updates
from domain.agreement.values import BreachGround
from domain.agreement.vocabulary import BreachGroundKind, ReportStatus, Status


def _with_report(state: AgreementState, report: AnnualReportRecord) -> Updates:
    return {"reports": {**state.reports, report.year: report}}


def _without_overdue_ground(state: AgreementState, year: int) -> tuple[BreachGround, ...]:
    """The report is in: its lateness no longer grounds a breach."""
    return tuple(
        g
        for g in state.monitoring_issues
        if not (g.kind is BreachGroundKind.REPORT_OVERDUE and g.year == year)
    )


def _received(
    state: AgreementState, event: AnnualReportSubmitted | AnnualReportResubmitted
) -> Updates:
    report = state.reports[event.year].model_copy(
        update={
            "status": ReportStatus.SUBMITTED,
            "report_id": event.report_id,
            "actuals": event.actuals,
            "imported_goods_consumed_kzt": event.imported_goods_consumed_kzt,
            "overdue_since": None,
            "escalation_due": None,
            "escalated": False,
        }
    )
    return {
        **_with_report(state, report),
        "monitoring_issues": _without_overdue_ground(state, event.year),
    }


def report_submitted(state: AgreementState, event: AnnualReportSubmitted) -> Updates:
    """The report is in (its id is taken)."""
    return {**_received(state, event), "ids": state.ids | {event.report_id}}


def report_resubmitted(state: AgreementState, event: AnnualReportResubmitted) -> Updates:
    """The corrected report is in."""
    return _received(state, event)


def report_accepted(state: AgreementState, event: AnnualReportAccepted) -> Updates:
    """The report is accepted."""
    report = state.reports[event.year]
    return _with_report(state, report.model_copy(update={"status": ReportStatus.ACCEPTED}))


def report_returned(state: AgreementState, event: AnnualReportReturned) -> Updates:
    """The report is back with the participant until the correction day."""
    report = state.reports[event.year].model_copy(
        update={"status": ReportStatus.RETURNED, "correction_due": event.correction_due}
    )
    return _with_report(state, report)


def report_overdue(state: AgreementState, event: AnnualReportOverdue) -> Updates:
    """The report missed its day; escalation falls due."""
    report = state.reports[event.year].model_copy(
        update={"overdue_since": event.missed_due, "escalation_due": event.escalation_due}
    )
    return _with_report(state, report)


def report_escalated(state: AgreementState, event: AnnualReportEscalated) -> Updates:
    """The overdue report is escalated and opens a monitoring issue."""
    report = state.reports[event.year].model_copy(update={"escalated": True})
    ground = BreachGround(
        kind=BreachGroundKind.REPORT_OVERDUE, year=event.year, reference=str(event.year)
    )
    return {
        **_with_report(state, report),
        "monitoring_issues": (*state.monitoring_issues, ground),
    }


def obligations_assessed(state: AgreementState, event: ObligationsAssessed) -> Updates:
    """The year's shortfalls are the open monitoring issues of that year."""
    # A later assessment of the same year replaces the earlier one's shortfalls.
    kept = tuple(
        g
        for g in state.monitoring_issues
        if not (g.kind is BreachGroundKind.OBLIGATION_SHORTFALL and g.year == event.year)
    )
    found = tuple(
        BreachGround(
            kind=BreachGroundKind.OBLIGATION_SHORTFALL, year=s.year, reference=s.metric.value
        )
        for s in event.shortfalls
    )
    return {"monitoring_issues": (*kept, *found)}


def site_visit_recorded(state: AgreementState, event: SiteVisitRecorded) -> Updates:
    """The visit is on record; if the terms were unmet, an issue opens."""
    updates: Updates = {"ids": state.ids | {event.visit_id}}
    if not event.terms_met:
        ground = BreachGround(
            kind=BreachGroundKind.SITE_VISIT,
            year=event.visited_on.year,
            reference=event.visit_id,
        )
        updates["monitoring_issues"] = (*state.monitoring_issues, ground)
    return updates


def breach_notice_issued(state: AgreementState, event: BreachNoticeIssued) -> Updates:
    """In breach, with the notice open until cured or lapsed."""
    return {
        "status": Status.IN_BREACH,
        "breach": BreachNoticeRecord(
            notice_id=event.notice_id,
            issued_by=event.actor.id,
            grounds=event.grounds,
            cure_due=event.cure_due,
        ),
        "ids": state.ids | {event.notice_id},
    }


def breach_cured(state: AgreementState, event: BreachCured) -> Updates:
    """Active again; the notice's grounds are closed."""
    cured = set(state.breach.grounds) if state.breach else set()
    return {
        "status": Status.ACTIVE,
        "breach": None,
        "monitoring_issues": tuple(g for g in state.monitoring_issues if g not in cured),
    }


def cure_period_lapsed(state: AgreementState, event: CurePeriodLapsed) -> Updates:
    """The cure period passed uncured."""
    # The termination proposed with it moves the status; the notice stays on record until the
    # approver decides.
    return {}
