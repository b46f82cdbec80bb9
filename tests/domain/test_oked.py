"""OKED codes: NACE Rev.2 sections and divisions, matched on the 2-digit division."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.oked import DIVISIONS, SECTIONS, divisions_of, parse_oked


@pytest.mark.parametrize(
    ("text", "code", "division", "section"),
    [
        ("62", "62", "62", "J"),
        ("62.01", "62.01", "62", "J"),
        ("6201", "62.01", "62", "J"),
        ("62.01.0", "62.01.0", "62", "J"),
        ("62010", "62.01.0", "62", "J"),
        ("62.0", "62.0", "62", "J"),
        (" 26.11 ", "26.11", "26", "C"),
        ("01.11", "01.11", "01", "A"),
        ("99", "99", "99", "U"),
    ],
)
def test_an_oked_code_is_read_in_any_of_its_usual_spellings(
    text: str, code: str, division: str, section: str
) -> None:
    oked = parse_oked(text)

    assert (oked.code, oked.division, oked.section) == (code, division, section)


def test_an_oked_code_names_its_division_and_section() -> None:
    oked = parse_oked("62.01")

    assert oked.division_title == "Computer programming, consultancy and related activities"
    assert oked.section_title == "Information and communication"


@pytest.mark.parametrize(
    "text", ["", "6", "6a", "62.", "62..01", "62.012.1", "620100", "62.0.1", "J62", "٦٢"]
)
def test_a_malformed_oked_code_is_invalid_input(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_oked(text)

    assert caught.value.field == "oked_code"
    assert "malformed" in caught.value.message


@pytest.mark.parametrize("division", ["00", "04", "34", "40", "44", "48", "54", "57", "67", "76"])
def test_a_division_that_does_not_exist_is_invalid_input(division: str) -> None:
    with pytest.raises(InvalidInput, match=f"division {division} does not exist"):
        parse_oked(f"{division}.10")


def test_the_division_map_covers_every_section_a_to_u_and_the_88_nace_divisions() -> None:
    assert sorted(SECTIONS) == [chr(c) for c in range(ord("A"), ord("U") + 1)]
    assert {section for section, _ in DIVISIONS.values()} == set(SECTIONS)
    assert len(DIVISIONS) == 88


@pytest.mark.parametrize(
    ("section", "first", "last"),
    [("A", 1, 3), ("C", 10, 33), ("F", 41, 43), ("J", 58, 63), ("M", 69, 75), ("U", 99, 99)],
)
def test_sections_hold_their_nace_division_ranges(section: str, first: int, last: int) -> None:
    expected = {f"{n:02d}" for n in range(first, last + 1)} & set(DIVISIONS)

    assert divisions_of(section) == expected


@given(st.sampled_from(sorted(DIVISIONS)), st.integers(0, 99), st.integers(0, 9))
def test_every_existing_division_parses_with_any_class_and_subclass(
    division: str, klass: int, subclass: int
) -> None:
    oked = parse_oked(f"{division}{klass:02d}{subclass}")

    assert oked.code == f"{division}.{klass:02d}.{subclass}"
    assert oked.section == DIVISIONS[division][0]
