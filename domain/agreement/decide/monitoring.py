"""Deciding site visits and breach notices (DOMAIN.md §3.7, Decree 1166 Reg. §9.10)."""

from __future__ import annotations

from domain.agreement.commands import (
    IssueBreachNotice,
    LapseCurePeriod,
    RecordBreachCured,
    RecordSiteVisit,
)
from domain.agreement.context import DecisionContext
from domain.agreement.events import (
    AgreementEvent,
    BreachCured,
    BreachNoticeIssued,
    CurePeriodLapsed,
    SiteVisitRecorded,
    TerminationProposed,
)
from domain.agreement.guards import (
    require_new_id,
    require_not_in_future,
    require_passed,
    require_status,
)
from domain.agreement.records import BreachNoticeRecord
from domain.agreement.state import AgreementState
from domain.agreement.terms import cure_due
from domain.agreement.vocabulary import IN_FORCE, Status, TerminationGround
from domain.errors import InvalidInput, RuleViolation
from domain.legal_basis import LAW, REG_9_3, REG_9_10, policy

BREACH_GROUNDS_BASIS = policy("breach_notice_grounds")


def record_site_visit(
    command: RecordSiteVisit, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Record a site visit; one that finds the terms unmet opens a monitoring issue."""
    require_status(state, IN_FORCE, command)
    require_new_id(state, command.visit_id, "visit_id")
    require_not_in_future(command.visited_on, ctx, "visited_on")
    if state.concluded_on is not None and command.visited_on < state.concluded_on:
        raise InvalidInput(
            f"the visit cannot precede the conclusion on {state.concluded_on.isoformat()}",
            code="visit_before_conclusion",
            field="visited_on",
        )
    return [
        SiteVisitRecorded(
            **ctx.stamp(REG_9_10),
            visit_id=command.visit_id,
            visited_on=command.visited_on,
            findings=command.findings,
            terms_met=command.terms_met,
        )
    ]


def issue_breach_notice(
    command: IssueBreachNotice, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Issue a breach notice on every open monitoring issue, with the policy's cure period."""
    require_status(state, {Status.ACTIVE}, command)
    require_new_id(state, command.notice_id, "notice_id")
    if not state.monitoring_issues:
        raise RuleViolation(
            "a breach notice needs a ground: an obligation shortfall, a site visit that found "
            "the terms unmet, or a report overdue past escalation; there is none open",
            (REG_9_10, BREACH_GROUNDS_BASIS),
            code="no_breach_ground",
        )
    due = cure_due(ctx.today, ctx.rule_set)
    return [
        BreachNoticeIssued(
            **ctx.stamp(REG_9_10, *due.legal_basis),
            notice_id=command.notice_id,
            grounds=state.monitoring_issues,
            description=command.description,
            cure_due=due,
        )
    ]


def _open_notice(state: AgreementState, notice_id: str) -> BreachNoticeRecord:
    breach = state.breach
    if breach is None or breach.notice_id != notice_id:
        raise InvalidInput(
            f"no open breach notice {notice_id!r}", code="unknown_notice", field="notice_id"
        )
    return breach


def record_breach_cured(
    command: RecordBreachCured, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Record the cure: the notice's grounds close and the agreement is active again."""
    require_status(state, {Status.IN_BREACH}, command)
    _open_notice(state, command.notice_id)
    return [BreachCured(**ctx.stamp(REG_9_10), notice_id=command.notice_id, note=command.note)]


def lapse_cure_period(
    command: LapseCurePeriod, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Record the cure period passed uncured, and propose unilateral termination.

    The proposal bears the name of the staff member who issued the notice, so that the
    four-eyes rule keeps them from approving it; its id is the notice's.
    """
    require_status(state, {Status.IN_BREACH}, command)
    breach = _open_notice(state, command.notice_id)
    require_passed(breach.cure_due, ctx, "the cure")
    return [
        CurePeriodLapsed(
            **ctx.stamp(REG_9_10, *breach.cure_due.legal_basis), notice_id=breach.notice_id
        ),
        TerminationProposed(
            **ctx.stamp(REG_9_3, REG_9_10, LAW),
            termination_id=breach.notice_id,
            ground=TerminationGround.UNCURED_BREACH,
            proposed_by=breach.issued_by,
            reason=f"breach notice {breach.notice_id} not cured by "
            f"{breach.cure_due.on.isoformat()}",
        ),
    ]
