"""The zone's calendar: Almaty time and Kazakhstan's working days.

The zone lives in ``Asia/Almaty`` (UTC+6 until 29 February 2024, UTC+5 since 1 March 2024:
always via zoneinfo, never a fixed offset). A working day is a day that is neither a weekend
nor a public holiday of Kazakhstan, as the ``holidays`` package (country KZ) knows them: the
holidays themselves, the days off moved to Monday when a holiday falls on a weekend, and the
government's transfers of days off, which also turn some Saturdays and Sundays into working days.

A day ends at the next midnight in Almaty: a deadline "on day d" runs until :func:`end_of_day`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from domain.errors import InvalidInput

ALMATY = ZoneInfo("Asia/Almaty")

DayCount = Literal["calendar", "working"]

_SATURDAY = 5


class _Year(NamedTuple):
    days_off: frozenset[date]  # holidays, observed days and transferred days off
    weekend_workdays: frozenset[date]  # Saturdays and Sundays worked in exchange


@lru_cache(maxsize=256)
def _kazakhstan_year(year: int) -> _Year:
    """Kazakhstan's days off and worked weekend days of one year, built once per year.

    The package is imported here, not at module level, so that importing the domain stays fast.
    A transfer may cross a year's end (the day off of 3 January 2014 was worked on Saturday
    28 December 2013), so the neighbouring years are loaded too.
    """
    from holidays.countries.kazakhstan import Kazakhstan

    calendar = Kazakhstan(years=(year - 1, year, year + 1))
    days_off = frozenset(d for d in calendar if d.year == year)
    workdays = frozenset(d for d in calendar.weekend_workdays if d.year == year)
    return _Year(days_off, workdays)


def almaty_date(instant: datetime) -> date:
    """The date in Almaty at an aware instant.

    Raises:
        InvalidInput: if the instant is naive: a naive time has no place in the domain.
    """
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InvalidInput(
            "an instant must carry its time zone", code="naive_datetime", field="instant"
        )
    return instant.astimezone(ALMATY).date()


def is_working_day(d: date) -> bool:
    """Whether d is a working day in Kazakhstan."""
    year = _kazakhstan_year(d.year)
    if d.weekday() >= _SATURDAY:
        return d in year.weekend_workdays
    return d not in year.days_off


def add_working_days(d: date, n: int) -> date:
    """The n-th working day after d (before d if n is negative); d itself when n is 0.

    d itself is never counted, so the result of a non-zero n is always a working day even when
    d is not one (a request on Saturday plus 1 working day is Monday, if Monday is working).
    """
    step = timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    day = d
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def add_days(d: date, n: int, count: DayCount) -> date:
    """d plus n calendar days, or n working days, as the zone's terms configure."""
    if count == "calendar":
        return d + timedelta(days=n)
    return add_working_days(d, n)


def start_of_day(d: date) -> datetime:
    """The UTC instant at which day d begins in Almaty (its midnight)."""
    return datetime.combine(d, time(0), tzinfo=ALMATY).astimezone(UTC)


def end_of_day(d: date) -> datetime:
    """The UTC instant at which day d ends in Almaty: the next day's midnight, exclusive."""
    return start_of_day(d + timedelta(days=1))


def preload_years(years: range) -> None:
    """Build Kazakhstan's calendar for ``years`` now, so that later look-ups only read it.

    Workers call this at start-up: the ``holidays`` package reads locale data when it builds a
    year, which Temporal's workflow sandbox forbids; a year already built is a pure look-up.
    """
    for year in years:
        _kazakhstan_year(year)
