"""The zone's actual indicators from accepted annual reports, set against the annex's levels
[Decree 1166 Reg. §9.4, annex of Decree No. 457]."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from domain.indicators import Indicator, IndicatorLevel, seed_indicator_levels
from domain.zone_indicators import (
    ReportedActuals,
    ZoneActuals,
    in_annex_units,
    standings,
    zone_actuals,
)

BIN, OTHER_BIN = "940140000385", "990140004654"


def report(year: int = 2026, bin_: str = BIN, **changes: Any) -> ReportedActuals:
    fields: dict[str, Any] = {
        "bin": bin_,
        "year": year,
        "investment_foreign_kzt": Decimal("50000000.00"),
        "investment_domestic_kzt": Decimal("150000000.00"),
        "production_volume_kzt": Decimal("300000000.00"),
        "jobs": 25,
        "kz_content_bp": 6000,
    }
    fields.update(changes)
    return ReportedActuals(**fields)


def level(
    indicator: Indicator, year: int, target: int | str, critical: int | str | None = None
) -> IndicatorLevel:
    return IndicatorLevel(
        indicator=indicator,
        year=year,
        target=Decimal(target),
        critical=None if critical is None else Decimal(critical),
    )


def standing_of(rows: Any, indicator: Indicator, year: int) -> Any:
    (row,) = [r for r in rows if r.indicator is indicator and r.year == year]
    return row


def test_a_years_investment_production_and_jobs_are_the_sums_of_its_accepted_reports() -> None:
    (year,) = zone_actuals(
        [
            report(),
            report(
                bin_=OTHER_BIN,
                investment_foreign_kzt=Decimal("0.50"),
                investment_domestic_kzt=Decimal("1000000.25"),
                production_volume_kzt=Decimal("700000000.00"),
                jobs=40,
            ),
        ]
    )

    assert year.year == 2026
    assert (year.reports, year.participants) == (2, 2)
    assert year.investment_foreign_kzt == Decimal("50000000.50")
    assert year.investment_domestic_kzt == Decimal("151000000.25")
    assert year.investment_total_kzt == Decimal("201000000.75")
    assert year.production_kzt == Decimal("1000000000.00")
    assert year.jobs == 65


def test_kazakhstani_content_is_the_share_of_the_zones_production_not_an_average_of_shares() -> (
    None
):
    # 90 % of 100 million and 10 % of 900 million: 180 million of 1 billion is 18 %, where a
    # simple average of the shares would say 50 %.
    (year,) = zone_actuals(
        [
            report(production_volume_kzt=Decimal("100000000.00"), kz_content_bp=9000),
            report(
                bin_=OTHER_BIN, production_volume_kzt=Decimal("900000000.00"), kz_content_bp=1000
            ),
        ]
    )

    assert year.kz_content_bp == Decimal("1800.00")


def test_kazakhstani_content_is_kept_to_a_hundredth_of_a_basis_point_rounding_half_even() -> None:
    (year,) = zone_actuals(
        [
            report(production_volume_kzt=Decimal("1.00"), kz_content_bp=1),
            report(bin_=OTHER_BIN, production_volume_kzt=Decimal("2.00"), kz_content_bp=0),
        ]
    )

    assert year.kz_content_bp == Decimal("0.33")


def test_kazakhstani_content_is_undefined_in_a_year_without_production() -> None:
    (year,) = zone_actuals([report(production_volume_kzt=Decimal(0), kz_content_bp=7000)])

    assert year.kz_content_bp is None
    assert in_annex_units(year)[Indicator.KZ_CONTENT_BP] is None


def test_participants_are_counted_once_per_bin_whatever_their_agreements() -> None:
    (year,) = zone_actuals([report(), report(jobs=5), report(bin_=OTHER_BIN)])

    assert (year.reports, year.participants, year.jobs) == (3, 2, 55)


def test_years_come_apart_earliest_first_and_a_year_without_reports_is_absent() -> None:
    years = zone_actuals([report(2027), report(2025, jobs=3), report(2027, bin_=OTHER_BIN)])

    assert [(y.year, y.reports, y.jobs) for y in years] == [(2025, 1, 3), (2027, 2, 50)]
    assert zone_actuals([]) == ()


def test_investment_and_production_are_compared_in_billions_of_tenge_exactly() -> None:
    (year,) = zone_actuals([report(investment_foreign_kzt=Decimal("1234567.89"))])
    units = in_annex_units(year)

    assert units[Indicator.INVESTMENT_FOREIGN] == Decimal("0.00123456789")
    assert units[Indicator.INVESTMENT_TOTAL] == Decimal("0.15123456789")
    assert units[Indicator.PRODUCTION] == Decimal("0.3")
    assert units[Indicator.JOBS] == 25
    assert units[Indicator.ICT_LABS_AND_DEPARTMENTS] is None


def test_each_indicator_is_assessed_against_the_level_set_for_its_own_year() -> None:
    actuals = zone_actuals([report(2026, jobs=30), report(2027, jobs=10)])
    levels = [level(Indicator.JOBS, 2026, 25, 20), level(Indicator.JOBS, 2027, 25, 20)]

    rows = standings(levels, actuals)

    above = standing_of(rows, Indicator.JOBS, 2026)
    below = standing_of(rows, Indicator.JOBS, 2027)
    assert (above.actual, above.target, above.critical) == (30, 25, 20)
    assert above.assessment == "at_or_above_target"
    assert below.assessment == "below_critical"
    assert above.unit == "jobs"


def test_a_figure_between_the_critical_level_and_the_target_is_between() -> None:
    actuals = zone_actuals([report(production_volume_kzt=Decimal("450000000.00"))])
    levels = [level(Indicator.PRODUCTION, 2026, "0.5", "0.4")]

    row = standing_of(standings(levels, actuals), Indicator.PRODUCTION, 2026)

    assert (row.actual, row.assessment) == (Decimal("0.45"), "between")


def test_exactly_the_critical_level_is_not_below_it_and_exactly_the_target_meets_it() -> None:
    actuals = zone_actuals([report(2026, jobs=20), report(2027, jobs=25)])
    levels = [level(Indicator.JOBS, 2026, 25, 20), level(Indicator.JOBS, 2027, 25, 20)]
    rows = standings(levels, actuals)

    assert standing_of(rows, Indicator.JOBS, 2026).assessment == "between"
    assert standing_of(rows, Indicator.JOBS, 2027).assessment == "at_or_above_target"


def test_a_year_without_a_level_shows_its_figure_unassessed() -> None:
    rows = standings(seed_indicator_levels(), zone_actuals([report(2026)]))

    jobs = standing_of(rows, Indicator.JOBS, 2026)
    assert (jobs.actual, jobs.target, jobs.assessment) == (25, None, None)


def test_a_level_without_a_figure_is_listed_unassessed() -> None:
    rows = standings(seed_indicator_levels(), ())

    jobs_2015 = standing_of(rows, Indicator.JOBS, 2015)
    assert (jobs_2015.actual, jobs_2015.target, jobs_2015.critical) == (None, 2718, 2119)
    assert jobs_2015.assessment is None
    assert not [r for r in rows if r.indicator is Indicator.ICT_LABS_AND_DEPARTMENTS]


def test_standings_follow_the_indicators_order_then_the_years() -> None:
    rows = standings(
        [level(Indicator.JOBS, 2020, 10), level(Indicator.PRODUCTION, 2020, 1)],
        zone_actuals([report(2026)]),
    )
    order = list(Indicator)

    keys = [(order.index(r.indicator), r.year) for r in rows]
    assert keys == sorted(keys)
    assert {r.indicator for r in rows} == set(Indicator) - {Indicator.ICT_LABS_AND_DEPARTMENTS}


def test_a_shortfall_with_no_critical_level_set_is_between() -> None:
    actuals = zone_actuals([report(2012, jobs=1000)])

    row = standing_of(standings(seed_indicator_levels(), actuals), Indicator.JOBS, 2012)

    assert (row.target, row.critical, row.assessment) == (1511, None, "between")


money = st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False)


@given(
    st.lists(st.tuples(money, st.integers(min_value=0, max_value=10_000)), min_size=1, max_size=20)
)
def test_the_zones_share_lies_between_the_smallest_and_the_largest_reported_share(
    reported: list[tuple[Decimal, int]],
) -> None:
    reports = [
        report(bin_=BIN, production_volume_kzt=production, kz_content_bp=share)
        for production, share in reported
    ]
    (year,) = zone_actuals(reports)

    producing = [share for production, share in reported if production > 0]
    if not producing:
        assert year.kz_content_bp is None
    else:
        assert year.kz_content_bp is not None
        assert min(producing) <= year.kz_content_bp <= max(producing)


def test_zone_actuals_are_frozen_values() -> None:
    (year,) = zone_actuals([report()])

    assert ZoneActuals.model_validate(year.model_dump()) == year
