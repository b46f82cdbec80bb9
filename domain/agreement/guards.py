"""Checks the deciders share: the state a command needs, its deadline, fresh ids, terms."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date

from domain.agreement.commands import AgreementCommand
from domain.agreement.context import DecisionContext
from domain.agreement.state import AgreementState
from domain.agreement.values import Due
from domain.agreement.vocabulary import Status
from domain.application import YearObligations, term_years
from domain.calendar import end_of_day
from domain.errors import DeadlinePassed, InvalidInput, InvalidTransition, RuleViolation
from domain.legal_basis import DECREE_ITEM_1, policy

LIFECYCLE_BASIS = policy("agreement lifecycle")
TERM_BASIS = policy("requested_term")


def require_status(
    state: AgreementState, allowed: Collection[Status], command: AgreementCommand
) -> None:
    """Refuse a command the current status does not allow.

    Raises:
        InvalidTransition: ``invalid_transition``, naming the status and the allowed ones.
    """
    if state.status not in allowed:
        expected = ", ".join(sorted(s.value for s in allowed))
        raise InvalidTransition(
            f"{command.type} is not possible while the matter is {state.status.value} "
            f"(only while {expected})",
            (LIFECYCLE_BASIS,),
        )


def has_passed(due: Due, ctx: DecisionContext) -> bool:
    """Whether the day ``due`` is over in Almaty at the decision time."""
    return ctx.now >= end_of_day(due.on)


def require_in_time(due: Due, ctx: DecisionContext, what: str) -> None:
    """Refuse an act that came after its deadline.

    Raises:
        DeadlinePassed: ``deadline_passed``, with the term's legal basis.
    """
    if has_passed(due, ctx):
        raise DeadlinePassed(
            f"{what} was due by {due.on.isoformat()}; that day is over", due.legal_basis
        )


def require_passed(due: Due, ctx: DecisionContext, what: str) -> None:
    """Refuse a timer's act before its deadline has passed.

    Raises:
        RuleViolation: ``deadline_not_passed``.
    """
    if not has_passed(due, ctx):
        raise RuleViolation(
            f"{what} is due by {due.on.isoformat()}, which is not over yet",
            due.legal_basis,
            code="deadline_not_passed",
        )


def require_new_id(state: AgreementState, value: str, field: str) -> None:
    """Refuse an id used before in this agreement's stream.

    Raises:
        InvalidInput: ``duplicate_id``.
    """
    if value in state.ids:
        raise InvalidInput(f"{field} {value!r} is taken already", code="duplicate_id", field=field)


def require_not_in_future(day: date, ctx: DecisionContext, field: str) -> None:
    """Refuse a record of something that has not happened yet.

    Raises:
        InvalidInput: ``date_in_future``.
    """
    if day > ctx.today:
        raise InvalidInput(
            f"{field} {day.isoformat()} is after today, {ctx.today.isoformat()}",
            code="date_in_future",
            field=field,
        )


def require_term_within_zone(start: date, end: date, ctx: DecisionContext, field: str) -> None:
    """Refuse a term that ends after the zone's end in force, is empty, or is already over.

    Raises:
        RuleViolation: ``term_beyond_zone_end`` [Decree 1166 item 1] or ``term_already_over``.
        InvalidInput: ``term_empty`` if ``end`` is not after ``start``.
    """
    zone_end = ctx.rule_set.zone_end
    if end > zone_end:
        raise RuleViolation(
            f"the term would end on {end.isoformat()}, after the zone's end on "
            f"{zone_end.isoformat()} (rule set {ctx.rule_set.version})",
            (DECREE_ITEM_1,),
            code="term_beyond_zone_end",
            field=field,
        )
    if end <= start:
        raise InvalidInput(
            f"the term must end after it starts ({start.isoformat()})",
            code="term_empty",
            field=field,
        )
    if end <= ctx.today:
        raise RuleViolation(
            f"the term would end on {end.isoformat()}, which is not after today",
            (TERM_BASIS,),
            code="term_already_over",
            field=field,
        )


def require_obligation_years(
    obligations: Iterable[YearObligations], start: date, end: date, field: str
) -> tuple[YearObligations, ...]:
    """The obligations sorted by year, each year once and within the term.

    Raises:
        InvalidInput: ``obligation_years``.
    """
    ordered = tuple(sorted(obligations, key=lambda o: o.year))
    years = [o.year for o in ordered]
    if len(set(years)) != len(years):
        raise InvalidInput("each year may appear only once", code="obligation_years", field=field)
    in_force = term_years(start, end)
    outside = [year for year in years if year not in in_force]
    if outside:
        raise InvalidInput(
            f"obligations for {outside} fall outside the term {in_force[0]}-{in_force[-1]} "
            f"(it ends on {end})",
            code="obligation_years",
            field=field,
        )
    return ordered
