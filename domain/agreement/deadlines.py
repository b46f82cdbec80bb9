"""The open deadlines of an agreement, for the workflow's durable timers.

A deadline is open while something remains to be done by it. When its ``on_due`` command is
set, the workflow sends that command (as the system) once ``due`` passes; the others (notices,
register entries) only call for reminders. A deadline whose system command could not be accepted
in the current state is not listed (a cure period while a termination is being decided, for
instance), so that a timer never fires into a refusal.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.agreement.commands import (
    AgreementCommand,
    EscalateOverdueReport,
    ExpireAgreement,
    LapseAmendment,
    LapseApplication,
    LapseCurePeriod,
    LapseSigning,
    MarkAnnualReportOverdue,
    MarkDecisionOverdue,
)
from domain.agreement.values import Due
from domain.agreement.vocabulary import (
    IN_FORCE,
    AmendmentStatus,
    Authority,
    DeadlineKind,
    ReportStatus,
    Status,
)
from domain.calendar import end_of_day
from domain.legal_basis import REG_9_3
from domain.rules import ZoneTerms

if TYPE_CHECKING:
    from domain.agreement.state import AgreementState

_NOTICE_KINDS = {
    Authority.AUTHORIZED_BODY: DeadlineKind.AUTHORIZED_BODY_NOTICE,
    Authority.TAX_AUTHORITY: DeadlineKind.TAX_AUTHORITY_NOTICE,
}


class Deadline(BaseModel):
    """One open deadline.

    Attributes:
        kind: what is due.
        due: the aware instant it passes: the end of ``due_date`` in Almaty.
        due_date: the last day, in Almaty.
        related_id: the matter: the agreement's id, a report's year, a notice's or an
            amendment's id.
        legal_basis: the basis of the term that set it ("pit policy: ..." or the Law's).
        on_due: the system command to send when it passes, if any.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: DeadlineKind
    due: AwareDatetime
    due_date: date
    related_id: str
    legal_basis: tuple[str, ...]
    on_due: AgreementCommand | None = None


def _deadline(
    kind: DeadlineKind, due: Due, related_id: str, on_due: AgreementCommand | None = None
) -> Deadline:
    return Deadline(
        kind=kind,
        due=end_of_day(due.on),
        due_date=due.on,
        related_id=related_id,
        legal_basis=due.legal_basis,
        on_due=on_due,
    )


def _application_deadlines(state: AgreementState, agreement: str) -> list[Deadline]:
    if state.status is Status.CHANGES_REQUESTED and state.resubmission_due is not None:
        return [
            _deadline(
                DeadlineKind.RESUBMISSION, state.resubmission_due, agreement, LapseApplication()
            )
        ]
    if (
        state.status in (Status.IN_REVIEW, Status.RECOMMENDED)
        and state.decision_due is not None
        and not state.decision_overdue
    ):
        return [
            _deadline(DeadlineKind.DECISION, state.decision_due, agreement, MarkDecisionOverdue())
        ]
    if state.status is Status.AWAITING_SIGNATURES and state.signing_due is not None:
        return [_deadline(DeadlineKind.SIGNING, state.signing_due, agreement, LapseSigning())]
    return []


def _report_deadlines(state: AgreementState) -> list[Deadline]:
    found: list[Deadline] = []
    for year in sorted(state.reports):
        report = state.reports[year]
        if not report.awaited:
            continue
        if report.overdue_since is None:
            kind, due = DeadlineKind.ANNUAL_REPORT, report.due
            if report.status is ReportStatus.RETURNED and report.correction_due is not None:
                kind, due = DeadlineKind.REPORT_CORRECTION, report.correction_due
            found.append(_deadline(kind, due, str(year), MarkAnnualReportOverdue(year=year)))
        elif not report.escalated and report.escalation_due is not None:
            found.append(
                _deadline(
                    DeadlineKind.REPORT_ESCALATION,
                    report.escalation_due,
                    str(year),
                    EscalateOverdueReport(year=year),
                )
            )
    return found


def _in_force_deadlines(state: AgreementState, agreement: str) -> list[Deadline]:
    found = _report_deadlines(state)
    breach = state.breach
    if state.status is Status.IN_BREACH and breach is not None:
        found.append(
            _deadline(
                DeadlineKind.CURE_PERIOD,
                breach.cure_due,
                breach.notice_id,
                LapseCurePeriod(notice_id=breach.notice_id),
            )
        )
    amendment = state.pending_amendment
    if (
        amendment is not None
        and amendment.status is AmendmentStatus.APPROVED
        and amendment.signing_due is not None
    ):
        found.append(
            _deadline(
                DeadlineKind.AMENDMENT_SIGNING,
                amendment.signing_due,
                amendment.amendment_id,
                LapseAmendment(amendment_id=amendment.amendment_id),
            )
        )
    if state.end_date is not None:
        # The end date is the day the agreement ceases: its last day in force is the day before.
        last_day = Due(on=state.end_date - timedelta(days=1), legal_basis=(REG_9_3,))
        found.append(_deadline(DeadlineKind.AGREEMENT_END, last_day, agreement, ExpireAgreement()))
    return found


def open_deadlines(state: AgreementState) -> tuple[Deadline, ...]:
    """Every open deadline of the state, soonest first (ties in a stable order)."""
    agreement = state.agreement_id or ""
    found = _application_deadlines(state, agreement)
    for authority, due in state.notices_due.items():
        found.append(_deadline(_NOTICE_KINDS[authority], due, agreement))
    if state.register_entry_due is not None and state.register_number is None:
        found.append(_deadline(DeadlineKind.REGISTER_ENTRY, state.register_entry_due, agreement))
    if state.register_closure_due is not None:
        found.append(
            _deadline(DeadlineKind.REGISTER_CLOSURE, state.register_closure_due, agreement)
        )
    if state.status in IN_FORCE:
        found.extend(_in_force_deadlines(state, agreement))
    return tuple(sorted(found, key=lambda d: (d.due_date, d.kind.value, d.related_id)))


def report_reminder_dates(due: date, terms: ZoneTerms, until: date) -> tuple[date, ...]:
    """The days a participant is reminded of a report due on ``due`` [policy]: 30, 7 and 1 days
    before, on the day after, then weekly, up to ``until`` (the day it arrived, or escalation).
    """
    days = [due - timedelta(days=before) for before in terms.report_reminder_days_before]
    day = due + timedelta(days=terms.report_reminder_days_after)
    while day <= until:
        days.append(day)
        day += timedelta(days=terms.report_reminder_repeat_days)
    return tuple(d for d in days if d <= until)
