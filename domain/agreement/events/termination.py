"""Events of termination (DOMAIN.md §3.9)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from domain.agreement.values import Due, Reference, Text
from domain.agreement.vocabulary import TerminationGround
from domain.event import DomainEvent


class TerminationProposed(DomainEvent):
    """Termination was proposed on ``ground``; an approver other than ``proposed_by`` decides.

    For an uncured breach the system proposes when the cure period lapses, and ``proposed_by``
    is the staff member who issued the breach notice (the four-eyes rule binds them).
    """

    type: Literal["TerminationProposed"] = "TerminationProposed"
    schema_version: Literal[1] = 1
    termination_id: Reference
    ground: TerminationGround
    proposed_by: str = Field(min_length=1, max_length=200)
    reason: Text
    reference: Reference | None = None  # the court decision, the liquidation record...


class TerminationConsented(DomainEvent):
    """The participant consented to a termination by mutual consent."""

    type: Literal["TerminationConsented"] = "TerminationConsented"
    schema_version: Literal[1] = 1
    termination_id: Reference


class TerminationRejected(DomainEvent):
    """An approver rejected the proposed termination: the agreement stays in force."""

    type: Literal["TerminationRejected"] = "TerminationRejected"
    schema_version: Literal[1] = 1
    termination_id: Reference
    reason: Text


class AgreementTerminated(DomainEvent):
    """The agreement is terminated on ``ground``. The authorities are notified by their due days
    and, if the participant was entered in the register, the entry is closed; then the record
    is final."""

    type: Literal["AgreementTerminated"] = "AgreementTerminated"
    schema_version: Literal[1] = 1
    termination_id: Reference | None = None
    ground: TerminationGround
    terminated_on: date
    authorized_body_notice_due: Due
    tax_authority_notice_due: Due
    register_closure_due: Due | None = None
