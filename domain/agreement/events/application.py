"""Events of application and review (DOMAIN.md §3.1-3.3)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from domain.agreement.values import Due, Reason, Text
from domain.agreement.vocabulary import LapseReason, RefusalGround
from domain.application import ApplicationForm
from domain.event import DomainEvent
from domain.screening import Finding


class ApplicationSubmitted(DomainEvent):
    """An applicant submitted an application; it is registered the same day [Law 242-VI].

    ``decision_due`` is the day by which the approver must conclude or refuse.
    """

    type: Literal["ApplicationSubmitted"] = "ApplicationSubmitted"
    schema_version: Literal[1] = 1
    agreement_id: str = Field(min_length=1, max_length=100)
    form: ApplicationForm
    decision_due: Due


class ScreeningPassed(DomainEvent):
    """Screening found no hard failure; its soft findings go to the reviewer."""

    type: Literal["ScreeningPassed"] = "ScreeningPassed"
    schema_version: Literal[1] = 1
    findings: tuple[Finding, ...] = ()


class ApplicationRefused(DomainEvent):
    """The application was refused, by screening at once or by the approver's decision.

    ``late`` is set when the approver decided after ``decision_due``: the decision stands, and
    the record shows the Law's term was missed.
    """

    type: Literal["ApplicationRefused"] = "ApplicationRefused"
    schema_version: Literal[1] = 1
    stage: Literal["screening", "decision"]
    reasons: tuple[Reason, ...] = Field(min_length=1)
    decision_due: date | None = None
    late: bool = False


class ChangesRequested(DomainEvent):
    """A reviewer asked the applicant for changes, to be resubmitted by ``resubmission_due``."""

    type: Literal["ChangesRequested"] = "ChangesRequested"
    schema_version: Literal[1] = 1
    items: tuple[Text, ...] = Field(min_length=1)
    resubmission_due: Due


class ApplicationResubmitted(DomainEvent):
    """The applicant resubmitted the changed application; the decision term starts again."""

    type: Literal["ApplicationResubmitted"] = "ApplicationResubmitted"
    schema_version: Literal[1] = 1
    form: ApplicationForm
    decision_due: Due


class ApplicationLapsed(DomainEvent):
    """The application ended without a decision of substance (not resubmitted, not signed, or
    the zone ended first)."""

    type: Literal["ApplicationLapsed"] = "ApplicationLapsed"
    schema_version: Literal[1] = 1
    reason: LapseReason


class ConclusionRecommended(DomainEvent):
    """A reviewer recommended concluding the agreement."""

    type: Literal["ConclusionRecommended"] = "ConclusionRecommended"
    schema_version: Literal[1] = 1
    note: Text


class RefusalRecommended(DomainEvent):
    """A reviewer recommended refusing the application, on grounds of the Law."""

    type: Literal["RefusalRecommended"] = "RefusalRecommended"
    schema_version: Literal[1] = 1
    grounds: tuple[RefusalGround, ...] = Field(min_length=1)
    note: Text


class DecisionOverdue(DomainEvent):
    """The decision term passed with no decision: staff are escalated to."""

    type: Literal["DecisionOverdue"] = "DecisionOverdue"
    schema_version: Literal[1] = 1
    decision_due: date
