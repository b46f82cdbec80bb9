"""The zone's target indicators and critical levels [Decree 1166 annex, Decree No. 457].

Each indicator has, for a year, a target and a lower critical level of failure to achieve it.
The annex has a base period (2012) and milestones 2015, 2020 and 2028; the seed's table keeps
only the jobs and the Kazakhstani-content rows (:func:`seed_indicator_levels`); every other
level is blank until the zone configures it (``domain.zone.SetIndicatorLevel``).

Units: investment and production in billions of KZT (Decimal); Kazakhstani content in basis
points (5000 = 50 %); participants, jobs, and ICT labs and departments as whole numbers.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.errors import InvalidInput

BASE_YEAR = 2012
MILESTONE_YEARS: tuple[int, ...] = (2012, 2015, 2020, 2028)


class Indicator(StrEnum):
    INVESTMENT_TOTAL = "investment_total"
    INVESTMENT_FOREIGN = "investment_foreign"
    INVESTMENT_DOMESTIC = "investment_domestic"
    PRODUCTION = "production"
    PARTICIPANTS = "participants"
    JOBS = "jobs"
    KZ_CONTENT_BP = "kz_content_bp"
    ICT_LABS_AND_DEPARTMENTS = "ict_labs_and_departments"


UNITS: dict[Indicator, str] = {
    Indicator.INVESTMENT_TOTAL: "bln KZT",
    Indicator.INVESTMENT_FOREIGN: "bln KZT",
    Indicator.INVESTMENT_DOMESTIC: "bln KZT",
    Indicator.PRODUCTION: "bln KZT",
    Indicator.PARTICIPANTS: "participants",
    Indicator.JOBS: "jobs",
    Indicator.KZ_CONTENT_BP: "basis points",
    Indicator.ICT_LABS_AND_DEPARTMENTS: "labs and departments",
}
WHOLE_NUMBER_INDICATORS = frozenset(
    {
        Indicator.PARTICIPANTS,
        Indicator.JOBS,
        Indicator.KZ_CONTENT_BP,
        Indicator.ICT_LABS_AND_DEPARTMENTS,
    }
)

Level = Annotated[
    Decimal, Field(ge=Decimal(0), lt=Decimal(10) ** 12, decimal_places=3, allow_inf_nan=False)
]
Assessment = Literal["at_or_above_target", "between", "below_critical"]


class IndicatorLevel(BaseModel):
    """The target and the critical level of one indicator for one year.

    ``critical`` is None where the annex gives none (the 2012 base period has one figure).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    indicator: Indicator
    year: int = Field(ge=2003, le=2100)
    target: Level
    critical: Level | None = None

    @model_validator(mode="after")
    def _consistent(self) -> IndicatorLevel:
        if self.critical is not None and self.critical > self.target:
            raise ValueError("the critical level may not be above the target")
        if self.indicator in WHOLE_NUMBER_INDICATORS:
            for value in (self.target, self.critical):
                if value is not None and value != value.to_integral_value():
                    raise ValueError(f"{self.indicator.value} is a whole number")
        if self.indicator is Indicator.KZ_CONTENT_BP and self.target > 10_000:
            raise ValueError("a share is at most 10000 basis points")
        return self


def assess(indicator_level: IndicatorLevel, actual: Decimal | int) -> Assessment:
    """Set an actual figure against a level.

    At or above the target is ``at_or_above_target``; below the critical level is
    ``below_critical``; anything in between, including exactly the critical level and any
    shortfall where no critical level is set, is ``between``.
    """
    value = Decimal(actual)
    if not value.is_finite():
        raise InvalidInput("an actual figure must be a finite number", field="actual")
    if value >= indicator_level.target:
        return "at_or_above_target"
    if indicator_level.critical is not None and value < indicator_level.critical:
        return "below_critical"
    return "between"


def seed_indicator_levels() -> tuple[IndicatorLevel, ...]:
    """The levels the seed's annex table keeps: jobs, and the Kazakhstani content share."""

    def level(indicator: Indicator, year: int, target: int, critical: int | None) -> IndicatorLevel:
        return IndicatorLevel(
            indicator=indicator,
            year=year,
            target=Decimal(target),
            critical=None if critical is None else Decimal(critical),
        )

    jobs, content = Indicator.JOBS, Indicator.KZ_CONTENT_BP
    return (
        level(jobs, 2012, 1511, None),
        level(jobs, 2015, 2718, 2119),
        level(jobs, 2020, 5826, 3640),
        level(content, 2012, 5000, None),
        level(content, 2015, 5000, 4000),
        level(content, 2020, 5000, 4000),
        level(content, 2028, 5000, 4000),
    )
