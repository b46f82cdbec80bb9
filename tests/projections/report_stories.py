"""Agreements whose annual reports go through review, decided by the real decider: concluded and
registered, then the report on a year submitted, perhaps returned and resubmitted corrected,
and accepted (or not yet).

Shared by the tests of the accepted-reports read model, the zone's dashboard in the JSON API and
in the console: the figures they check come from the actuals given here, never from constants
of their own.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain.agreement.commands import (
    AcceptAnnualReport,
    ResubmitAnnualReport,
    ReturnAnnualReport,
    SubmitAnnualReport,
)
from domain.application import YearObligations
from tests.domain.agreement.agreement_scenarios import REVIEWER, at, obligations
from tests.integration.lifecycle import DecidedStory
from tests.projections.support import applicant, application

YEAR = 2025
"""The reported year: the agreements are concluded in March of it, from 1 April."""

ZONE_END = date(2028, 1, 1)


def submitted_on(year: int) -> date:
    return date(year, 3, 17)


def report_id(year: int) -> str:
    return f"report-{year}"


def concluded(agreement_id: str, *, bin_: str, year: int = YEAR, **changes: Any) -> DecidedStory:
    """An agreement from 1 April ``year`` to the zone's end, concluded and registered."""
    years = range(year, ZONE_END.year)
    return application(
        agreement_id,
        "registered",
        submitted_on=submitted_on(year),
        number=f"PIT-{agreement_id}",
        bin=bin_,
        requested_start=date(year, 4, 1),
        requested_end=ZONE_END,
        planned_obligations=tuple(obligations(y) for y in years),
        **changes,
    )


def submit(
    story: DecidedStory,
    actuals: YearObligations,
    *,
    goods: Decimal = Decimal("1200000.00"),
    on: date | None = None,
) -> None:
    """The participant submits its report on ``actuals.year`` (in February of the next year)."""
    year = actuals.year
    company = applicant(story.state.bin or "")
    story.when(
        SubmitAnnualReport(
            report_id=report_id(year), year=year, actuals=actuals, imported_goods_consumed_kzt=goods
        ),
        by=company,
        on=at(on or date(year + 1, 2, 16)),
    )


def return_report(story: DecidedStory, year: int, *, on: date | None = None) -> None:
    """A reviewer returns the report for correction."""
    story.when(
        ReturnAnnualReport(report_id=report_id(year), reasons=("the jobs do not add up",)),
        by=REVIEWER,
        on=at(on or date(year + 1, 2, 20)),
    )


def resubmit(
    story: DecidedStory,
    actuals: YearObligations,
    *,
    goods: Decimal = Decimal("1300000.00"),
    on: date | None = None,
) -> None:
    """The participant resubmits the returned report, corrected."""
    year = actuals.year
    story.when(
        ResubmitAnnualReport(
            report_id=report_id(year), actuals=actuals, imported_goods_consumed_kzt=goods
        ),
        by=applicant(story.state.bin or ""),
        on=at(on or date(year + 1, 2, 25)),
    )


def accept(story: DecidedStory, year: int, *, on: date | None = None) -> None:
    """A reviewer accepts the report (assessed against the obligations at once)."""
    story.when(
        AcceptAnnualReport(report_id=report_id(year)),
        by=REVIEWER,
        on=at(on or accepted_on(year)),
    )


def accepted_on(year: int) -> date:
    """The day :func:`accept` accepts the report on ``year`` unless told otherwise."""
    return date(year + 1, 3, 2)


def reported(
    agreement_id: str, *, bin_: str, actuals: YearObligations, **changes: Any
) -> DecidedStory:
    """An agreement whose report on ``actuals.year`` was submitted and accepted."""
    story = concluded(agreement_id, bin_=bin_, year=actuals.year, **changes)
    submit(story, actuals)
    accept(story, actuals.year)
    return story


def actuals(year: int = YEAR, **changes: Any) -> YearObligations:
    """A year's actuals (the builders' obligations, changed)."""
    return obligations(year, **changes)
