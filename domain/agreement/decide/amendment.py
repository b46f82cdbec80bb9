"""Deciding amendments (DOMAIN.md §3.8): a reviewer proposes, another approves, the
participant signs; the end date never passes the zone's end in force."""

from __future__ import annotations

from datetime import date

from domain.agreement.commands import (
    ApproveAmendment,
    LapseAmendment,
    ProposeAmendment,
    RejectAmendment,
    SignAmendment,
)
from domain.agreement.context import DecisionContext
from domain.agreement.events import (
    AgreementEvent,
    AmendmentApproved,
    AmendmentLapsed,
    AmendmentProposed,
    AmendmentRejected,
    AmendmentSigned,
)
from domain.agreement.guards import (
    LIFECYCLE_BASIS,
    require_in_time,
    require_new_id,
    require_obligation_years,
    require_passed,
    require_status,
    require_term_within_zone,
)
from domain.agreement.records import AmendmentRecord
from domain.agreement.state import AgreementState
from domain.agreement.terms import report_schedule, signing_due
from domain.agreement.values import Due
from domain.agreement.vocabulary import IN_FORCE, AmendmentStatus, Status
from domain.application import YearObligations
from domain.errors import InvalidInput, InvalidTransition
from domain.legal_basis import DECREE_ITEM_1, REG_9_3


def _current_term(state: AgreementState) -> tuple[date, date]:
    if state.effective_date is None or state.end_date is None:  # set on conclusion
        raise InvalidTransition("the agreement is not concluded", (LIFECYCLE_BASIS,))
    return state.effective_date, state.end_date


def _amended_terms(
    state: AgreementState,
    end_date: date | None,
    obligations: tuple[YearObligations, ...] | None,
    ctx: DecisionContext,
) -> tuple[date, tuple[YearObligations, ...]]:
    """The end date and obligations the agreement would have, checked against the zone."""
    effective, current_end = _current_term(state)
    end = end_date or current_end
    require_term_within_zone(effective, end, ctx, "end_date")
    schedule = require_obligation_years(
        obligations if obligations is not None else state.obligations,
        effective,
        end,
        "obligations",
    )
    return end, schedule


def propose_amendment(
    command: ProposeAmendment, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Propose a new end date, new obligations, or both; one amendment at a time."""
    require_status(state, {Status.ACTIVE, Status.IN_BREACH}, command)
    require_new_id(state, command.amendment_id, "amendment_id")
    pending = state.pending_amendment
    if pending is not None:
        raise InvalidTransition(
            f"amendment {pending.amendment_id} is pending; settle it first",
            (LIFECYCLE_BASIS,),
            code="amendment_pending",
        )
    if command.end_date is None and command.obligations is None:
        raise InvalidInput(
            "an amendment changes the end date, the obligations, or both",
            (REG_9_3,),
            code="empty_amendment",
        )
    _, obligations = _amended_terms(state, command.end_date, command.obligations, ctx)
    basis = (REG_9_3, DECREE_ITEM_1) if command.end_date else (REG_9_3,)
    return [
        AmendmentProposed(
            **ctx.stamp(*basis),
            amendment_id=command.amendment_id,
            end_date=command.end_date,
            obligations=obligations if command.obligations is not None else None,
            reason=command.reason,
        )
    ]


def _amendment(
    state: AgreementState, amendment_id: str, status: AmendmentStatus
) -> AmendmentRecord:
    amendment = state.amendments.get(amendment_id)
    if amendment is None:
        raise InvalidInput(
            f"no amendment {amendment_id!r}", code="unknown_amendment", field="amendment_id"
        )
    if amendment.status is not status:
        raise InvalidTransition(
            f"amendment {amendment_id} is {amendment.status.value}, not {status.value}",
            (LIFECYCLE_BASIS,),
            code="amendment_not_" + status.value,
        )
    return amendment


def approve_amendment(
    command: ApproveAmendment, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Approve a proposed amendment (never by its proposer); the participant signs next."""
    require_status(state, IN_FORCE, command)
    amendment = _amendment(state, command.amendment_id, AmendmentStatus.PROPOSED)
    _amended_terms(state, amendment.end_date, amendment.obligations, ctx)
    due = signing_due(ctx.today, ctx.rule_set)
    return [
        AmendmentApproved(
            **ctx.stamp(REG_9_3, *due.legal_basis),
            amendment_id=command.amendment_id,
            signing_due=due,
        )
    ]


def reject_amendment(
    command: RejectAmendment, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Reject a proposed amendment."""
    require_status(state, IN_FORCE, command)
    _amendment(state, command.amendment_id, AmendmentStatus.PROPOSED)
    return [
        AmendmentRejected(
            **ctx.stamp(REG_9_3), amendment_id=command.amendment_id, reason=command.reason
        )
    ]


def sign_amendment(
    command: SignAmendment, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """The participant signs in time: the amendment takes effect, checked once more against
    the zone's end in force today."""
    require_status(state, IN_FORCE, command)
    amendment = _amendment(state, command.amendment_id, AmendmentStatus.APPROVED)
    due: Due | None = amendment.signing_due
    if due is not None:
        require_in_time(due, ctx, "the signature of the amendment")
    end, obligations = _amended_terms(state, amendment.end_date, amendment.obligations, ctx)
    effective, _ = _current_term(state)
    return [
        AmendmentSigned(
            **ctx.stamp(REG_9_3, DECREE_ITEM_1),
            amendment_id=command.amendment_id,
            end_date=end,
            zone_end=ctx.rule_set.zone_end,
            obligations=obligations,
            annual_reports=report_schedule(effective, end, ctx.rule_set),
        )
    ]


def lapse_amendment(
    command: LapseAmendment, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Lapse an approved amendment the participant did not sign in time."""
    require_status(state, IN_FORCE, command)
    amendment = _amendment(state, command.amendment_id, AmendmentStatus.APPROVED)
    if amendment.signing_due is None:
        raise InvalidTransition("the amendment has no signing day", (LIFECYCLE_BASIS,))
    require_passed(amendment.signing_due, ctx, "the signature of the amendment")
    return [
        AmendmentLapsed(
            **ctx.stamp(REG_9_3, *amendment.signing_due.legal_basis),
            amendment_id=command.amendment_id,
        )
    ]
