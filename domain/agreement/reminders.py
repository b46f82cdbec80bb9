"""Which reminders an agreement's open deadlines call for, and when (DOMAIN.md §3).

Every deadline that matters to a person is reminded of before it passes; the matters that stay
open after their day (an overdue report, a notice or register entry not yet recorded) are
reminded of after it too; and when a deadline passes and the system acts on it (a decision
overdue, a report escalated, a cure period lapsed) staff get an escalation. The annual report's
days are the zone's terms [policy: 30, 7 and 1 days before; the day after; then weekly until
escalation]; the other days are :class:`ReminderPolicy`, also our policy.

A reminder's id is made from its deadline and stage, so the workflow issues each one once and
the outbox delivers each one once.

Reminders of many agreements fall due at the same instant (09:00 on the days before a common
deadline). Each agreement issues its own a fixed moment later, within the policy's ``spread``
(:func:`spread_offset`): a morning's reminders go out over a minute or two instead of all at
once, and staff acting meanwhile are not queued behind them (bench.load). A reminder is never
issued before its ``send_at``.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from domain.agreement.deadlines import Deadline
from domain.agreement.events import (
    AgreementEvent,
    AmendmentLapsed,
    AnnualReportEscalated,
    CurePeriodLapsed,
    DecisionOverdue,
)
from domain.agreement.state import AgreementState
from domain.agreement.vocabulary import Audience, DeadlineKind, ReminderStage
from domain.calendar import ALMATY, almaty_date
from domain.rules import ZoneTerms

_PARTICIPANT_KINDS = frozenset(
    {
        DeadlineKind.RESUBMISSION,
        DeadlineKind.SIGNING,
        DeadlineKind.REPORT_CORRECTION,
        DeadlineKind.CURE_PERIOD,
        DeadlineKind.AMENDMENT_SIGNING,
    }
)
# Staff matters that stay open after their day: reminded weekly until recorded.
_STAFF_OPEN_KINDS = frozenset(
    {
        DeadlineKind.AUTHORIZED_BODY_NOTICE,
        DeadlineKind.TAX_AUTHORITY_NOTICE,
        DeadlineKind.REGISTER_ENTRY,
        DeadlineKind.REGISTER_CLOSURE,
    }
)


class ReminderPolicy(BaseModel):
    """The reminder days DOMAIN.md leaves to us [policy], as configuration."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    participant_days_before: tuple[int, ...] = Field(default=(7, 1), max_length=20)
    staff_days_before: tuple[int, ...] = Field(default=(2,), max_length=20)
    agreement_end_days_before: tuple[int, ...] = Field(default=(90, 30), max_length=20)
    staff_overdue_repeat_days: int = Field(default=7, ge=1, le=365)
    staff_overdue_reminders: int = Field(default=12, ge=0, le=100)  # then the inbox keeps it
    send_at: time = time(9, 0)  # Almaty time, the start of a working day
    # How long after ``send_at`` the last agreement's reminders of one instant go out (see the
    # module's docstring); at most an hour, so a reminder stays a morning's mail.
    spread: timedelta = Field(
        default=timedelta(seconds=100), ge=timedelta(0), le=timedelta(hours=1)
    )

    @field_validator("participant_days_before", "staff_days_before", "agreement_end_days_before")
    @classmethod
    def _days_ahead(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(days < 1 for days in value) or len(set(value)) != len(value):
            raise ValueError("reminder days before a due date are distinct and at least 1")
        return tuple(sorted(value, reverse=True))


class Reminder(BaseModel):
    """One reminder to issue at ``send_at``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reminder_id: str
    deadline_kind: DeadlineKind
    related_id: str
    due_on: date
    stage: ReminderStage
    days: int
    audience: Audience
    send_at: AwareDatetime


def _at(day: date, policy: ReminderPolicy) -> datetime:
    return datetime.combine(day, policy.send_at, tzinfo=ALMATY)


def _reminder(
    deadline_kind: DeadlineKind,
    related_id: str,
    due_on: date,
    stage: ReminderStage,
    audience: Audience,
    send_at: datetime,
) -> Reminder:
    days = abs((due_on - almaty_date(send_at)).days)
    return Reminder(
        reminder_id=f"{deadline_kind.value}:{related_id}:{due_on.isoformat()}:{stage.value}-{days}",
        deadline_kind=deadline_kind,
        related_id=related_id,
        due_on=due_on,
        stage=stage,
        days=days,
        audience=audience,
        send_at=send_at,
    )


def _before(
    deadline: Deadline, days: tuple[int, ...], audience: Audience, policy: ReminderPolicy
) -> list[Reminder]:
    return [
        _reminder(
            deadline.kind,
            deadline.related_id,
            deadline.due_date,
            ReminderStage.BEFORE,
            audience,
            _at(deadline.due_date - timedelta(days=before), policy),
        )
        for before in days
    ]


def _report_overdue(
    deadline: Deadline, state: AgreementState, terms: ZoneTerms, policy: ReminderPolicy
) -> list[Reminder]:
    """An overdue report: the day after the day it missed, then weekly until escalation."""
    report = state.reports.get(int(deadline.related_id))
    if report is None or report.overdue_since is None:
        return []
    missed = report.overdue_since
    found = []
    day = missed + timedelta(days=terms.report_reminder_days_after)
    while day < deadline.due_date:  # bounded: the escalation day is a fixed term away
        found.append(
            _reminder(
                DeadlineKind.ANNUAL_REPORT,
                deadline.related_id,
                missed,
                ReminderStage.OVERDUE,
                Audience.PARTICIPANT,
                _at(day, policy),
            )
        )
        day += timedelta(days=terms.report_reminder_repeat_days)
    return found


def _staff_overdue(deadline: Deadline, policy: ReminderPolicy) -> list[Reminder]:
    return [
        _reminder(
            deadline.kind,
            deadline.related_id,
            deadline.due_date,
            ReminderStage.OVERDUE,
            Audience.STAFF,
            _at(
                deadline.due_date + timedelta(days=1 + n * policy.staff_overdue_repeat_days), policy
            ),
        )
        for n in range(policy.staff_overdue_reminders)
    ]


def spread_offset(agreement_id: str, spread: timedelta) -> timedelta:
    """How long after a reminder's ``send_at`` agreement ``agreement_id`` issues it: the same
    for every reminder of the agreement, in ``[0, spread)`` to the microsecond, and spread
    evenly over the agreements (a hash of the id: the same in every process and replay)."""
    microseconds = spread // timedelta(microseconds=1)
    if microseconds <= 0:
        return timedelta(0)
    digest = hashlib.blake2b(agreement_id.encode(), digest_size=8).digest()
    return timedelta(microseconds=int.from_bytes(digest, "big") % microseconds)


def planned_reminders(
    state: AgreementState, terms: ZoneTerms, policy: ReminderPolicy
) -> tuple[Reminder, ...]:
    """Every reminder the open deadlines of ``state`` call for, earliest first.

    Past ones are included: the workflow issues a reminder once its time comes, if it was not
    issued before (its id is in ``state.ids``) and its deadline was open by then.
    """
    found: list[Reminder] = []
    for deadline in state.deadlines:
        kind = deadline.kind
        if kind is DeadlineKind.ANNUAL_REPORT:
            found += _before(
                deadline, terms.report_reminder_days_before, Audience.PARTICIPANT, policy
            )
        elif kind is DeadlineKind.REPORT_ESCALATION:
            found += _report_overdue(deadline, state, terms, policy)
        elif kind in _PARTICIPANT_KINDS:
            found += _before(deadline, policy.participant_days_before, Audience.PARTICIPANT, policy)
        elif kind is DeadlineKind.AGREEMENT_END:
            found += _before(
                deadline, policy.agreement_end_days_before, Audience.PARTICIPANT, policy
            )
        elif kind is DeadlineKind.DECISION:
            found += _before(deadline, policy.staff_days_before, Audience.STAFF, policy)
        elif kind in _STAFF_OPEN_KINDS:
            found += _before(deadline, policy.staff_days_before, Audience.STAFF, policy)
            found += _staff_overdue(deadline, policy)
    return tuple(sorted(found, key=lambda r: (r.send_at, r.reminder_id)))


def escalation_for(event: AgreementEvent, before: AgreementState) -> Reminder | None:
    """The staff escalation a system event calls for: a deadline passed and pit acted on it.

    ``before`` is the state the event was decided in (it still has the deadline's day).
    """
    kind: DeadlineKind
    related_id = before.agreement_id or ""
    if isinstance(event, DecisionOverdue) and before.decision_due is not None:
        kind, due_on = DeadlineKind.DECISION, before.decision_due.on
    elif isinstance(event, AnnualReportEscalated):
        report = before.reports.get(event.year)
        if report is None or report.escalation_due is None:
            return None
        kind, related_id, due_on = (
            DeadlineKind.REPORT_ESCALATION,
            str(event.year),
            report.escalation_due.on,
        )
    elif isinstance(event, CurePeriodLapsed) and before.breach is not None:
        kind, related_id, due_on = (
            DeadlineKind.CURE_PERIOD,
            before.breach.notice_id,
            before.breach.cure_due.on,
        )
    elif isinstance(event, AmendmentLapsed):
        amendment = before.amendments.get(event.amendment_id)
        if amendment is None or amendment.signing_due is None:
            return None
        kind, related_id, due_on = (
            DeadlineKind.AMENDMENT_SIGNING,
            event.amendment_id,
            amendment.signing_due.on,
        )
    else:
        return None
    return _reminder(
        kind, related_id, due_on, ReminderStage.ESCALATION, Audience.STAFF, event.occurred_at
    )


ESCALATION_EVENTS = {
    DeadlineKind.DECISION: "DecisionOverdue",
    DeadlineKind.REPORT_ESCALATION: "AnnualReportEscalated",
    DeadlineKind.CURE_PERIOD: "CurePeriodLapsed",
    DeadlineKind.AMENDMENT_SIGNING: "AmendmentLapsed",
}
"""The event behind each kind of escalation, as the staff_escalation template names it."""
