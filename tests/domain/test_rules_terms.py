"""The zone's deadlines as configuration, each with its basis: Law or policy (DOMAIN.md §3)."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from domain.errors import InvalidInput
from domain.legal_basis import LAW, policy
from domain.rules import ZoneTerms, decree_1166_rulebook
from tests.domain.agreement.agreement_scenarios import rules_extending_zone_to


def test_the_default_terms_are_those_of_domain_md() -> None:
    terms = ZoneTerms()

    assert terms.model_dump() == {
        "decision_days": 10,
        "decision_day_count": "calendar",
        "resubmission_working_days": 10,
        "signing_working_days": 10,
        "authorized_body_notice_days": 0,
        "tax_notice_working_days": 2,
        "register_entry_days": 5,
        "annual_report_due_month": 3,
        "annual_report_due_day": 31,
        "report_reminder_days_before": (30, 7, 1),
        "report_reminder_days_after": 1,
        "report_reminder_repeat_days": 7,
        "report_escalation_days_overdue": 30,
        "report_correction_working_days": 10,
        "cure_period_days": 60,
    }


@pytest.mark.parametrize(
    "term",
    [
        "decision_days",
        "decision_day_count",
        "authorized_body_notice_days",
        "tax_notice_working_days",
        "register_entry_days",
    ],
)
def test_law_terms_cite_the_law(term: str) -> None:
    assert ZoneTerms().basis(term) == (LAW,)


@pytest.mark.parametrize(
    "term",
    [
        "resubmission_working_days",
        "signing_working_days",
        "annual_report_due_month",
        "annual_report_due_day",
        "report_reminder_days_before",
        "report_reminder_days_after",
        "report_reminder_repeat_days",
        "report_escalation_days_overdue",
        "report_correction_working_days",
        "cure_period_days",
    ],
)
def test_policy_terms_say_policy_not_law(term: str) -> None:
    assert ZoneTerms().basis(term) == (policy(term),)
    assert ZoneTerms().basis(term)[0].startswith("pit policy: ")


def test_counting_the_decision_deadline_in_working_days_is_our_policy() -> None:
    terms = ZoneTerms(decision_day_count="working")

    assert terms.basis("decision_days") == (LAW, policy("decision_day_count"))


def test_every_term_is_either_law_or_policy() -> None:
    terms = ZoneTerms()

    for name in ZoneTerms.model_fields:
        assert terms.basis(name)


def test_an_unknown_term_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        ZoneTerms().basis("coffee_break_minutes")


def test_the_annual_report_on_a_year_is_due_on_31_march_of_the_next() -> None:
    assert ZoneTerms().annual_report_due(2026) == date(2027, 3, 31)


def test_a_due_date_that_does_not_exist_every_year_is_refused() -> None:
    with pytest.raises(ValidationError, match="does not exist every year"):
        ZoneTerms(annual_report_due_month=2, annual_report_due_day=29)
    with pytest.raises(ValidationError, match="does not exist every year"):
        ZoneTerms(annual_report_due_month=4, annual_report_due_day=31)


def test_reminders_before_a_due_date_are_sorted_and_unique_and_positive() -> None:
    assert ZoneTerms(report_reminder_days_before=(1, 30, 7)).report_reminder_days_before == (
        30,
        7,
        1,
    )
    with pytest.raises(ValidationError, match="only once"):
        ZoneTerms(report_reminder_days_before=(7, 7))
    with pytest.raises(ValidationError, match="at least 1 day"):
        ZoneTerms(report_reminder_days_before=(0,))


def test_terms_are_frozen() -> None:
    with pytest.raises(ValidationError):
        ZoneTerms().cure_period_days = 90  # type: ignore[misc]


def test_the_zone_ends_on_1_january_2028_as_decree_1166_stands() -> None:
    assert decree_1166_rulebook().zone_end_seen_from(date(2026, 11, 25)) == date(2028, 1, 1)


def test_an_amendment_in_force_before_the_end_moves_the_zones_end() -> None:
    extended = rules_extending_zone_to(date(2038, 1, 1), from_day=date(2027, 6, 1))

    assert extended.zone_end_seen_from(date(2026, 11, 25)) == date(2038, 1, 1)
    assert extended.zone_end_seen_from(date(2027, 7, 1)) == date(2038, 1, 1)
