"""The allowed activity types by OKED division [Decree 1166 Reg. §3, wording of Decree No. 377]."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import RuleViolation
from domain.legal_basis import REG_3, REG_3_4
from domain.oked import DIVISIONS, parse_oked
from domain.rules import RuleSet, allowed_activity, decree_1166_rulebook

ALLOWED_MANUFACTURING = [
    "15",
    "17",
    "18",
    "19",
    "21",
    "22",
    "23",
    "25",
    "26",
    "27",
    "28",
    "30",
    "32",
]
EXCLUDED_MANUFACTURING = ["10", "11", "12", "13", "14", "16", "20", "24", "29", "31", "33"]
ICT = ["58", "59", "60", "61", "62", "63"]
PROFESSIONAL = ["69", "70", "71", "72", "73", "74", "75"]
CONSTRUCTION = ["41", "42", "43"]
ALLOWED = ALLOWED_MANUFACTURING + ICT + PROFESSIONAL + CONSTRUCTION


@pytest.fixture
def rules() -> RuleSet:
    return decree_1166_rulebook().in_force(date(2026, 12, 1))


@pytest.mark.parametrize("division", ALLOWED)
def test_each_allowed_division_is_allowed_under_decree_377(rules: RuleSet, division: str) -> None:
    allowed_activity(rules, parse_oked(f"{division}.10"))


@pytest.mark.parametrize("division", EXCLUDED_MANUFACTURING)
def test_each_excluded_manufacturing_division_is_refused_under_reg_3(
    rules: RuleSet, division: str
) -> None:
    with pytest.raises(RuleViolation) as caught:
        allowed_activity(rules, parse_oked(division))

    assert caught.value.code == "oked_not_allowed"
    assert caught.value.legal_basis == (REG_3,)
    assert caught.value.field == "oked_code"
    assert f"division {division}" in caught.value.message
    assert "excluded from manufacturing" in caught.value.message


def test_tobacco_manufacturing_is_refused_under_reg_3(rules: RuleSet) -> None:
    with pytest.raises(RuleViolation) as caught:
        allowed_activity(rules, parse_oked("12.00"))

    assert (
        "division 12 (Manufacture of tobacco products) is excluded from manufacturing "
        "(production of tobacco products)" in caught.value.message
    )
    assert "decree-377-2016" in caught.value.message


@pytest.mark.parametrize(
    "division", sorted(set(DIVISIONS) - set(ALLOWED) - set(EXCLUDED_MANUFACTURING))
)
def test_every_other_division_is_not_an_activity_type_of_the_zone(
    rules: RuleSet, division: str
) -> None:
    with pytest.raises(RuleViolation) as caught:
        allowed_activity(rules, parse_oked(division))

    assert caught.value.legal_basis == (REG_3,)
    assert "is not one of the zone's activity types" in caught.value.message


def test_retail_trade_is_refused_naming_its_section(rules: RuleSet) -> None:
    with pytest.raises(RuleViolation, match=r"division 47 \(Retail trade.*section G"):
        allowed_activity(rules, parse_oked("47.11"))


def test_the_allowed_divisions_of_decree_377_are_exactly_the_domain_list(rules: RuleSet) -> None:
    assert rules.allowed_oked_divisions == frozenset(ALLOWED)
    assert rules.excluded_oked_divisions == frozenset(EXCLUDED_MANUFACTURING)
    assert rules.construction_divisions == frozenset(CONSTRUCTION)


def test_construction_refused_by_a_version_without_it_cites_reg_3_4() -> None:
    before_377 = decree_1166_rulebook().in_force(date(2015, 6, 1))

    with pytest.raises(RuleViolation) as caught:
        allowed_activity(before_377, parse_oked("41.20"))

    assert caught.value.legal_basis == (REG_3, REG_3_4)
    assert "construction" in caught.value.message
