"""Commands of the annual reports (DOMAIN.md §3.6)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from domain.agreement.commands.base import Command
from domain.agreement.values import Reference, Texts
from domain.application import YearObligations
from domain.values import MoneyKZT


class SubmitAnnualReport(Command):
    """The participant submits its annual report on a year that is over."""

    type: Literal["SubmitAnnualReport"] = "SubmitAnnualReport"
    report_id: Reference
    year: int = Field(ge=2003, le=2100)
    actuals: YearObligations
    imported_goods_consumed_kzt: MoneyKZT


class ResubmitAnnualReport(Command):
    """The participant resubmits a returned report, corrected."""

    type: Literal["ResubmitAnnualReport"] = "ResubmitAnnualReport"
    report_id: Reference
    actuals: YearObligations
    imported_goods_consumed_kzt: MoneyKZT


class AcceptAnnualReport(Command):
    """A reviewer accepts a submitted report; it is assessed against the obligations at once."""

    type: Literal["AcceptAnnualReport"] = "AcceptAnnualReport"
    report_id: Reference


class ReturnAnnualReport(Command):
    """A reviewer returns a submitted report for correction."""

    type: Literal["ReturnAnnualReport"] = "ReturnAnnualReport"
    report_id: Reference
    reasons: Texts


class MarkAnnualReportOverdue(Command):
    """The system records that a year's report (or its correction) is overdue (the timer)."""

    type: Literal["MarkAnnualReportOverdue"] = "MarkAnnualReportOverdue"
    year: int = Field(ge=2003, le=2100)


class EscalateOverdueReport(Command):
    """The system escalates a report overdue past the escalation term to staff (the timer)."""

    type: Literal["EscalateOverdueReport"] = "EscalateOverdueReport"
    year: int = Field(ge=2003, le=2100)
