"""Almaty time and Kazakhstan's working days (the ``holidays`` package, country KZ)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import (
    ALMATY,
    add_days,
    add_working_days,
    almaty_date,
    end_of_day,
    is_working_day,
    start_of_day,
)
from domain.errors import InvalidInput

# --- Kazakhstan's days off, 2026 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2026, 1, 1), "New Year"),
        (date(2026, 1, 2), "New Year, second day"),
        (date(2026, 1, 7), "Orthodox Christmas"),
        (date(2026, 3, 9), "8 March fell on a Sunday: moved to Monday"),
        (date(2026, 5, 1), "Kazakhstan People's Unity Day"),
        (date(2026, 5, 7), "Defender of the Fatherland Day"),
        (date(2026, 5, 11), "Victory Day fell on a Saturday: moved to Monday"),
        (date(2026, 5, 27), "Kurban Ait, first day (an estimated date in the package)"),
        (date(2026, 7, 6), "Capital Day"),
        (date(2026, 10, 26), "Republic Day fell on a Sunday: moved to Monday"),
        (date(2026, 12, 16), "Independence Day"),
    ],
)
def test_kazakhstan_public_holidays_of_2026_are_not_working_days(day: date, why: str) -> None:
    assert day.weekday() < 5, why
    assert not is_working_day(day), why


@pytest.mark.parametrize("day", [date(2026, 3, 21), date(2026, 3, 22), date(2026, 3, 23)])
def test_nauryz_is_not_a_working_day(day: date) -> None:
    assert not is_working_day(day)


def test_nauryz_days_on_a_weekend_move_to_the_next_working_days() -> None:
    # 21 and 22 March 2026 are Saturday and Sunday: the days off move to Tuesday and Wednesday.
    assert not is_working_day(date(2026, 3, 24))
    assert not is_working_day(date(2026, 3, 25))
    assert is_working_day(date(2026, 3, 26))


def test_independence_day_is_one_day_since_2022() -> None:
    assert not is_working_day(date(2021, 12, 17))
    assert is_working_day(date(2026, 12, 17))


def test_orthodox_christmas_and_kurban_ait_on_a_weekend_are_not_moved() -> None:
    # 7 January 2024 was a Sunday; 16 June 2024 (Kurban Ait) too. Religious holidays do not move.
    assert is_working_day(date(2024, 1, 8))
    assert is_working_day(date(2024, 6, 17))


def test_constitution_day_moves_to_15_march_from_2027() -> None:
    # As the holidays package records the amended Law on holidays: 30 August until 2025,
    # none in 2026, 15 March from 2027.
    assert not is_working_day(date(2025, 9, 1))  # 30 August 2025, a Saturday, moved to Monday
    assert not is_working_day(date(2026, 8, 30))  # a Sunday in any case
    assert is_working_day(date(2026, 8, 31))
    assert not is_working_day(date(2027, 3, 15))
    assert is_working_day(date(2027, 8, 30))


def test_the_governments_transfers_give_a_day_off_and_make_a_weekend_day_working() -> None:
    # 2025: Friday 3 January off, Sunday 5 January worked instead.
    assert not is_working_day(date(2025, 1, 3))
    assert is_working_day(date(2025, 1, 5))
    # 2024: Wednesday 8 May off, Saturday 4 May worked instead.
    assert not is_working_day(date(2024, 5, 8))
    assert is_working_day(date(2024, 5, 4))


def test_a_transfer_across_the_years_end_is_seen_from_both_years() -> None:
    # 3 January 2014 off, worked on Saturday 28 December 2013.
    assert not is_working_day(date(2014, 1, 3))
    assert is_working_day(date(2013, 12, 28))


def test_an_ordinary_weekend_is_not_working_and_an_ordinary_weekday_is() -> None:
    assert not is_working_day(date(2026, 6, 13))
    assert not is_working_day(date(2026, 6, 14))
    assert is_working_day(date(2026, 6, 15))


# --- Counting days --------------------------------------------------------------------------


def test_ten_working_days_skip_the_may_holidays() -> None:
    # From Thursday 30 April 2026: 1 May, 7 May and 11 May (Victory Day moved) are days off.
    assert add_working_days(date(2026, 4, 30), 10) == date(2026, 5, 19)


def test_one_working_day_after_new_years_eve_skips_the_new_year() -> None:
    assert add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 5)


def test_one_working_day_may_land_on_a_worked_sunday() -> None:
    assert add_working_days(date(2025, 1, 2), 1) == date(2025, 1, 5)


def test_zero_working_days_is_the_day_itself_even_on_a_holiday() -> None:
    assert add_working_days(date(2026, 1, 1), 0) == date(2026, 1, 1)


def test_negative_working_days_count_backwards() -> None:
    assert add_working_days(date(2026, 5, 19), -10) == date(2026, 4, 30)


def test_add_days_counts_calendar_or_working_days_as_configured() -> None:
    assert add_days(date(2026, 3, 20), 10, "calendar") == date(2026, 3, 30)
    assert add_days(date(2026, 3, 20), 10, "working") == date(2026, 4, 8)


days = st.dates(min_value=date(2003, 1, 1), max_value=date(2035, 12, 31))


@given(days, st.integers(1, 60))
def test_add_working_days_always_lands_on_a_working_day(start: date, n: int) -> None:
    assert is_working_day(add_working_days(start, n))
    assert is_working_day(add_working_days(start, -n))


@given(days, st.integers(0, 60))
def test_add_working_days_is_strictly_monotonic(start: date, n: int) -> None:
    assert add_working_days(start, n) < add_working_days(start, n + 1)
    assert add_working_days(start, n) <= add_working_days(start + timedelta(days=1), n)


@given(days, st.integers(1, 60))
def test_counting_back_undoes_counting_forward_from_a_working_day(start: date, n: int) -> None:
    working = add_working_days(start, 1)

    assert add_working_days(add_working_days(working, n), -n) == working


@given(days, st.integers(1, 60))
def test_n_working_days_take_at_least_n_calendar_days(start: date, n: int) -> None:
    assert (add_working_days(start, n) - start).days >= n


# --- Almaty time ----------------------------------------------------------------------------


def test_almaty_is_utc_plus_5_since_1_march_2024() -> None:
    assert end_of_day(date(2026, 1, 15)) == datetime(2026, 1, 15, 19, 0, tzinfo=UTC)
    assert start_of_day(date(2026, 1, 15)) == datetime(2026, 1, 14, 19, 0, tzinfo=UTC)


def test_almaty_was_utc_plus_6_before_march_2024() -> None:
    assert end_of_day(date(2023, 6, 15)) == datetime(2023, 6, 15, 18, 0, tzinfo=UTC)
    assert start_of_day(date(2023, 6, 15)) == datetime(2023, 6, 14, 18, 0, tzinfo=UTC)


def test_29_february_2024_lasted_25_hours_in_almaty() -> None:
    day = date(2024, 2, 29)

    assert start_of_day(day) == datetime(2024, 2, 28, 18, 0, tzinfo=UTC)
    assert end_of_day(day) == datetime(2024, 2, 29, 19, 0, tzinfo=UTC)
    assert end_of_day(day) - start_of_day(day) == timedelta(hours=25)
    assert start_of_day(date(2024, 3, 1)) == end_of_day(day)


def test_the_day_of_an_instant_is_its_day_in_almaty() -> None:
    assert almaty_date(datetime(2026, 12, 31, 19, 30, tzinfo=UTC)) == date(2027, 1, 1)
    assert almaty_date(datetime(2026, 12, 31, 18, 59, tzinfo=UTC)) == date(2026, 12, 31)
    assert almaty_date(datetime(2023, 12, 31, 18, 30, tzinfo=UTC)) == date(2024, 1, 1)
    assert almaty_date(datetime(2026, 1, 1, 3, tzinfo=timezone(timedelta(hours=-5)))) == date(
        2026, 1, 1
    )


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        almaty_date(datetime(2026, 1, 1, 12, 0))

    assert caught.value.field == "instant"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)))
def test_a_day_runs_from_its_start_to_its_end_in_almaty(day: date) -> None:
    start, end = start_of_day(day), end_of_day(day)

    assert start.tzinfo is UTC
    assert end.tzinfo is UTC
    assert almaty_date(start) == day
    assert almaty_date(end - timedelta(microseconds=1)) == day
    assert almaty_date(end) == day + timedelta(days=1)
    assert start.astimezone(ALMATY).hour == 0


def test_importing_the_domain_loads_no_holiday_tables() -> None:
    code = (
        "import sys, domain.calendar, domain.rules, domain.screening, domain.zone; "
        "assert 'holidays' not in sys.modules, 'holidays imported at module level'"
    )

    subprocess.run([sys.executable, "-c", code], check=True)
