"""The rule book: the Regulation's versions by effective date [Decree 1166 Reg. §15]."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pydantic import ValidationError

from domain.errors import InvalidInput, RuleViolation
from domain.legal_basis import DECREE_ITEM_5
from domain.rules import RuleBook, RuleSet, decree_1166_rulebook


@pytest.fixture
def book() -> RuleBook:
    return decree_1166_rulebook()


def test_the_decree_rule_book_holds_the_known_versions_oldest_first(book: RuleBook) -> None:
    assert [(rs.version, rs.effective_from) for rs in book.versions] == [
        ("decree-1166-2003", date(2003, 10, 1)),
        ("decree-193-2011", date(2011, 12, 8)),
        ("decree-457-2012", date(2012, 12, 29)),
        ("decree-377-2016", date(2016, 11, 26)),
    ]


def test_rule_set_in_force_on_2016_12_01_is_decree_377(book: RuleBook) -> None:
    assert book.in_force(date(2016, 12, 1)).version == "decree-377-2016"


@pytest.mark.parametrize(
    ("day", "version"),
    [
        (date(2003, 10, 1), "decree-1166-2003"),
        (date(2011, 12, 7), "decree-1166-2003"),
        (date(2011, 12, 8), "decree-193-2011"),
        (date(2012, 12, 28), "decree-193-2011"),
        (date(2012, 12, 29), "decree-457-2012"),
        (date(2016, 11, 25), "decree-457-2012"),
        (date(2016, 11, 26), "decree-377-2016"),
        (date(2027, 12, 31), "decree-377-2016"),
    ],
)
def test_each_day_uses_the_last_version_effective_on_or_before_it(
    book: RuleBook, day: date, version: str
) -> None:
    assert book.in_force(day).version == version


def test_no_rule_set_is_in_force_before_the_decree_took_effect(book: RuleBook) -> None:
    with pytest.raises(RuleViolation) as caught:
        book.in_force(date(2003, 9, 30))

    assert caught.value.code == "no_rule_set_in_force"
    assert caught.value.legal_basis == (DECREE_ITEM_5,)


def test_decree_193_set_the_zone_end_to_1_january_2028(book: RuleBook) -> None:
    assert book.version("decree-193-2011").zone_end == date(2028, 1, 1)
    assert book.in_force(date(2026, 12, 1)).zone_end == date(2028, 1, 1)


def test_the_original_zone_end_is_marked_as_not_from_the_seed(book: RuleBook) -> None:
    original = book.version("decree-1166-2003")

    assert original.zone_end < date(2028, 1, 1)
    assert any("not in the seed" in note for note in original.assumptions)


def test_decree_457_added_the_indicators_and_changed_no_activity_rule(book: RuleBook) -> None:
    before, after = book.version("decree-193-2011"), book.version("decree-457-2012")

    assert after.amends == ("item 2", "annex: target indicators and critical levels")
    assert after.allowed_oked_divisions == before.allowed_oked_divisions
    assert after.zone_end == before.zone_end


def test_decree_377_restated_reg_2_3_and_5(book: RuleBook) -> None:
    rs = book.version("decree-377-2016")

    assert rs.amends == ("Reg. §2", "Reg. §3", "Reg. §5")
    assert rs.off_territory_ict_until == date(2018, 1, 1)
    assert rs.construction_divisions == frozenset({"41", "42", "43"})
    assert rs.excisable_production_banned


def test_every_known_version_bans_excisable_production(book: RuleBook) -> None:
    assert all(rs.excisable_production_banned for rs in book.versions)


def _amendment(version: str, effective_from: date, zone_end: date = date(2033, 1, 1)) -> RuleSet:
    latest = decree_1166_rulebook().latest
    return latest.model_copy(
        update={
            "version": version,
            "effective_from": effective_from,
            "zone_end": zone_end,
            "source": f"a decree of {effective_from.isoformat()}",
        }
    )


def test_an_amendment_takes_effect_on_its_date(book: RuleBook) -> None:
    amended = book.with_version(_amendment("decree-x-2027", date(2027, 6, 1)))

    assert amended.in_force(date(2027, 5, 31)).version == "decree-377-2016"
    assert amended.in_force(date(2027, 6, 1)).zone_end == date(2033, 1, 1)
    assert amended.latest.version == "decree-x-2027"
    assert book.latest.version == "decree-377-2016"  # the rule book itself is immutable


def test_a_retro_dated_version_is_placed_by_its_effective_date(book: RuleBook) -> None:
    amended = book.with_version(_amendment("found-2014", date(2014, 3, 1)))

    assert [rs.version for rs in amended.versions][3] == "found-2014"
    assert amended.in_force(date(2015, 1, 1)).version == "found-2014"
    assert amended.in_force(date(2017, 1, 1)).version == "decree-377-2016"


def test_a_version_id_cannot_be_used_twice(book: RuleBook) -> None:
    with pytest.raises(RuleViolation) as caught:
        book.with_version(_amendment("decree-377-2016", date(2027, 6, 1)))

    assert caught.value.code == "duplicate_rule_set_version"


def test_two_versions_cannot_take_effect_on_the_same_day(book: RuleBook) -> None:
    with pytest.raises(RuleViolation) as caught:
        book.with_version(_amendment("same-day", date(2016, 11, 26)))

    assert caught.value.code == "rule_set_date_taken"


def test_an_unknown_version_id_is_invalid_input(book: RuleBook) -> None:
    with pytest.raises(InvalidInput):
        book.version("decree-999")


def test_a_rule_set_must_end_the_zone_after_it_takes_effect() -> None:
    with pytest.raises(ValidationError, match="zone_end must be after effective_from"):
        RuleSet.model_validate(
            {
                **_amendment("x", date(2027, 6, 1)).model_dump(),
                "zone_end": date(2027, 6, 1),
            }
        )


def test_a_rule_set_refuses_unknown_or_contradictory_divisions() -> None:
    base = _amendment("x", date(2027, 6, 1)).model_dump()

    with pytest.raises(ValidationError, match=r"not NACE Rev\.2 divisions"):
        RuleSet.model_validate({**base, "allowed_oked_divisions": ["62", "04"]})
    with pytest.raises(ValidationError, match="both allowed and excluded"):
        RuleSet.model_validate({**base, "excluded_oked_divisions": ["62"]})
    with pytest.raises(ValidationError, match="construction divisions not allowed"):
        RuleSet.model_validate({**base, "allowed_oked_divisions": ["62"]})


def test_a_rule_set_serialises_its_divisions_sorted_and_round_trips(book: RuleBook) -> None:
    rs = book.latest

    data = json.loads(rs.model_dump_json())

    assert data["allowed_oked_divisions"] == sorted(rs.allowed_oked_divisions)
    assert data["construction_divisions"] == ["41", "42", "43"]
    assert RuleSet.model_validate_json(rs.model_dump_json()) == rs


def test_a_rule_book_sorts_its_versions_and_refuses_duplicates(book: RuleBook) -> None:
    assert RuleBook(versions=tuple(reversed(book.versions))) == book
    with pytest.raises(ValidationError, match="only once"):
        RuleBook(versions=(book.latest, book.latest))
