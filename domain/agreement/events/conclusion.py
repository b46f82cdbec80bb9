"""Events of decision, signing, conclusion and registration (DOMAIN.md §3.4-3.5)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from domain.agreement.values import Document, Due, Reference, ReportDue
from domain.agreement.vocabulary import Authority
from domain.application import ObligationSchedule
from domain.event import DomainEvent


class ConclusionApproved(DomainEvent):
    """The approver decided to conclude the agreement on these terms; both parties now sign.

    ``late`` is set when the decision came after ``decision_due`` (see ApplicationRefused).
    """

    type: Literal["ConclusionApproved"] = "ConclusionApproved"
    schema_version: Literal[1] = 1
    agreement_number: Reference
    start_date: date
    end_date: date
    obligations: ObligationSchedule
    decision_due: date
    late: bool = False
    signing_due: Due


class SignedByParticipant(DomainEvent):
    """The participant signed the agreement."""

    type: Literal["SignedByParticipant"] = "SignedByParticipant"
    schema_version: Literal[1] = 1


class SignedByManagementCompany(DomainEvent):
    """The management company's signatory signed the agreement."""

    type: Literal["SignedByManagementCompany"] = "SignedByManagementCompany"
    schema_version: Literal[1] = 1


class AgreementConcluded(DomainEvent):
    """Both parties signed: the agreement is concluded and in force from ``effective_date``.

    It carries every term the agreement now runs on: its end (never after ``zone_end``, the
    zone's end in force on the day of conclusion), the obligations per year, the annual reports
    due, and the days by which the authorities are notified and the register entry expected.
    """

    type: Literal["AgreementConcluded"] = "AgreementConcluded"
    schema_version: Literal[1] = 1
    agreement_number: Reference
    concluded_on: date
    effective_date: date
    end_date: date
    zone_end: date
    obligations: ObligationSchedule
    annual_reports: tuple[ReportDue, ...]
    authorized_body_notice_due: Due
    tax_authority_notice_due: Due
    register_entry_due: Due


class AuthorityNoticeIssued(DomainEvent):
    """The notice to an authority of the conclusion or the termination was generated and sent
    (the document as sent); it waits for staff to record the authority's acknowledgment."""

    type: Literal["AuthorityNoticeIssued"] = "AuthorityNoticeIssued"
    schema_version: Literal[1] = 1
    authority: Authority
    of: Literal["conclusion", "termination"]
    notice_id: Reference
    recipient: Reference
    subject: Reference
    document: Document


class AuthorityNotified(DomainEvent):
    """An authority was notified of the agreement's conclusion or termination."""

    type: Literal["AuthorityNotified"] = "AuthorityNotified"
    schema_version: Literal[1] = 1
    authority: Authority
    of: Literal["conclusion", "termination"]
    reference: Reference
    late: bool = False


class RegisterEntryRecorded(DomainEvent):
    """Staff recorded the participant's entry in the unified register of SEZ participants."""

    type: Literal["RegisterEntryRecorded"] = "RegisterEntryRecorded"
    schema_version: Literal[1] = 1
    register_number: Reference
    entered_on: date
    late: bool = False


class RegisterEntryClosed(DomainEvent):
    """Staff recorded that the authorized body closed the register entry after termination."""

    type: Literal["RegisterEntryClosed"] = "RegisterEntryClosed"
    schema_version: Literal[1] = 1
    closed_on: date
    late: bool = False
