"""Every command on an agreement, and ``AgreementCommand``, their union on ``type``."""

from __future__ import annotations

from typing import Annotated, TypeAlias

from pydantic import Field, TypeAdapter

from domain.agreement.commands.amendment import (
    ApproveAmendment,
    LapseAmendment,
    ProposeAmendment,
    RejectAmendment,
    SignAmendment,
)
from domain.agreement.commands.application import (
    LapseApplication,
    MarkDecisionOverdue,
    RecommendConclusion,
    RecommendRefusal,
    RequestChanges,
    ResubmitApplication,
    SubmitApplication,
)
from domain.agreement.commands.audit import AddAuditAnnotation, RecordReminderSent
from domain.agreement.commands.base import Command
from domain.agreement.commands.conclusion import (
    ApproveConclusion,
    IssueAuthorityNotice,
    LapseSigning,
    RecordAuthorityNotified,
    RecordRegisterEntry,
    RecordRegisterEntryClosed,
    RefuseApplication,
    SignAsParticipant,
    SignForManagementCompany,
)
from domain.agreement.commands.goods import (
    ConfirmGoodsConsumption,
    DeclareGoodsConsumption,
    RejectGoodsDeclaration,
)
from domain.agreement.commands.monitoring import (
    IssueBreachNotice,
    LapseCurePeriod,
    RecordBreachCured,
    RecordSiteVisit,
)
from domain.agreement.commands.reporting import (
    AcceptAnnualReport,
    EscalateOverdueReport,
    MarkAnnualReportOverdue,
    ResubmitAnnualReport,
    ReturnAnnualReport,
    SubmitAnnualReport,
)
from domain.agreement.commands.termination import (
    ApproveTermination,
    ConsentToTermination,
    ExpireAgreement,
    ProposeTermination,
    RejectTermination,
    RequestTermination,
    TerminateForZoneEnd,
)

AgreementCommand: TypeAlias = Annotated[
    SubmitApplication
    | RequestChanges
    | ResubmitApplication
    | LapseApplication
    | RecommendConclusion
    | RecommendRefusal
    | MarkDecisionOverdue
    | ApproveConclusion
    | RefuseApplication
    | SignAsParticipant
    | SignForManagementCompany
    | LapseSigning
    | RecordAuthorityNotified
    | IssueAuthorityNotice
    | RecordRegisterEntry
    | RecordRegisterEntryClosed
    | SubmitAnnualReport
    | ResubmitAnnualReport
    | AcceptAnnualReport
    | ReturnAnnualReport
    | MarkAnnualReportOverdue
    | EscalateOverdueReport
    | RecordSiteVisit
    | IssueBreachNotice
    | RecordBreachCured
    | LapseCurePeriod
    | ProposeAmendment
    | ApproveAmendment
    | RejectAmendment
    | SignAmendment
    | LapseAmendment
    | ProposeTermination
    | RequestTermination
    | ConsentToTermination
    | ApproveTermination
    | RejectTermination
    | ExpireAgreement
    | TerminateForZoneEnd
    | DeclareGoodsConsumption
    | ConfirmGoodsConsumption
    | RejectGoodsDeclaration
    | AddAuditAnnotation
    | RecordReminderSent,
    Field(discriminator="type"),
]

# Reads a command from JSON or a dict: ``AGREEMENT_COMMAND.validate_python(data)``.
AGREEMENT_COMMAND: TypeAdapter[AgreementCommand] = TypeAdapter(AgreementCommand)

__all__ = [
    "AGREEMENT_COMMAND",
    "AcceptAnnualReport",
    "AddAuditAnnotation",
    "AgreementCommand",
    "ApproveAmendment",
    "ApproveConclusion",
    "ApproveTermination",
    "Command",
    "ConfirmGoodsConsumption",
    "ConsentToTermination",
    "DeclareGoodsConsumption",
    "EscalateOverdueReport",
    "ExpireAgreement",
    "IssueAuthorityNotice",
    "IssueBreachNotice",
    "LapseAmendment",
    "LapseApplication",
    "LapseCurePeriod",
    "LapseSigning",
    "MarkAnnualReportOverdue",
    "MarkDecisionOverdue",
    "ProposeAmendment",
    "ProposeTermination",
    "RecommendConclusion",
    "RecommendRefusal",
    "RecordAuthorityNotified",
    "RecordBreachCured",
    "RecordRegisterEntry",
    "RecordRegisterEntryClosed",
    "RecordReminderSent",
    "RecordSiteVisit",
    "RefuseApplication",
    "RejectAmendment",
    "RejectGoodsDeclaration",
    "RejectTermination",
    "RequestChanges",
    "RequestTermination",
    "ResubmitAnnualReport",
    "ResubmitApplication",
    "ReturnAnnualReport",
    "SignAmendment",
    "SignAsParticipant",
    "SignForManagementCompany",
    "SubmitAnnualReport",
    "SubmitApplication",
    "TerminateForZoneEnd",
]
