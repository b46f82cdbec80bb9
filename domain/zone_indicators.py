"""The zone's actual indicators, aggregated from accepted annual reports and set against the
annex's levels [Decree 1166 Reg. §9.4, annex of Decree No. 457].

The management company reports on the zone's results from the participants' annual reports
[Reg. §9.4]; only accepted reports count (a report submitted, returned or resubmitted is not a
figure yet). For each year the figures are:

- investment (foreign, domestic, and their total), production and jobs: the sums over the
  year's accepted reports;
- participants: the distinct BINs with an accepted report on the year;
- Kazakhstani content: the annex's indicator is "the share of Kazakhstani content in the total
  volume of production in the territory of the zone", so it is weighted by production:
  ``sum(share_i * production_i) / sum(production_i)``. A simple average of the shares would let
  a participant that produced little weigh as much as one that produced most of the zone's
  output. With no production at all the share is undefined (None).

The annex states investment and production in billions of KZT and the reports in KZT: the
comparison converts exactly (``Decimal.scaleb``), never through floats. A year is set against
the level configured for that very year (the annex's milestones and any the zone has set);
a year without one is not assessed.

Pure: no clock, no I/O.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.indicators import UNITS, Assessment, Indicator, IndicatorLevel, assess
from domain.values import BasisPoints, Count, MoneyKZT

BILLION_EXPONENT = 9
"""The annex counts investment and production in billions of tenge: 10**9 KZT."""

SHARE_QUANTUM = Decimal("0.01")
"""The Kazakhstani content share is kept to a hundredth of a basis point."""

NOT_IN_ANNUAL_REPORTS: frozenset[Indicator] = frozenset({Indicator.ICT_LABS_AND_DEPARTMENTS})
"""Indicators no annual report carries (``YearObligations`` has no such figure): the zone's
report says they are not reported rather than show a figure of its own making."""

Standing = Literal[
    "at_or_above_target",
    "between",
    "below_critical",
    "no_level",
    "no_accepted_report",
    "no_figure",
    "not_reported",
]
"""How a line of the zone's report stands: an :data:`~domain.indicators.Assessment` against the
year's level, or why there is none: ``no_level`` (a figure, but no level set for the year),
``no_accepted_report`` (no report on the year accepted), ``no_figure`` (reports accepted, but
the figure is undefined: a share of no production), ``not_reported`` (the annual reports do
not carry the indicator)."""


class ReportedActuals(BaseModel):
    """What one accepted annual report tells the zone: the year's actuals of one agreement."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bin: str = Field(pattern=r"^\d{12}$")
    year: int = Field(ge=2003, le=2100)
    investment_foreign_kzt: MoneyKZT
    investment_domestic_kzt: MoneyKZT
    production_volume_kzt: MoneyKZT
    jobs: Count
    kz_content_bp: BasisPoints


class ZoneActuals(BaseModel):
    """The zone's figures of one year, from the accepted reports on it.

    Attributes:
        year: the reporting year.
        reports: how many accepted reports the figures add up.
        participants: distinct BINs among them.
        investment_foreign_kzt, investment_domestic_kzt, investment_total_kzt: sums, KZT.
        production_kzt: the sum of production volumes, KZT.
        jobs: the sum of jobs.
        kz_content_bp: the production-weighted share, basis points to a hundredth (None when the
            year's production is nil).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int
    reports: int = Field(ge=1)
    participants: int = Field(ge=1)
    investment_foreign_kzt: Decimal
    investment_domestic_kzt: Decimal
    investment_total_kzt: Decimal
    production_kzt: Decimal
    jobs: int
    kz_content_bp: Decimal | None


class IndicatorStanding(BaseModel):
    """One indicator in one year: the actual figure in the annex's unit, the level set for the
    year, and how the figure stands against it.

    ``assessment`` is None where there is nothing to compare: no level for the year, or no
    figure (no accepted report, or an indicator the reports do not carry).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    indicator: Indicator
    year: int
    unit: str
    actual: Decimal | None
    target: Decimal | None
    critical: Decimal | None
    assessment: Assessment | None


def _weighted_share(weighted: Decimal, production: Decimal) -> Decimal | None:
    if production == 0:
        return None
    return (weighted / production).quantize(SHARE_QUANTUM, rounding=ROUND_HALF_EVEN)


def zone_actuals(reports: Iterable[ReportedActuals]) -> tuple[ZoneActuals, ...]:
    """The zone's figures per year from accepted reports, earliest year first (a year without
    an accepted report is absent)."""
    by_year: dict[int, list[ReportedActuals]] = defaultdict(list)
    for report in reports:
        by_year[report.year].append(report)
    result = []
    for year in sorted(by_year):
        year_reports = by_year[year]
        foreign = sum((r.investment_foreign_kzt for r in year_reports), Decimal(0))
        domestic = sum((r.investment_domestic_kzt for r in year_reports), Decimal(0))
        production = sum((r.production_volume_kzt for r in year_reports), Decimal(0))
        weighted = sum(
            (r.production_volume_kzt * r.kz_content_bp for r in year_reports), Decimal(0)
        )
        result.append(
            ZoneActuals(
                year=year,
                reports=len(year_reports),
                participants=len({r.bin for r in year_reports}),
                investment_foreign_kzt=foreign,
                investment_domestic_kzt=domestic,
                investment_total_kzt=foreign + domestic,
                production_kzt=production,
                jobs=sum(r.jobs for r in year_reports),
                kz_content_bp=_weighted_share(weighted, production),
            )
        )
    return tuple(result)


def _billions(kzt: Decimal) -> Decimal:
    return kzt.scaleb(-BILLION_EXPONENT)


def in_annex_units(actuals: ZoneActuals) -> Mapping[Indicator, Decimal | None]:
    """A year's figures in the annex's units (billions of KZT, counts, basis points); None for
    what the annual reports do not carry (ICT labs and departments)."""
    return {
        Indicator.INVESTMENT_TOTAL: _billions(actuals.investment_total_kzt),
        Indicator.INVESTMENT_FOREIGN: _billions(actuals.investment_foreign_kzt),
        Indicator.INVESTMENT_DOMESTIC: _billions(actuals.investment_domestic_kzt),
        Indicator.PRODUCTION: _billions(actuals.production_kzt),
        Indicator.PARTICIPANTS: Decimal(actuals.participants),
        Indicator.JOBS: Decimal(actuals.jobs),
        Indicator.KZ_CONTENT_BP: actuals.kz_content_bp,
        Indicator.ICT_LABS_AND_DEPARTMENTS: None,
    }


def standings(
    levels: Iterable[IndicatorLevel], actuals: Iterable[ZoneActuals]
) -> tuple[IndicatorStanding, ...]:
    """Every indicator against its level, year by year.

    A row for each (indicator, year) that has a level or a figure, in the order of
    :class:`Indicator` and then by year. A figure is assessed only against the level set for
    its own year (:func:`domain.indicators.assess`: at or above the target, between, or below
    the critical level).
    """
    level_of = {(lv.indicator, lv.year): lv for lv in levels}
    figure_of: dict[tuple[Indicator, int], Decimal] = {}
    for year_actuals in actuals:
        for indicator, value in in_annex_units(year_actuals).items():
            if value is not None:
                figure_of[(indicator, year_actuals.year)] = value
    rows = []
    for indicator in Indicator:
        years = sorted({y for (i, y) in (*level_of, *figure_of) if i is indicator})
        for year in years:
            level = level_of.get((indicator, year))
            actual = figure_of.get((indicator, year))
            rows.append(
                IndicatorStanding(
                    indicator=indicator,
                    year=year,
                    unit=UNITS[indicator],
                    actual=actual,
                    target=level.target if level else None,
                    critical=level.critical if level else None,
                    assessment=assess(level, actual)
                    if level is not None and actual is not None
                    else None,
                )
            )
    return tuple(rows)


class ReportLine(BaseModel):
    """One indicator in one year of the zone's report [Reg. §9.4]: the actual figure and the
    levels in the annex's units (billions of KZT, counts, basis points), and how it stands."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    indicator: Indicator
    year: int
    unit: str
    actual: Decimal | None
    target: Decimal | None
    critical: Decimal | None
    standing: Standing


def report_lines(
    levels: Iterable[IndicatorLevel], actuals: Iterable[ZoneActuals]
) -> tuple[ReportLine, ...]:
    """Every indicator in every year the zone's report covers, in the order of
    :class:`Indicator` and then by year.

    The years are those with an accepted report and those with a level; each indicator has a
    line in each of them, so that a gap says why it is one (:data:`Standing`). The figures and
    their assessment are :func:`standings`'; an indicator of :data:`NOT_IN_ANNUAL_REPORTS` is
    ``not_reported`` whatever levels it has.
    """
    year_actuals = tuple(actuals)
    reported_years = {a.year for a in year_actuals}
    standing_of = {(s.indicator, s.year): s for s in standings(levels, year_actuals)}
    years = sorted(reported_years | {year for (_, year) in standing_of})
    lines = []
    for indicator in Indicator:
        for year in years:
            row = standing_of.get((indicator, year))
            actual = row.actual if row is not None else None
            standing: Standing
            if indicator in NOT_IN_ANNUAL_REPORTS:
                actual, standing = None, "not_reported"
            elif year not in reported_years:
                standing = "no_accepted_report"
            elif actual is None:
                standing = "no_figure"
            elif row is None or row.assessment is None:
                standing = "no_level"
            else:
                standing = row.assessment
            lines.append(
                ReportLine(
                    indicator=indicator,
                    year=year,
                    unit=UNITS[indicator],
                    actual=actual,
                    target=row.target if row is not None else None,
                    critical=row.critical if row is not None else None,
                    standing=standing,
                )
            )
    return tuple(lines)
