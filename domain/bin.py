"""The BIN (business identification number) of a legal entity, and who may be a participant.

A BIN has 12 digits: 1-2 the year and 3-4 the month of registration, 5 the entity type, 6 the
office kind, 7-11 a serial number and 12 a check digit (DOMAIN.md §2).

The check digit is ``sum(d_i * i for i in 1..11) mod 11``; when that is 10 the weights
3,4,5,6,7,8,9,10,11,1,2 are used instead, and a number whose second sum is 10 too is invalid.
Weight 11 is 0 modulo 11, so the first weights cannot see a change in digit 11: a known weakness
of the scheme, not of this code.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import InvalidInput, RuleViolation
from domain.legal_basis import LAW_ART_1_4

FIRST_WEIGHTS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
SECOND_WEIGHTS: tuple[int, ...] = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# Two-digit years up to this one are 20YY, later ones 19YY. Kazakhstan registers legal entities
# since its independence (1991), so 91-99 are the 1990s and 00-90 this century: right until 2090.
LAST_YEAR_OF_THIS_CENTURY = 90


class EntityType(StrEnum):
    """Digit 5 of a BIN."""

    RESIDENT_LEGAL_ENTITY = "resident_legal_entity"  # 4
    NON_RESIDENT_LEGAL_ENTITY = "non_resident_legal_entity"  # 5
    INDIVIDUAL_ENTREPRENEUR_JOINT = "individual_entrepreneur_joint"  # 6


class OfficeKind(StrEnum):
    """Digit 6 of a BIN."""

    HEAD_OFFICE = "head_office"  # 0
    BRANCH = "branch"  # 1
    REPRESENTATIVE_OFFICE = "representative_office"  # 2
    PEASANT_FARM = "peasant_farm"  # 3


_ENTITY_TYPES = {
    "4": EntityType.RESIDENT_LEGAL_ENTITY,
    "5": EntityType.NON_RESIDENT_LEGAL_ENTITY,
    "6": EntityType.INDIVIDUAL_ENTREPRENEUR_JOINT,
}
_OFFICE_KINDS = {
    "0": OfficeKind.HEAD_OFFICE,
    "1": OfficeKind.BRANCH,
    "2": OfficeKind.REPRESENTATIVE_OFFICE,
    "3": OfficeKind.PEASANT_FARM,
}
LEGAL_ENTITY_TYPES = frozenset(
    {EntityType.RESIDENT_LEGAL_ENTITY, EntityType.NON_RESIDENT_LEGAL_ENTITY}
)


class BinInfo(BaseModel):
    """What a valid BIN says about its holder."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: str = Field(pattern=r"^\d{12}$")
    registration_year: int = Field(ge=1991, le=2090, description="Four digits, see module doc")
    registration_month: int = Field(ge=1, le=12)
    entity_type: EntityType
    office: OfficeKind


def bin_check_digit(first_eleven: str) -> int | None:
    """The check digit for the first 11 digits of a BIN, or None if no digit can be valid."""
    if len(first_eleven) != 11 or not first_eleven.isascii() or not first_eleven.isdigit():
        raise ValueError("a BIN's check digit needs exactly 11 digits")
    digits = [int(c) for c in first_eleven]
    for weights in (FIRST_WEIGHTS, SECOND_WEIGHTS):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def _invalid(reason: str) -> InvalidInput:
    return InvalidInput(f"invalid BIN: {reason}", (LAW_ART_1_4,), code="invalid_bin", field="bin")


def parse_bin(value: str) -> BinInfo:
    """Check a BIN and read what it says.

    Raises:
        InvalidInput: with field ``"bin"`` and the first reason the number fails (length and
            digits, month, entity type, office kind, check digit).
    """
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        raise _invalid("a BIN has exactly 12 digits")
    month = int(value[2:4])
    if not 1 <= month <= 12:
        raise _invalid(f"digits 3-4 are the month of registration, 01-12, not {value[2:4]}")
    entity_type = _ENTITY_TYPES.get(value[4])
    if entity_type is None:
        raise _invalid(f"digit 5 is the entity type, 4, 5 or 6, not {value[4]}")
    office = _OFFICE_KINDS.get(value[5])
    if office is None:
        raise _invalid(f"digit 6 is the office kind, 0 to 3, not {value[5]}")
    expected = bin_check_digit(value[:11])
    if expected is None:
        raise _invalid("no check digit is valid for these digits (both weighted sums give 10)")
    if expected != int(value[11]):
        raise _invalid(f"the check digit is {value[11]}, it should be {expected}")
    two_digit_year = int(value[:2])
    century = 2000 if two_digit_year <= LAST_YEAR_OF_THIS_CENTURY else 1900
    return BinInfo(
        value=value,
        registration_year=century + two_digit_year,
        registration_month=month,
        entity_type=entity_type,
        office=office,
    )


def eligibility_problems(info: BinInfo) -> tuple[RuleViolation, ...]:
    """Every reason the holder of this BIN cannot be a participant (empty if it can).

    A participant is a legal entity [Law Art. 1(4)]: a branch or representative office is not
    one, nor is an individual entrepreneur or a peasant farm.
    """
    problems: list[RuleViolation] = []
    if info.entity_type not in LEGAL_ENTITY_TYPES:
        problems.append(
            RuleViolation(
                f"BIN {info.value} belongs to an individual entrepreneur, not a legal entity; "
                "only a legal entity can be a participant",
                (LAW_ART_1_4,),
                code="bin_not_legal_entity",
                field="bin",
            )
        )
    if info.office is not OfficeKind.HEAD_OFFICE:
        kind = info.office.value.replace("_", " ")
        remedy = (
            "a peasant farm is not a legal entity"
            if info.office is OfficeKind.PEASANT_FARM
            else "it is not a legal entity of its own: the legal entity's head office must apply"
        )
        problems.append(
            RuleViolation(
                f"BIN {info.value} is a {kind}'s; {remedy}",
                (LAW_ART_1_4,),
                code="bin_not_head_office",
                field="bin",
            )
        )
    return tuple(problems)


def require_eligible_participant(info: BinInfo) -> None:
    """Refuse a BIN whose holder cannot be a participant [Law Art. 1(4)].

    Raises:
        RuleViolation: the first reason of :func:`eligibility_problems`.
    """
    problems = eligibility_problems(info)
    if problems:
        raise problems[0]
