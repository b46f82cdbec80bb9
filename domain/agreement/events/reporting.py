"""Events of the annual reports (DOMAIN.md §3.6)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from domain.agreement.values import Due, Reference, Text
from domain.application import YearObligations
from domain.event import DomainEvent
from domain.values import MoneyKZT


class AnnualReportSubmitted(DomainEvent):
    """The participant submitted its annual report on ``year``: the actuals of every obligation
    and the value of free customs zone goods consumed."""

    type: Literal["AnnualReportSubmitted"] = "AnnualReportSubmitted"
    schema_version: Literal[1] = 1
    report_id: Reference
    year: int
    actuals: YearObligations
    imported_goods_consumed_kzt: MoneyKZT
    late: bool = False


class AnnualReportResubmitted(DomainEvent):
    """The participant resubmitted a returned report, corrected."""

    type: Literal["AnnualReportResubmitted"] = "AnnualReportResubmitted"
    schema_version: Literal[1] = 1
    report_id: Reference
    year: int
    actuals: YearObligations
    imported_goods_consumed_kzt: MoneyKZT
    late: bool = False


class AnnualReportAccepted(DomainEvent):
    """Staff accepted the report; it counts toward the zone's report [Decree 1166 Reg. §9.4]."""

    type: Literal["AnnualReportAccepted"] = "AnnualReportAccepted"
    schema_version: Literal[1] = 1
    report_id: Reference
    year: int


class AnnualReportReturned(DomainEvent):
    """Staff returned the report for correction by ``correction_due``."""

    type: Literal["AnnualReportReturned"] = "AnnualReportReturned"
    schema_version: Literal[1] = 1
    report_id: Reference
    year: int
    reasons: tuple[Text, ...] = Field(min_length=1)
    correction_due: Due


class AnnualReportOverdue(DomainEvent):
    """The report on ``year`` was not in (or not back, corrected) by ``missed_due``.

    Staff are escalated to if it is still missing on ``escalation_due``.
    """

    type: Literal["AnnualReportOverdue"] = "AnnualReportOverdue"
    schema_version: Literal[1] = 1
    year: int
    missed_due: date
    escalation_due: Due


class AnnualReportEscalated(DomainEvent):
    """The report on ``year`` is overdue past the escalation term: staff may issue a breach
    notice."""

    type: Literal["AnnualReportEscalated"] = "AnnualReportEscalated"
    schema_version: Literal[1] = 1
    year: int
    days_overdue: int = Field(ge=0)
