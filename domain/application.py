"""What an applicant submits: the application form and its planned obligations per year.

Form rules (types, lengths, required fields) live here and fail as validation errors naming the
field. Substantive rules (BIN check digit, allowed OKED, excisable goods, the zone's term) are
screening's job (domain.screening), which refuses with every reason and its legal basis.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationInfo, field_validator

from domain.values import BasisPoints, Count, MoneyKZT, PlainText, refuse_deep_nesting


class PriorityArea(StrEnum):
    """Priority technology areas of the zone [Decree 1166 Reg. §2.1]."""

    ICT = "ict"
    TELECOMMUNICATIONS = "telecommunications"
    ELECTRONICS_AND_INSTRUMENT_MAKING = "electronics_and_instrument_making"
    RENEWABLE_ENERGY_AND_RESOURCE_SAVING = "renewable_energy_and_resource_saving"
    MATERIALS = "materials"
    OIL_AND_GAS_TECHNOLOGIES = "oil_and_gas_technologies"


class ApplicantKind(StrEnum):
    """Universities and research institutes are welcome [Decree 1166 Reg. §4]; §3 binds them too."""

    COMPANY = "company"
    UNIVERSITY = "university"
    RESEARCH_INSTITUTE = "research_institute"


class Contacts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    email: EmailStr
    phone: str = Field(min_length=5, max_length=30, pattern=r"^\+?[0-9 ()\-]{5,30}$")
    address: PlainText = Field(min_length=5, max_length=500)
    contact_person: PlainText = Field(min_length=2, max_length=200)


class YearObligations(BaseModel):
    """The obligations for one calendar year: planned in the application and the agreement,
    actual in an annual report."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int = Field(ge=2003, le=2100)
    investment_foreign_kzt: MoneyKZT
    investment_domestic_kzt: MoneyKZT
    production_volume_kzt: MoneyKZT
    jobs: Count
    kz_content_bp: BasisPoints  # Kazakhstani content share, basis points (5000 = 50 %)


def term_years(start: date, end: date) -> range:
    """The calendar years a term is in force: ``end`` is the first day it no longer is.

    A term from 1 April 2026 to 1 January 2028 (the zone's end) covers 2026 and 2027 only, so
    obligations, annual reports and assessments exist for those years and no other.
    """
    return range(start.year, (end - timedelta(days=1)).year + 1)


def _years_unique_and_sorted(
    obligations: tuple[YearObligations, ...],
) -> tuple[YearObligations, ...]:
    years = [o.year for o in obligations]
    if len(set(years)) != len(years):
        raise ValueError("each year may appear only once")
    return tuple(sorted(obligations, key=lambda o: o.year))


ObligationSchedule = Annotated[tuple[YearObligations, ...], Field(min_length=1, max_length=100)]


class ApplicationForm(BaseModel):
    """An application for an agreement on implementation of activities (DOMAIN.md §3.1)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    bin: str = Field(pattern=r"^\d{12}$", description="Business identification number, 12 digits")
    name: PlainText = Field(min_length=2, max_length=500)
    applicant_kind: ApplicantKind = ApplicantKind.COMPANY
    contacts: Contacts
    oked_code: str = Field(
        pattern=r"^\d{2}(\.?\d{1,3}){0,2}$",
        description="OKED code, e.g. 62.01 or 62010; the 2-digit division decides",
    )
    priority_area: PriorityArea
    excisable_goods: bool = Field(description="Does the applicant produce excisable goods?")
    project_description: PlainText = Field(min_length=20, max_length=20_000)
    on_territory: bool = Field(description="Activities on the zone's territory (else outside it)")
    planned_obligations: ObligationSchedule
    requested_start: date
    requested_end: date

    @field_validator("*", mode="before")
    @classmethod
    def _not_nested_too_deep(cls, value: object) -> object:
        return refuse_deep_nesting(value)

    # Field validators rather than a model validator, so that each error names its field: the
    # fields before a field are validated first, and any that failed carry their own error.
    @field_validator("planned_obligations")
    @classmethod
    def _each_year_once(
        cls, obligations: tuple[YearObligations, ...]
    ) -> tuple[YearObligations, ...]:
        return _years_unique_and_sorted(obligations)

    @field_validator("requested_end")
    @classmethod
    def _term_holds_the_planned_years(cls, end: date, info: ValidationInfo) -> date:
        start = info.data.get("requested_start")
        if start is None:
            return end
        if end <= start:
            raise ValueError("requested_end must be after requested_start")
        years = term_years(start, end)
        planned = info.data.get("planned_obligations", ())
        outside = [o.year for o in planned if o.year not in years]
        if outside:
            raise ValueError(
                f"planned_obligations has years {outside} outside the requested term "
                f"{years[0]}-{years[-1]} (the term ends on {end})"
            )
        return end
