"""The due days of the lifecycle, computed from the zone's terms in force and its calendar.

Each returns a :class:`Due`: the day and the legal basis of the term that set it. Working days
skip weekends and Kazakhstan's holidays (``domain.calendar``).
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.agreement.values import Due, ReportDue
from domain.application import term_years
from domain.calendar import add_days, add_working_days
from domain.rules import RuleSet


def decision_due(applied_on: date, rules: RuleSet) -> Due:
    """The day by which the application is concluded or refused: 10 days [Law 242-VI],
    calendar days unless the zone counts working days."""
    terms = rules.terms
    return Due(
        on=add_days(applied_on, terms.decision_days, terms.decision_day_count),
        legal_basis=terms.basis("decision_days"),
    )


def resubmission_due(requested_on: date, rules: RuleSet) -> Due:
    """The day by which the applicant resubmits a changed application [policy]."""
    terms = rules.terms
    return Due(
        on=add_working_days(requested_on, terms.resubmission_working_days),
        legal_basis=terms.basis("resubmission_working_days"),
    )


def signing_due(approved_on: date, rules: RuleSet) -> Due:
    """The day by which both parties sign an agreement, or the participant an amendment
    [policy]."""
    terms = rules.terms
    return Due(
        on=add_working_days(approved_on, terms.signing_working_days),
        legal_basis=terms.basis("signing_working_days"),
    )


def authorized_body_notice_due(on: date, rules: RuleSet) -> Due:
    """The day the authorized body is notified of a conclusion or termination: the same day
    [Law 242-VI]."""
    terms = rules.terms
    return Due(
        on=add_days(on, terms.authorized_body_notice_days, "calendar"),
        legal_basis=terms.basis("authorized_body_notice_days"),
    )


def tax_authority_notice_due(on: date, rules: RuleSet) -> Due:
    """The day the tax authority is notified: within 2 working days [Law 242-VI]."""
    terms = rules.terms
    return Due(
        on=add_working_days(on, terms.tax_notice_working_days),
        legal_basis=terms.basis("tax_notice_working_days"),
    )


def register_due(on: date, rules: RuleSet) -> Due:
    """The day the register entry is expected (made or closed): within 5 days [Law 242-VI]."""
    terms = rules.terms
    return Due(
        on=add_days(on, terms.register_entry_days, "calendar"),
        legal_basis=terms.basis("register_entry_days"),
    )


def report_schedule(effective: date, end: date, rules: RuleSet) -> tuple[ReportDue, ...]:
    """The annual reports an agreement in force from ``effective`` until ``end`` owes: one on
    every year it is in force (``end`` is the day it ceases), each due in the following year
    [policy]."""
    terms = rules.terms
    basis = terms.basis("annual_report_due_month")
    return tuple(
        ReportDue(year=year, due=Due(on=terms.annual_report_due(year), legal_basis=basis))
        for year in term_years(effective, end)
    )


def correction_due(returned_on: date, rules: RuleSet) -> Due:
    """The day by which a returned report comes back corrected [policy]."""
    terms = rules.terms
    return Due(
        on=add_working_days(returned_on, terms.report_correction_working_days),
        legal_basis=terms.basis("report_correction_working_days"),
    )


def escalation_due(missed: date, rules: RuleSet) -> Due:
    """The day an overdue report is escalated to staff: 30 days after the day missed [policy]."""
    terms = rules.terms
    return Due(
        on=missed + timedelta(days=terms.report_escalation_days_overdue),
        legal_basis=terms.basis("report_escalation_days_overdue"),
    )


def cure_due(issued_on: date, rules: RuleSet) -> Due:
    """The last day of a breach notice's cure period: 60 days [policy]."""
    terms = rules.terms
    return Due(
        on=issued_on + timedelta(days=terms.cure_period_days),
        legal_basis=terms.basis("cure_period_days"),
    )
