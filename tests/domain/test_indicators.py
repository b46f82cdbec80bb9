"""The zone's target indicators and critical levels [Decree 1166 annex, Decree No. 457]."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.errors import InvalidInput
from domain.indicators import Indicator, IndicatorLevel, assess, seed_indicator_levels


def _levels() -> dict[tuple[Indicator, int], tuple[Decimal, Decimal | None]]:
    return {(lv.indicator, lv.year): (lv.target, lv.critical) for lv in seed_indicator_levels()}


def test_the_seed_keeps_the_jobs_row_of_the_annex() -> None:
    levels = _levels()

    assert levels[(Indicator.JOBS, 2012)] == (Decimal(1511), None)
    assert levels[(Indicator.JOBS, 2015)] == (Decimal(2718), Decimal(2119))
    assert levels[(Indicator.JOBS, 2020)] == (Decimal(5826), Decimal(3640))
    assert (Indicator.JOBS, 2028) not in levels


def test_the_seed_keeps_the_kazakhstani_content_row_in_basis_points() -> None:
    levels = _levels()

    assert levels[(Indicator.KZ_CONTENT_BP, 2012)] == (Decimal(5000), None)
    for year in (2015, 2020, 2028):
        assert levels[(Indicator.KZ_CONTENT_BP, year)] == (Decimal(5000), Decimal(4000))


def test_every_other_indicator_is_blank_until_configured() -> None:
    seeded = {lv.indicator for lv in seed_indicator_levels()}

    assert seeded == {Indicator.JOBS, Indicator.KZ_CONTENT_BP}
    assert len(Indicator) == 8


JOBS_2015 = IndicatorLevel(
    indicator=Indicator.JOBS, year=2015, target=Decimal(2718), critical=Decimal(2119)
)


@pytest.mark.parametrize(
    ("actual", "assessment"),
    [
        (3000, "at_or_above_target"),
        (2718, "at_or_above_target"),
        (2717, "between"),
        (2119, "between"),
        (2118, "below_critical"),
        (0, "below_critical"),
    ],
)
def test_an_actual_figure_is_assessed_against_target_and_critical_level(
    actual: int, assessment: str
) -> None:
    assert assess(JOBS_2015, actual) == assessment


def test_without_a_critical_level_a_shortfall_is_between() -> None:
    base = IndicatorLevel(indicator=Indicator.JOBS, year=2012, target=Decimal(1511))

    assert assess(base, 1000) == "between"
    assert assess(base, 1511) == "at_or_above_target"


def test_investment_is_assessed_in_billions_of_tenge_as_decimals() -> None:
    level = IndicatorLevel(
        indicator=Indicator.INVESTMENT_TOTAL,
        year=2020,
        target=Decimal("12.5"),
        critical=Decimal("8.25"),
    )

    assert assess(level, Decimal("8.249")) == "below_critical"
    assert assess(level, Decimal("12.500")) == "at_or_above_target"


def test_a_non_finite_actual_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        assess(JOBS_2015, Decimal("NaN"))


def test_a_critical_level_above_the_target_is_refused() -> None:
    with pytest.raises(ValidationError, match="critical level may not be above"):
        IndicatorLevel(
            indicator=Indicator.JOBS, year=2015, target=Decimal(10), critical=Decimal(11)
        )


def test_counts_and_shares_are_whole_numbers_and_shares_at_most_100_percent() -> None:
    with pytest.raises(ValidationError, match="whole number"):
        IndicatorLevel(indicator=Indicator.JOBS, year=2015, target=Decimal("10.5"))
    with pytest.raises(ValidationError, match="at most 10000"):
        IndicatorLevel(indicator=Indicator.KZ_CONTENT_BP, year=2015, target=Decimal(10001))


@given(
    st.integers(0, 10_000),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
)
def test_assessment_is_monotonic_in_the_actual_figure(a: int, b: int, critical: int) -> None:
    target = max(critical, 5000)
    level = IndicatorLevel(
        indicator=Indicator.JOBS, year=2020, target=Decimal(target), critical=Decimal(critical)
    )
    rank = {"below_critical": 0, "between": 1, "at_or_above_target": 2}

    low, high = sorted((a, b))

    assert rank[assess(level, low)] <= rank[assess(level, high)]
