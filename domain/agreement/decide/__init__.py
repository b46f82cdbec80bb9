"""``decide(command, state, ctx) -> events``: pure, one function per command, by phase."""

from __future__ import annotations

from typing import assert_never

from domain.agreement.commands import (
    AcceptAnnualReport,
    AddAuditAnnotation,
    AgreementCommand,
    ApproveAmendment,
    ApproveConclusion,
    ApproveTermination,
    ConfirmGoodsConsumption,
    ConsentToTermination,
    DeclareGoodsConsumption,
    EscalateOverdueReport,
    ExpireAgreement,
    IssueAuthorityNotice,
    IssueBreachNotice,
    LapseAmendment,
    LapseApplication,
    LapseCurePeriod,
    LapseSigning,
    MarkAnnualReportOverdue,
    MarkDecisionOverdue,
    ProposeAmendment,
    ProposeTermination,
    RecommendConclusion,
    RecommendRefusal,
    RecordAuthorityNotified,
    RecordBreachCured,
    RecordRegisterEntry,
    RecordRegisterEntryClosed,
    RecordReminderSent,
    RecordSiteVisit,
    RefuseApplication,
    RejectAmendment,
    RejectGoodsDeclaration,
    RejectTermination,
    RequestChanges,
    RequestTermination,
    ResubmitAnnualReport,
    ResubmitApplication,
    ReturnAnnualReport,
    SignAmendment,
    SignAsParticipant,
    SignForManagementCompany,
    SubmitAnnualReport,
    SubmitApplication,
    TerminateForZoneEnd,
)
from domain.agreement.context import DecisionContext
from domain.agreement.decide import (
    amendment,
    application,
    audit,
    conclusion,
    goods,
    monitoring,
    registration,
    reporting,
    termination,
)
from domain.agreement.events import AgreementEvent
from domain.agreement.guards import LIFECYCLE_BASIS
from domain.agreement.permissions import require_permitted
from domain.agreement.state import AgreementState
from domain.errors import InvalidTransition


def decide(
    command: AgreementCommand, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """The events a command produces on this state, stamped with the actor, the time, the legal
    basis and the version of the rules in force on the Almaty date of ``ctx.now``.

    Checks run in this order: the actor's role, BIN and the four-eyes rule; a final record
    (only audit annotations follow it); then the command's own rules.

    Raises:
        NotPermitted: the role may not, the participant acts on another BIN, or four-eyes.
        InvalidTransition: not in this state.
        DeadlinePassed: the command came after its deadline.
        RuleViolation: a rule of the zone refuses it.
        InvalidInput: the input breaks a rule of form (an unknown id, a reused one...).
    """
    require_permitted(command, state, ctx.actor)
    if state.is_terminal and not isinstance(command, AddAuditAnnotation):
        raise InvalidTransition(
            f"the record is final ({state.status.value}): only audit annotations may follow",
            (LIFECYCLE_BASIS,),
            code="record_final",
        )
    return _decide(command, state, ctx)


def _decide(
    command: AgreementCommand, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    match command:
        case SubmitApplication():
            return application.submit_application(command, state, ctx)
        case RequestChanges():
            return application.request_changes(command, state, ctx)
        case ResubmitApplication():
            return application.resubmit_application(command, state, ctx)
        case LapseApplication():
            return application.lapse_application(command, state, ctx)
        case RecommendConclusion():
            return application.recommend_conclusion(command, state, ctx)
        case RecommendRefusal():
            return application.recommend_refusal(command, state, ctx)
        case MarkDecisionOverdue():
            return application.mark_decision_overdue(command, state, ctx)
        case ApproveConclusion():
            return conclusion.approve_conclusion(command, state, ctx)
        case RefuseApplication():
            return conclusion.refuse_application(command, state, ctx)
        case SignAsParticipant():
            return conclusion.sign_as_participant(command, state, ctx)
        case SignForManagementCompany():
            return conclusion.sign_for_management_company(command, state, ctx)
        case LapseSigning():
            return conclusion.lapse_signing(command, state, ctx)
        case RecordAuthorityNotified():
            return registration.record_authority_notified(command, state, ctx)
        case IssueAuthorityNotice():
            return registration.issue_authority_notice(command, state, ctx)
        case RecordRegisterEntry():
            return registration.record_register_entry(command, state, ctx)
        case RecordRegisterEntryClosed():
            return registration.record_register_entry_closed(command, state, ctx)
        case SubmitAnnualReport():
            return reporting.submit_annual_report(command, state, ctx)
        case ResubmitAnnualReport():
            return reporting.resubmit_annual_report(command, state, ctx)
        case AcceptAnnualReport():
            return reporting.accept_annual_report(command, state, ctx)
        case ReturnAnnualReport():
            return reporting.return_annual_report(command, state, ctx)
        case MarkAnnualReportOverdue():
            return reporting.mark_annual_report_overdue(command, state, ctx)
        case EscalateOverdueReport():
            return reporting.escalate_overdue_report(command, state, ctx)
        case RecordSiteVisit():
            return monitoring.record_site_visit(command, state, ctx)
        case IssueBreachNotice():
            return monitoring.issue_breach_notice(command, state, ctx)
        case RecordBreachCured():
            return monitoring.record_breach_cured(command, state, ctx)
        case LapseCurePeriod():
            return monitoring.lapse_cure_period(command, state, ctx)
        case ProposeAmendment():
            return amendment.propose_amendment(command, state, ctx)
        case ApproveAmendment():
            return amendment.approve_amendment(command, state, ctx)
        case RejectAmendment():
            return amendment.reject_amendment(command, state, ctx)
        case SignAmendment():
            return amendment.sign_amendment(command, state, ctx)
        case LapseAmendment():
            return amendment.lapse_amendment(command, state, ctx)
        case ProposeTermination():
            return termination.propose_termination(command, state, ctx)
        case RequestTermination():
            return termination.request_termination(command, state, ctx)
        case ConsentToTermination():
            return termination.consent_to_termination(command, state, ctx)
        case ApproveTermination():
            return termination.approve_termination(command, state, ctx)
        case RejectTermination():
            return termination.reject_termination(command, state, ctx)
        case ExpireAgreement():
            return termination.expire_agreement(command, state, ctx)
        case TerminateForZoneEnd():
            return termination.terminate_for_zone_end(command, state, ctx)
        case DeclareGoodsConsumption():
            return goods.declare_goods_consumption(command, state, ctx)
        case ConfirmGoodsConsumption():
            return goods.confirm_goods_consumption(command, state, ctx)
        case RejectGoodsDeclaration():
            return goods.reject_goods_declaration(command, state, ctx)
        case AddAuditAnnotation():
            return audit.add_audit_annotation(command, state, ctx)
        case RecordReminderSent():
            return audit.record_reminder_sent(command, state, ctx)
        case _:
            assert_never(command)
