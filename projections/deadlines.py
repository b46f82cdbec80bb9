"""The open deadlines a monitoring screen shows: the domain's, plus the ones the system has
already recorded as missed while the matter is still open.

The domain lists a deadline for as long as a timer must fire on it (``state.deadlines``): once
the system has marked a decision or an annual report overdue, that deadline leaves its list
(an escalation term may take its place), yet the decision is still not taken and the report
still not in. For people those matters stay overdue until they are settled, so they are kept
here, due on the day that was missed.

Whether a deadline is past due depends on the time of the question, not on events: rows keep
``due_at`` (the instant the due day ends in Almaty) and queries compare it with their ``now``.
"""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.agreement import AgreementState, DeadlineKind, Status
from domain.agreement.values import Due
from domain.agreement.vocabulary import IN_FORCE, ReportStatus
from domain.calendar import end_of_day


class OpenDeadline(BaseModel):
    """One open deadline of one agreement.

    Attributes:
        kind: what is due.
        related_id: the matter (the agreement's id, a report's year, a notice's id...).
        due_date: the last day, in Almaty.
        due_at: the instant that day ends: past due from then on.
        legal_basis: the basis of the term.
        missed: the system has already recorded it as missed (the matter is still open).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: DeadlineKind
    related_id: str
    due_date: date
    due_at: AwareDatetime
    legal_basis: tuple[str, ...]
    missed: bool = False


def _missed(kind: DeadlineKind, related_id: str, due: Due) -> OpenDeadline:
    return OpenDeadline(
        kind=kind,
        related_id=related_id,
        due_date=due.on,
        due_at=end_of_day(due.on),
        legal_basis=due.legal_basis,
        missed=True,
    )


def _missed_deadlines(state: AgreementState) -> list[OpenDeadline]:
    found: list[OpenDeadline] = []
    undecided = state.status in (Status.IN_REVIEW, Status.RECOMMENDED)
    if undecided and state.decision_overdue and state.decision_due is not None:
        found.append(_missed(DeadlineKind.DECISION, state.agreement_id or "", state.decision_due))
    if state.status in IN_FORCE:
        for year in sorted(state.reports):
            report = state.reports[year]
            if not report.awaited or report.overdue_since is None:
                continue
            if report.status is ReportStatus.RETURNED and report.correction_due is not None:
                found.append(
                    _missed(DeadlineKind.REPORT_CORRECTION, str(year), report.correction_due)
                )
            else:
                found.append(_missed(DeadlineKind.ANNUAL_REPORT, str(year), report.due))
    return found


def open_deadlines_of(state: AgreementState) -> list[OpenDeadline]:
    """Every open deadline of the state, soonest first; each (kind, related_id) once."""
    found = [
        OpenDeadline(
            kind=d.kind,
            related_id=d.related_id,
            due_date=d.due_date,
            due_at=d.due,
            legal_basis=d.legal_basis,
        )
        for d in state.deadlines
    ]
    found.extend(_missed_deadlines(state))
    return sorted(found, key=lambda d: (d.due_at, d.kind.value, d.related_id))
