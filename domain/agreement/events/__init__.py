"""Every event of an agreement's stream, and ``AgreementEvent``, their union on ``type``."""

from __future__ import annotations

from typing import Annotated, TypeAlias

from pydantic import Field, TypeAdapter

from domain.agreement.events.amendment import (
    AmendmentApproved,
    AmendmentLapsed,
    AmendmentProposed,
    AmendmentRejected,
    AmendmentSigned,
)
from domain.agreement.events.application import (
    ApplicationLapsed,
    ApplicationRefused,
    ApplicationResubmitted,
    ApplicationSubmitted,
    ChangesRequested,
    ConclusionRecommended,
    DecisionOverdue,
    RefusalRecommended,
    ScreeningPassed,
)
from domain.agreement.events.audit import ActionRefused, AuditAnnotationAdded, ReminderSent
from domain.agreement.events.conclusion import (
    AgreementConcluded,
    AuthorityNoticeIssued,
    AuthorityNotified,
    ConclusionApproved,
    RegisterEntryClosed,
    RegisterEntryRecorded,
    SignedByManagementCompany,
    SignedByParticipant,
)
from domain.agreement.events.goods import (
    GoodsConsumptionConfirmed,
    GoodsConsumptionDeclared,
    GoodsDeclarationRejected,
)
from domain.agreement.events.monitoring import (
    BreachCured,
    BreachNoticeIssued,
    CurePeriodLapsed,
    ObligationsAssessed,
    SiteVisitRecorded,
)
from domain.agreement.events.reporting import (
    AnnualReportAccepted,
    AnnualReportEscalated,
    AnnualReportOverdue,
    AnnualReportResubmitted,
    AnnualReportReturned,
    AnnualReportSubmitted,
)
from domain.agreement.events.termination import (
    AgreementTerminated,
    TerminationConsented,
    TerminationProposed,
    TerminationRejected,
)

AgreementEvent: TypeAlias = Annotated[
    ApplicationSubmitted
    | ScreeningPassed
    | ApplicationRefused
    | ChangesRequested
    | ApplicationResubmitted
    | ApplicationLapsed
    | ConclusionRecommended
    | RefusalRecommended
    | DecisionOverdue
    | ConclusionApproved
    | SignedByParticipant
    | SignedByManagementCompany
    | AgreementConcluded
    | AuthorityNoticeIssued
    | AuthorityNotified
    | RegisterEntryRecorded
    | RegisterEntryClosed
    | AnnualReportSubmitted
    | AnnualReportResubmitted
    | AnnualReportAccepted
    | AnnualReportReturned
    | AnnualReportOverdue
    | AnnualReportEscalated
    | ObligationsAssessed
    | SiteVisitRecorded
    | BreachNoticeIssued
    | BreachCured
    | CurePeriodLapsed
    | AmendmentProposed
    | AmendmentApproved
    | AmendmentRejected
    | AmendmentSigned
    | AmendmentLapsed
    | TerminationProposed
    | TerminationConsented
    | TerminationRejected
    | AgreementTerminated
    | GoodsConsumptionDeclared
    | GoodsConsumptionConfirmed
    | GoodsDeclarationRejected
    | AuditAnnotationAdded
    | ActionRefused
    | ReminderSent,
    Field(discriminator="type"),
]

# Reads any stored event of an agreement's stream: ``AGREEMENT_EVENT.validate_python(data)``.
AGREEMENT_EVENT: TypeAdapter[AgreementEvent] = TypeAdapter(AgreementEvent)

__all__ = [
    "AGREEMENT_EVENT",
    "ActionRefused",
    "AgreementConcluded",
    "AgreementEvent",
    "AgreementTerminated",
    "AmendmentApproved",
    "AmendmentLapsed",
    "AmendmentProposed",
    "AmendmentRejected",
    "AmendmentSigned",
    "AnnualReportAccepted",
    "AnnualReportEscalated",
    "AnnualReportOverdue",
    "AnnualReportResubmitted",
    "AnnualReportReturned",
    "AnnualReportSubmitted",
    "ApplicationLapsed",
    "ApplicationRefused",
    "ApplicationResubmitted",
    "ApplicationSubmitted",
    "AuditAnnotationAdded",
    "AuthorityNoticeIssued",
    "AuthorityNotified",
    "BreachCured",
    "BreachNoticeIssued",
    "ChangesRequested",
    "ConclusionApproved",
    "ConclusionRecommended",
    "CurePeriodLapsed",
    "DecisionOverdue",
    "GoodsConsumptionConfirmed",
    "GoodsConsumptionDeclared",
    "GoodsDeclarationRejected",
    "ObligationsAssessed",
    "RefusalRecommended",
    "RegisterEntryClosed",
    "RegisterEntryRecorded",
    "ReminderSent",
    "ScreeningPassed",
    "SignedByManagementCompany",
    "SignedByParticipant",
    "SiteVisitRecorded",
    "TerminationConsented",
    "TerminationProposed",
    "TerminationRejected",
]
