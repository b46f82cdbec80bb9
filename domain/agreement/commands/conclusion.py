"""Commands of decision, signing and registration (DOMAIN.md §3.4-3.5)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from domain.agreement.commands.base import Command
from domain.agreement.values import Document, Reference, Text
from domain.agreement.vocabulary import Authority, RefusalGround
from domain.application import ObligationSchedule


class ApproveConclusion(Command):
    """An approver decides to conclude, assigning the agreement's number.

    The terms default to the application's (requested start and end, planned obligations);
    the approver may set others.
    """

    type: Literal["ApproveConclusion"] = "ApproveConclusion"
    agreement_number: Reference
    start_date: date | None = None
    end_date: date | None = None
    obligations: ObligationSchedule | None = None


class RefuseApplication(Command):
    """An approver decides to refuse the application."""

    type: Literal["RefuseApplication"] = "RefuseApplication"
    grounds: tuple[RefusalGround, ...] = Field(min_length=1, max_length=3)
    note: Text


class SignAsParticipant(Command):
    """The participant signs the approved agreement."""

    type: Literal["SignAsParticipant"] = "SignAsParticipant"


class SignForManagementCompany(Command):
    """The management company's signatory signs the approved agreement."""

    type: Literal["SignForManagementCompany"] = "SignForManagementCompany"


class LapseSigning(Command):
    """The system lapses an agreement not signed by both parties in time (the signing timer)."""

    type: Literal["LapseSigning"] = "LapseSigning"


class RecordAuthorityNotified(Command):
    """Record that an authority was notified of the conclusion or the termination (which one
    follows from the agreement's state)."""

    type: Literal["RecordAuthorityNotified"] = "RecordAuthorityNotified"
    authority: Authority
    reference: Reference


class IssueAuthorityNotice(Command):
    """The system issues the notice to an authority of the conclusion or the termination (which
    one follows from the state): the generated document, as sent to ``recipient``. Staff then
    record the authority's acknowledgment (``RecordAuthorityNotified``)."""

    type: Literal["IssueAuthorityNotice"] = "IssueAuthorityNotice"
    authority: Authority
    notice_id: Reference
    recipient: Reference
    subject: Reference
    document: Document


class RecordRegisterEntry(Command):
    """Staff record the participant's entry in the unified register of SEZ participants."""

    type: Literal["RecordRegisterEntry"] = "RecordRegisterEntry"
    register_number: Reference
    entered_on: date


class RecordRegisterEntryClosed(Command):
    """Staff record that the register entry was closed after termination."""

    type: Literal["RecordRegisterEntryClosed"] = "RecordRegisterEntryClosed"
    closed_on: date
