"""``evolve(state, event) -> state``: pure and total over the events of an agreement.

Events carry every day and term they set, so evolving needs no rules and no calendar: folding
the same events always gives the same state. Every event counts one version, refusals and
annotations included, though those change nothing else.
"""

from __future__ import annotations

from typing import assert_never

from domain.agreement.events import (
    ActionRefused,
    AgreementConcluded,
    AgreementEvent,
    AgreementTerminated,
    AmendmentApproved,
    AmendmentLapsed,
    AmendmentProposed,
    AmendmentRejected,
    AmendmentSigned,
    AnnualReportAccepted,
    AnnualReportEscalated,
    AnnualReportOverdue,
    AnnualReportResubmitted,
    AnnualReportReturned,
    AnnualReportSubmitted,
    ApplicationLapsed,
    ApplicationRefused,
    ApplicationResubmitted,
    ApplicationSubmitted,
    AuditAnnotationAdded,
    AuthorityNoticeIssued,
    AuthorityNotified,
    BreachCured,
    BreachNoticeIssued,
    ChangesRequested,
    ConclusionApproved,
    ConclusionRecommended,
    CurePeriodLapsed,
    DecisionOverdue,
    GoodsConsumptionConfirmed,
    GoodsConsumptionDeclared,
    GoodsDeclarationRejected,
    ObligationsAssessed,
    RefusalRecommended,
    RegisterEntryClosed,
    RegisterEntryRecorded,
    ReminderSent,
    ScreeningPassed,
    SignedByManagementCompany,
    SignedByParticipant,
    SiteVisitRecorded,
    TerminationConsented,
    TerminationProposed,
    TerminationRejected,
)
from domain.agreement.evolve import (
    amendment,
    application,
    goods,
    registration,
    reporting,
    termination,
)
from domain.agreement.state import AgreementState, Updates


def evolve(state: AgreementState, event: AgreementEvent) -> AgreementState:
    """The state after one more event."""
    updates = _updates(state, event)
    return state.model_copy(update={**updates, "version": state.version + 1})


def _updates(state: AgreementState, event: AgreementEvent) -> Updates:
    match event:
        case ApplicationSubmitted():
            return application.submitted(state, event)
        case ScreeningPassed():
            return application.screening_passed(state, event)
        case ApplicationRefused():
            return application.refused(state, event)
        case ChangesRequested():
            return application.changes_requested(state, event)
        case ApplicationResubmitted():
            return application.resubmitted(state, event)
        case ApplicationLapsed():
            return application.lapsed(state, event)
        case ConclusionRecommended():
            return application.conclusion_recommended(state, event)
        case RefusalRecommended():
            return application.refusal_recommended(state, event)
        case DecisionOverdue():
            return application.decision_overdue(state, event)
        case ConclusionApproved():
            return application.conclusion_approved(state, event)
        case SignedByParticipant():
            return application.signed_by_participant(state, event)
        case SignedByManagementCompany():
            return application.signed_by_management_company(state, event)
        case AgreementConcluded():
            return application.concluded(state, event)
        case AuthorityNoticeIssued():
            return registration.authority_notice_issued(state, event)
        case AuthorityNotified():
            return registration.authority_notified(state, event)
        case RegisterEntryRecorded():
            return registration.register_entry_recorded(state, event)
        case RegisterEntryClosed():
            return registration.register_entry_closed(state, event)
        case AnnualReportSubmitted():
            return reporting.report_submitted(state, event)
        case AnnualReportResubmitted():
            return reporting.report_resubmitted(state, event)
        case AnnualReportAccepted():
            return reporting.report_accepted(state, event)
        case AnnualReportReturned():
            return reporting.report_returned(state, event)
        case AnnualReportOverdue():
            return reporting.report_overdue(state, event)
        case AnnualReportEscalated():
            return reporting.report_escalated(state, event)
        case ObligationsAssessed():
            return reporting.obligations_assessed(state, event)
        case SiteVisitRecorded():
            return reporting.site_visit_recorded(state, event)
        case BreachNoticeIssued():
            return reporting.breach_notice_issued(state, event)
        case BreachCured():
            return reporting.breach_cured(state, event)
        case CurePeriodLapsed():
            return reporting.cure_period_lapsed(state, event)
        case AmendmentProposed():
            return amendment.proposed(state, event)
        case AmendmentApproved():
            return amendment.approved(state, event)
        case AmendmentRejected():
            return amendment.rejected(state, event)
        case AmendmentSigned():
            return amendment.signed(state, event)
        case AmendmentLapsed():
            return amendment.lapsed(state, event)
        case TerminationProposed():
            return termination.proposed(state, event)
        case TerminationConsented():
            return termination.consented(state, event)
        case TerminationRejected():
            return termination.rejected(state, event)
        case AgreementTerminated():
            return termination.terminated(state, event)
        case GoodsConsumptionDeclared():
            return goods.declared(state, event)
        case GoodsConsumptionConfirmed():
            return goods.confirmed(state, event)
        case GoodsDeclarationRejected():
            return goods.rejected(state, event)
        case AuditAnnotationAdded():
            return {"ids": state.ids | {event.annotation_id}}
        case ReminderSent():
            return {"ids": state.ids | {event.reminder_id}}
        case ActionRefused():
            return {}
        case _:
            assert_never(event)
