"""Deciding termination on every ground of DOMAIN.md §3.9."""

from __future__ import annotations

from domain.agreement.commands import (
    ApproveTermination,
    ConsentToTermination,
    ExpireAgreement,
    ProposeTermination,
    RejectTermination,
    RequestTermination,
    TerminateForZoneEnd,
)
from domain.agreement.context import DecisionContext
from domain.agreement.events import (
    AgreementEvent,
    AgreementTerminated,
    ApplicationLapsed,
    TerminationConsented,
    TerminationProposed,
    TerminationRejected,
)
from domain.agreement.guards import LIFECYCLE_BASIS, require_new_id, require_status
from domain.agreement.records import TerminationProposal
from domain.agreement.state import AgreementState
from domain.agreement.terms import (
    authorized_body_notice_due,
    register_due,
    tax_authority_notice_due,
)
from domain.agreement.vocabulary import (
    BEFORE_CONCLUSION,
    IN_FORCE,
    STAFF_TERMINATION_GROUNDS,
    LapseReason,
    Status,
    TerminationGround,
)
from domain.errors import InvalidInput, InvalidTransition, RuleViolation
from domain.legal_basis import DECREE_ITEM_1, LAW, LAW_ART_1_4, REG_9_3, REG_9_10, REG_16

# The legal basis of each ground of termination.
TERMINATION_BASIS: dict[TerminationGround, tuple[str, ...]] = {
    TerminationGround.EXPIRY: (REG_9_3,),
    TerminationGround.ZONE_END: (DECREE_ITEM_1, REG_16),
    TerminationGround.MUTUAL_CONSENT: (REG_9_3, LAW),
    TerminationGround.PARTICIPANT_REQUEST: (REG_9_3, LAW),
    TerminationGround.UNCURED_BREACH: (REG_9_3, REG_9_10, LAW),
    TerminationGround.LIQUIDATION: (REG_9_3, LAW_ART_1_4),
    TerminationGround.COURT_DECISION: (REG_9_3, LAW),
}
# Grounds that rest on a record outside pit, which the proposal must name.
_NEEDS_REFERENCE = frozenset({TerminationGround.LIQUIDATION, TerminationGround.COURT_DECISION})
_PROPOSABLE = (Status.ACTIVE, Status.IN_BREACH)


def _terminated(
    state: AgreementState,
    ctx: DecisionContext,
    ground: TerminationGround,
    termination_id: str | None = None,
) -> AgreementTerminated:
    """The termination, with the notices it owes the authorities and, if the participant was
    entered in the register, the closure of that entry."""
    today, rules = ctx.today, ctx.rule_set
    return AgreementTerminated(
        **ctx.stamp(*TERMINATION_BASIS[ground]),
        termination_id=termination_id,
        ground=ground,
        terminated_on=today,
        authorized_body_notice_due=authorized_body_notice_due(today, rules),
        tax_authority_notice_due=tax_authority_notice_due(today, rules),
        register_closure_due=register_due(today, rules) if state.register_number else None,
    )


def propose_termination(
    command: ProposeTermination, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """A reviewer proposes termination by mutual consent, for liquidation or on a court
    decision; an approver other than the proposer decides."""
    if command.ground not in STAFF_TERMINATION_GROUNDS:
        allowed = ", ".join(sorted(g.value for g in STAFF_TERMINATION_GROUNDS))
        raise InvalidInput(
            f"staff propose termination on {allowed}; {command.ground.value} comes from the "
            "participant, a breach notice or the system",
            TERMINATION_BASIS[command.ground],
            code="ground_not_proposable",
            field="ground",
        )
    require_status(state, _PROPOSABLE, command)
    require_new_id(state, command.termination_id, "termination_id")
    if command.ground in _NEEDS_REFERENCE and command.reference is None:
        raise InvalidInput(
            f"termination for {command.ground.value.replace('_', ' ')} names its record",
            TERMINATION_BASIS[command.ground],
            code="reference_required",
            field="reference",
        )
    return [
        TerminationProposed(
            **ctx.stamp(*TERMINATION_BASIS[command.ground]),
            termination_id=command.termination_id,
            ground=command.ground,
            proposed_by=ctx.actor.id,
            reason=command.reason,
            reference=command.reference,
        )
    ]


def request_termination(
    command: RequestTermination, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """The participant asks to end its agreement; an approver decides."""
    require_status(state, _PROPOSABLE, command)
    require_new_id(state, command.termination_id, "termination_id")
    ground = TerminationGround.PARTICIPANT_REQUEST
    return [
        TerminationProposed(
            **ctx.stamp(*TERMINATION_BASIS[ground]),
            termination_id=command.termination_id,
            ground=ground,
            proposed_by=ctx.actor.id,
            reason=command.reason,
        )
    ]


def _proposal(state: AgreementState, termination_id: str) -> TerminationProposal:
    proposal = state.termination_proposal
    if proposal is None or proposal.termination_id != termination_id:
        raise InvalidInput(
            f"no termination {termination_id!r} is proposed",
            code="unknown_termination",
            field="termination_id",
        )
    return proposal


def consent_to_termination(
    command: ConsentToTermination, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """The participant consents to a termination by mutual consent, once."""
    require_status(state, {Status.TERMINATION_PROPOSED}, command)
    proposal = _proposal(state, command.termination_id)
    if proposal.ground is not TerminationGround.MUTUAL_CONSENT or proposal.consented:
        raise InvalidTransition(
            "only a termination by mutual consent awaits the participant's consent, once",
            (LIFECYCLE_BASIS,),
            code="consent_not_awaited",
        )
    return [
        TerminationConsented(
            **ctx.stamp(*TERMINATION_BASIS[proposal.ground]),
            termination_id=command.termination_id,
        )
    ]


def approve_termination(
    command: ApproveTermination, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Terminate as proposed (never by the proposer); mutual consent needs the participant's."""
    require_status(state, {Status.TERMINATION_PROPOSED}, command)
    proposal = _proposal(state, command.termination_id)
    if proposal.ground is TerminationGround.MUTUAL_CONSENT and not proposal.consented:
        raise RuleViolation(
            "termination by mutual consent needs the participant's consent first",
            TERMINATION_BASIS[proposal.ground],
            code="consent_missing",
        )
    return [_terminated(state, ctx, proposal.ground, proposal.termination_id)]


def reject_termination(
    command: RejectTermination, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Reject the proposed termination: the agreement stays in force."""
    require_status(state, {Status.TERMINATION_PROPOSED}, command)
    proposal = _proposal(state, command.termination_id)
    return [
        TerminationRejected(
            **ctx.stamp(*TERMINATION_BASIS[proposal.ground]),
            termination_id=command.termination_id,
            reason=command.reason,
        )
    ]


def expire_agreement(
    command: ExpireAgreement, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Terminate an agreement whose end date has come.

    If the zone has ended too (per the rules in force today), the ground is the zone's end: a
    term that runs to the zone's last day ends because the zone does, and the agreement's timer
    and the zone's give the same record whichever fires first.
    """
    require_status(state, IN_FORCE, command)
    if state.end_date is None or ctx.today < state.end_date:
        raise RuleViolation(
            f"the agreement is in force until {state.end_date}",
            TERMINATION_BASIS[TerminationGround.EXPIRY],
            code="term_not_over",
        )
    zone_ended = ctx.today >= ctx.rule_set.zone_end
    return [
        _terminated(
            state, ctx, TerminationGround.ZONE_END if zone_ended else TerminationGround.EXPIRY
        )
    ]


def terminate_for_zone_end(
    command: TerminateForZoneEnd, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """End the matter because the zone ended, per the rule set in force today: an agreement is
    terminated, an application still open lapses. If an amendment of the regulation extended the
    zone, the command is refused and every agreement keeps its own end date."""
    require_status(state, {*BEFORE_CONCLUSION, *IN_FORCE}, command)
    rules = ctx.rule_set
    if ctx.today < rules.zone_end:
        raise RuleViolation(
            f"the zone exists until {rules.zone_end.isoformat()} (rule set {rules.version})",
            (DECREE_ITEM_1,),
            code="zone_not_ended",
        )
    if state.status in BEFORE_CONCLUSION:
        return [
            ApplicationLapsed(
                **ctx.stamp(*TERMINATION_BASIS[TerminationGround.ZONE_END]),
                reason=LapseReason.ZONE_ENDED,
            )
        ]
    return [_terminated(state, ctx, TerminationGround.ZONE_END)]
