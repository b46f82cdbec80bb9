"""Deciding the decision, the signatures and the conclusion (DOMAIN.md §3.4-3.5)."""

from __future__ import annotations

from domain.actors import SYSTEM_ACTOR
from domain.agreement.commands import (
    ApproveConclusion,
    LapseSigning,
    RefuseApplication,
    SignAsParticipant,
    SignForManagementCompany,
)
from domain.agreement.context import DecisionContext
from domain.agreement.events import (
    AgreementConcluded,
    AgreementEvent,
    ApplicationLapsed,
    ApplicationRefused,
    ConclusionApproved,
    SignedByManagementCompany,
    SignedByParticipant,
)
from domain.agreement.guards import (
    LIFECYCLE_BASIS,
    has_passed,
    require_in_time,
    require_obligation_years,
    require_passed,
    require_status,
    require_term_within_zone,
)
from domain.agreement.state import AgreementState
from domain.agreement.terms import (
    authorized_body_notice_due,
    register_due,
    report_schedule,
    signing_due,
    tax_authority_notice_due,
)
from domain.agreement.values import Due, Reason
from domain.agreement.vocabulary import LapseReason, RefusalGround, Status
from domain.errors import InvalidTransition
from domain.legal_basis import DECREE_ITEM_1, LAW, REG_9_3

DECISION_BASIS = (REG_9_3, LAW)

_GROUND_TEXT = {
    RefusalGround.ACTIVITY_MISMATCH: "the project does not match the declared activity type",
    RefusalGround.SELECTION_CRITERIA: "the project does not meet the project selection criteria",
    RefusalGround.DOCUMENTS: "the documents do not match the application or are incomplete",
}


def _decision_due(state: AgreementState) -> Due:
    if state.decision_due is None:  # set by every submission and resubmission
        raise InvalidTransition("no application awaits a decision", (LIFECYCLE_BASIS,))
    return state.decision_due


def approve_conclusion(
    command: ApproveConclusion, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Decide to conclude, on the application's terms unless the approver sets others.

    A decision after the Law's 10 days is still taken (refusing it would only hurt the
    applicant) and is recorded as late.
    """
    require_status(state, {Status.RECOMMENDED}, command)
    form = state.form
    if form is None:  # a recommended application always has its form
        raise InvalidTransition("no application to decide", (LIFECYCLE_BASIS,))
    start = command.start_date or form.requested_start
    end = command.end_date or form.requested_end
    require_term_within_zone(start, end, ctx, "end_date")
    obligations = require_obligation_years(
        command.obligations or form.planned_obligations, start, end, "obligations"
    )
    decided_by = _decision_due(state)
    due = signing_due(ctx.today, ctx.rule_set)
    return [
        ConclusionApproved(
            **ctx.stamp(*DECISION_BASIS, DECREE_ITEM_1, *decided_by.legal_basis),
            agreement_number=command.agreement_number,
            start_date=start,
            end_date=end,
            obligations=obligations,
            decision_due=decided_by.on,
            late=has_passed(decided_by, ctx),
            signing_due=due,
        )
    ]


def refuse_application(
    command: RefuseApplication, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Decide to refuse, on the Law's grounds; late decisions are recorded as late."""
    require_status(state, {Status.RECOMMENDED}, command)
    decided_by = _decision_due(state)
    return [
        ApplicationRefused(
            **ctx.stamp(*DECISION_BASIS, *decided_by.legal_basis),
            stage="decision",
            reasons=tuple(
                Reason(
                    code=ground.value,
                    message=f"{_GROUND_TEXT[ground]}: {command.note}",
                    legal_basis=(LAW,),
                )
                for ground in command.grounds
            ),
            decision_due=decided_by.on,
            late=has_passed(decided_by, ctx),
        )
    ]


def _conclusion(state: AgreementState, ctx: DecisionContext) -> AgreementConcluded:
    """The agreement both parties have now signed: in force from the later of the approved
    start and today, never past the zone's end in force today."""
    terms = state.approved
    if terms is None:  # signatures are only taken on approved terms
        raise InvalidTransition("no approved terms to conclude on", (LIFECYCLE_BASIS,))
    today = ctx.today
    effective = max(terms.start_date, today)
    require_term_within_zone(effective, terms.end_date, ctx, "end_date")
    rules = ctx.rule_set
    return AgreementConcluded(
        **ctx.stamp(REG_9_3, LAW, DECREE_ITEM_1, actor=SYSTEM_ACTOR),
        agreement_number=terms.agreement_number,
        concluded_on=today,
        effective_date=effective,
        end_date=terms.end_date,
        zone_end=rules.zone_end,
        obligations=terms.obligations,
        annual_reports=report_schedule(effective, terms.end_date, rules),
        authorized_body_notice_due=authorized_body_notice_due(today, rules),
        tax_authority_notice_due=tax_authority_notice_due(today, rules),
        register_entry_due=register_due(today, rules),
    )


def _require_signable(state: AgreementState, ctx: DecisionContext, signed: bool) -> Due:
    if signed:
        raise InvalidTransition(
            "this party has signed already", (LIFECYCLE_BASIS,), code="already_signed"
        )
    due = state.signing_due
    if due is None:  # set with the approved terms
        raise InvalidTransition("nothing awaits signature", (LIFECYCLE_BASIS,))
    require_in_time(due, ctx, "the signature")
    return due


def sign_as_participant(
    command: SignAsParticipant, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """The participant signs; if the management company has, the agreement is concluded."""
    require_status(state, {Status.AWAITING_SIGNATURES}, command)
    due = _require_signable(state, ctx, state.signed_by_participant)
    events: list[AgreementEvent] = [SignedByParticipant(**ctx.stamp(REG_9_3, *due.legal_basis))]
    if state.signed_by_management_company:
        events.append(_conclusion(state, ctx))
    return events


def sign_for_management_company(
    command: SignForManagementCompany, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """The management company signs; if the participant has, the agreement is concluded."""
    require_status(state, {Status.AWAITING_SIGNATURES}, command)
    due = _require_signable(state, ctx, state.signed_by_management_company)
    events: list[AgreementEvent] = [
        SignedByManagementCompany(**ctx.stamp(REG_9_3, *due.legal_basis))
    ]
    if state.signed_by_participant:
        events.append(_conclusion(state, ctx))
    return events


def lapse_signing(
    command: LapseSigning, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Lapse an agreement not signed by both parties by the signing day."""
    require_status(state, {Status.AWAITING_SIGNATURES}, command)
    due = state.signing_due
    if due is None:
        raise InvalidTransition("nothing awaits signature", (LIFECYCLE_BASIS,))
    require_passed(due, ctx, "the signatures")
    return [ApplicationLapsed(**ctx.stamp(*due.legal_basis), reason=LapseReason.NOT_SIGNED)]
