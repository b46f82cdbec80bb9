"""The zone's annual report to the authorized body [Decree 1166 Reg. §9.4]: when it is due, and
when staff are reminded of it.

The management company reports on the zone's results of each year, from the participants'
annual reports [Reg. §9.4]. The Regulation gives no date, so the date is our policy: by default
30 April of the following year, a month after the participants' own reports are due (31 March),
with staff reminders 14 and 2 days before it and an escalation the day after it passes.

Pure: the schedule is computed from the policy, the years and what was already sent.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.legal_basis import REG_9_4, policy

ReminderKind = Literal["before", "overdue"]

REPORT_BASIS = (REG_9_4,)
POLICY_BASIS = (REG_9_4, policy("zone_report_due"))
REMINDER_BASIS = (REG_9_4, policy("zone_report_reminders"))


class ZoneReportPolicy(BaseModel):
    """When the zone's report on a year is due and when staff hear of it [pit policy]."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    due_month: int = Field(default=4, ge=1, le=12)
    due_day: int = Field(default=30, ge=1, le=31)
    reminder_days_before: tuple[int, ...] = Field(default=(14, 2), max_length=20)
    escalation_days_after: int = Field(default=1, ge=1, le=365)
    send_at: time = Field(default=time(9), description="Almaty time of day reminders go out")

    @field_validator("reminder_days_before")
    @classmethod
    def _reminders_descending(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(days < 1 for days in value):
            raise ValueError("reminders before a due date are at least 1 day before it")
        if len(set(value)) != len(value):
            raise ValueError("each reminder day may appear only once")
        return tuple(sorted(value, reverse=True))

    @model_validator(mode="after")
    def _due_date_exists(self) -> ZoneReportPolicy:
        try:
            # 2001 is not a leap year: a due date of 29 February would not exist every year.
            date(2001, self.due_month, self.due_day)
        except ValueError as error:
            raise ValueError(f"the report's due date does not exist every year: {error}") from error
        if self.send_at.tzinfo is not None:
            raise ValueError("send_at is a time of day in Almaty, without a zone of its own")
        return self

    def due_on(self, year: int) -> date:
        """The day the zone's report on ``year`` is due, in the following year."""
        return date(year + 1, self.due_month, self.due_day)


class ZoneReportReminder(BaseModel):
    """One reminder to staff of the zone's report on ``year``, sent on ``send_on``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reminder_id: str = Field(pattern=r"^zone-report-\d{4}-(before|overdue)-\d{4}-\d{2}-\d{2}$")
    year: int
    kind: ReminderKind
    due_on: date
    send_on: date

    @property
    def days(self) -> int:
        """Days before the due date (``before``) or past it (``overdue``)."""
        return abs((self.due_on - self.send_on).days)


def reminder_id(year: int, kind: ReminderKind, send_on: date) -> str:
    """The deterministic id of a reminder: the same whenever it is computed."""
    return f"zone-report-{year}-{kind}-{send_on.isoformat()}"


def reminders_of(report_policy: ZoneReportPolicy, year: int) -> tuple[ZoneReportReminder, ...]:
    """Every reminder of the report on ``year``, in the order they are sent."""
    due = report_policy.due_on(year)
    days: list[tuple[ReminderKind, date]] = [
        ("before", due - timedelta(days=before)) for before in report_policy.reminder_days_before
    ]
    days.append(("overdue", due + timedelta(days=report_policy.escalation_days_after)))
    return tuple(
        ZoneReportReminder(
            reminder_id=reminder_id(year, kind, send_on),
            year=year,
            kind=kind,
            due_on=due,
            send_on=send_on,
        )
        for kind, send_on in days
    )


def first_reported_year(report_policy: ZoneReportPolicy, established_on: date) -> int:
    """The first year whose report the zone's stream follows: the first one due on or after
    the day the stream began (reports due before it were made outside pit)."""
    year = established_on.year - 1
    return year if report_policy.due_on(year) >= established_on else year + 1


def last_reported_year(zone_end: date) -> int:
    """The last year the zone existed in, before its end (1 January 2028: 2027)."""
    return (zone_end - timedelta(days=1)).year


def next_reminder(
    report_policy: ZoneReportPolicy,
    *,
    years: range,
    reported: frozenset[int],
    sent: frozenset[str],
    not_before: date,
    today: date,
) -> ZoneReportReminder | None:
    """The next reminder to send: the earliest not yet sent, of a report not yet recorded.

    A reminder whose day came before ``not_before`` (before the stream began) is never sent.
    Of the reminders of one report whose days have all come (the workflow was down), only the
    latest is sent: the earlier ones would only repeat it late.
    """
    due: list[ZoneReportReminder] = []
    for year in years:
        if year in reported:
            continue
        pending = [
            r
            for r in reminders_of(report_policy, year)
            if r.send_on >= not_before and r.reminder_id not in sent
        ]
        come = [r for r in pending if r.send_on <= today]
        latest_come = come[-1].send_on if come else None
        due.extend(r for r in pending if latest_come is None or r.send_on >= latest_come)
    return min(due, key=lambda r: (r.send_on, r.year), default=None)
