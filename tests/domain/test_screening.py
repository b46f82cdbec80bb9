"""Automatic screening of an application: every reason at once, hard and soft (DOMAIN.md §3.2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from domain.application import (
    ApplicantKind,
    ApplicationForm,
    Contacts,
    PriorityArea,
    YearObligations,
)
from domain.errors import InvalidInput
from domain.legal_basis import (
    DECREE_ITEM_1,
    LAW_ART_1_4,
    REG_2_1,
    REG_3,
    REG_3_4,
    REG_4,
    REG_5,
    REG_6,
)
from domain.rules import RuleSet, decree_1166_rulebook
from domain.screening import Finding, ScreeningResult, screen_application

TODAY = date(2026, 12, 1)


def _year(year: int) -> YearObligations:
    return YearObligations(
        year=year,
        investment_foreign_kzt=Decimal("0"),
        investment_domestic_kzt=Decimal("150000000.00"),
        production_volume_kzt=Decimal("300000000.00"),
        jobs=25,
        kz_content_bp=6000,
    )


def application(**changes: Any) -> ApplicationForm:
    fields: dict[str, Any] = {
        "bin": "940140000385",
        "name": 'LLP "Alatau Software"',
        "contacts": Contacts(
            email="office@alatau-software.kz",
            phone="+7 727 000 00 00",
            address="Alatau, Medeu district, Almaty",
            contact_person="A. Seitkali",
        ),
        "oked_code": "62.01",
        "priority_area": PriorityArea.ICT,
        "excisable_goods": False,
        "project_description": "Development of software for logistics companies in the region.",
        "on_territory": True,
        "planned_obligations": (_year(2027),),
        "requested_start": date(2027, 1, 1),
        "requested_end": date(2027, 12, 31),
    }
    fields.update(changes)
    return ApplicationForm(**fields)


def rules_on(day: date) -> RuleSet:
    return decree_1166_rulebook().in_force(day)


def screen(form: ApplicationForm, on: date = TODAY) -> ScreeningResult:
    return screen_application(form, rules_on(on), on)


def codes(findings: tuple[Finding, ...]) -> list[str]:
    return [f.code for f in findings]


def test_a_clean_ict_application_passes_without_findings() -> None:
    result = screen(application())

    assert result.passed
    assert result.refusals == ()
    assert result.findings == ()


def test_screening_reports_every_reason_at_once() -> None:
    form = application(
        bin="940141000380",  # a branch: check digit valid, not a head office
        oked_code="12.00",  # tobacco
        excisable_goods=True,
        requested_end=date(2028, 6, 30),
        planned_obligations=(_year(2027), _year(2028)),
    )

    result = screen(form)

    assert not result.passed
    assert codes(result.refusals) == [
        "bin_not_head_office",
        "oked_not_allowed",
        "excisable_goods",
        "term_beyond_zone_end",
    ]
    assert {f.field for f in result.refusals} == {
        "bin",
        "oked_code",
        "excisable_goods",
        "requested_end",
    }
    assert result.legal_basis[:4] == (LAW_ART_1_4, REG_3, REG_6, DECREE_ITEM_1)


def test_an_invalid_bin_is_refused_under_law_art_1_4() -> None:
    result = screen(application(bin="940140000386"))

    (refusal,) = result.refusals
    assert refusal.code == "invalid_bin"
    assert refusal.field == "bin"
    assert refusal.legal_basis == (LAW_ART_1_4,)
    assert refusal.hard


def test_a_malformed_oked_is_refused_and_skips_the_activity_checks() -> None:
    result = screen(application(oked_code="04.10"))

    assert codes(result.refusals) == ["invalid_oked"]
    assert result.findings == ()


def test_an_excluded_division_is_refused_under_reg_3() -> None:
    (refusal,) = screen(application(oked_code="10.11")).refusals

    assert refusal.code == "oked_not_allowed"
    assert refusal.legal_basis == (REG_3,)
    assert "food production" in refusal.message


def test_excisable_production_is_refused_under_reg_6() -> None:
    (refusal,) = screen(application(excisable_goods=True)).refusals

    assert refusal.code == "excisable_goods"
    assert refusal.legal_basis == (REG_6,)


def test_a_term_ending_on_the_zones_end_day_is_accepted() -> None:
    form = application(requested_end=date(2028, 1, 1), planned_obligations=(_year(2027),))

    assert screen(form).passed


def test_a_term_ending_after_the_zones_end_is_refused_under_decree_item_1() -> None:
    form = application(
        requested_end=date(2028, 1, 2), planned_obligations=(_year(2027), _year(2028))
    )

    (refusal,) = screen(form).refusals
    assert refusal.code == "term_beyond_zone_end"
    assert refusal.legal_basis == (DECREE_ITEM_1,)
    assert "2028-01-01" in refusal.message


def test_an_application_after_the_zones_end_is_refused() -> None:
    form = application(
        requested_start=date(2028, 2, 1),
        requested_end=date(2028, 12, 31),
        planned_obligations=(_year(2028),),
    )

    result = screen(form, on=date(2028, 1, 10))

    assert codes(result.refusals) == ["zone_ended", "term_beyond_zone_end"]


def test_a_requested_start_in_the_past_is_a_soft_finding() -> None:
    form = application(
        requested_start=date(2026, 11, 1), planned_obligations=(_year(2026), _year(2027))
    )

    result = screen(form)

    assert result.passed
    assert codes(result.findings) == ["requested_start_in_past"]
    assert result.findings[0].legal_basis[0].startswith("pit policy: ")


def test_a_term_already_over_is_refused() -> None:
    form = application(
        requested_start=date(2026, 1, 1),
        requested_end=date(2026, 11, 30),
        planned_obligations=(_year(2026),),
    )

    assert codes(screen(form).refusals) == ["term_already_over"]


def test_off_territory_activity_is_a_soft_finding_under_the_law_after_2018() -> None:
    result = screen(application(on_territory=False))

    assert result.passed
    (finding,) = result.findings
    assert finding.code == "off_territory"
    assert finding.legal_basis == (LAW_ART_1_4,)


def test_before_2018_listed_ict_activities_may_be_off_territory_under_reg_5() -> None:
    on = date(2017, 3, 1)
    form = application(
        on_territory=False,
        requested_start=date(2017, 4, 1),
        requested_end=date(2019, 12, 31),
        planned_obligations=(_year(2017), _year(2018), _year(2019)),
    )

    result = screen(form, on=on)

    assert result.passed
    assert [(f.code, f.legal_basis) for f in result.findings] == [("off_territory_ict", (REG_5,))]


def test_before_2018_other_activities_off_territory_are_refused_under_reg_5() -> None:
    on = date(2017, 3, 1)
    form = application(
        on_territory=False,
        oked_code="27.11",
        priority_area=PriorityArea.ELECTRONICS_AND_INSTRUMENT_MAKING,
        requested_start=date(2017, 4, 1),
        requested_end=date(2017, 12, 31),
        planned_obligations=(_year(2017),),
    )

    (refusal,) = screen(form, on=on).refusals

    assert refusal.code == "off_territory_not_allowed"
    assert refusal.legal_basis == (REG_5,)


def test_a_priority_area_that_does_not_fit_the_division_is_a_soft_finding() -> None:
    result = screen(application(oked_code="69.20"))  # accounting, for "ICT"

    assert result.passed
    (finding,) = result.findings
    assert finding.code == "priority_area_mismatch"
    assert finding.legal_basis == (REG_2_1,)


@pytest.mark.parametrize(
    ("area", "oked"),
    [
        (PriorityArea.ICT, "62.01"),
        (PriorityArea.TELECOMMUNICATIONS, "61.10"),
        (PriorityArea.ELECTRONICS_AND_INSTRUMENT_MAKING, "26.51"),
        (PriorityArea.RENEWABLE_ENERGY_AND_RESOURCE_SAVING, "27.11"),
        (PriorityArea.MATERIALS, "22.21"),
        (PriorityArea.OIL_AND_GAS_TECHNOLOGIES, "28.92"),
        (PriorityArea.OIL_AND_GAS_TECHNOLOGIES, "72.19"),
    ],
)
def test_a_fitting_priority_area_gives_no_finding(area: PriorityArea, oked: str) -> None:
    assert screen(application(priority_area=area, oked_code=oked)).findings == ()


def test_construction_is_allowed_with_a_reg_3_4_note() -> None:
    result = screen(application(oked_code="41.20"))

    assert result.passed
    assert [(f.code, f.legal_basis) for f in result.findings] == [
        ("construction_only_for_zone_activities", (REG_3_4,))
    ]


@pytest.mark.parametrize("kind", [ApplicantKind.UNIVERSITY, ApplicantKind.RESEARCH_INSTITUTE])
def test_universities_and_research_institutes_get_a_reg_4_note(kind: ApplicantKind) -> None:
    result = screen(application(applicant_kind=kind, oked_code="72.19"))

    assert result.passed
    assert [(f.code, f.legal_basis) for f in result.findings] == [
        ("education_or_research_applicant", (REG_4,))
    ]


def test_a_fuel_refinery_declaring_no_excisable_goods_is_flagged_for_review() -> None:
    result = screen(
        application(oked_code="19.20", priority_area=PriorityArea.OIL_AND_GAS_TECHNOLOGIES)
    )

    assert result.passed
    assert codes(result.findings) == ["excisable_declaration_to_check"]


def test_a_non_resident_legal_entity_is_flagged_for_review() -> None:
    result = screen(application(bin="150350000123"))

    assert result.passed
    assert codes(result.findings) == ["non_resident_legal_entity"]


def test_years_of_the_term_without_planned_obligations_are_a_soft_finding() -> None:
    form = application(requested_end=date(2027, 12, 31), requested_start=date(2027, 1, 1))
    longer = application(
        requested_end=date(2027, 12, 31),
        requested_start=date(2026, 12, 15),
        planned_obligations=(_year(2027),),
    )

    assert screen(form).findings == ()
    assert "obligations_missing_years" in codes(screen(longer).findings)


def test_screening_with_a_rule_set_not_yet_in_force_is_a_mistake() -> None:
    with pytest.raises(InvalidInput):
        screen_application(application(), rules_on(TODAY), date(2015, 1, 1))


def test_a_result_keeps_hard_refusals_and_soft_findings_apart() -> None:
    soft = Finding(code="x", message="m", legal_basis=(REG_3,), hard=False)

    with pytest.raises(ValidationError):
        ScreeningResult(refusals=(soft,))


def test_an_application_planning_obligations_after_its_term_is_invalid_naming_the_field() -> None:
    with pytest.raises(ValidationError) as invalid:
        application(requested_end=date(2028, 1, 1), planned_obligations=(_year(2027), _year(2028)))
    message = str(invalid.value)
    assert "planned_obligations has years [2028] outside the requested term" in message
    assert "the term ends on 2028-01-01" in message
