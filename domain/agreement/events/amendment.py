"""Events of amendments (DOMAIN.md §3.8): proposed, approved (four-eyes), signed."""

from __future__ import annotations

from datetime import date
from typing import Literal

from domain.agreement.values import Due, Reference, ReportDue, Text
from domain.application import ObligationSchedule
from domain.event import DomainEvent


class AmendmentProposed(DomainEvent):
    """A reviewer proposed changing the end date, the obligations, or both."""

    type: Literal["AmendmentProposed"] = "AmendmentProposed"
    schema_version: Literal[1] = 1
    amendment_id: Reference
    end_date: date | None = None
    obligations: ObligationSchedule | None = None
    reason: Text


class AmendmentApproved(DomainEvent):
    """An approver other than the proposer approved the amendment; the participant signs by
    ``signing_due``."""

    type: Literal["AmendmentApproved"] = "AmendmentApproved"
    schema_version: Literal[1] = 1
    amendment_id: Reference
    signing_due: Due


class AmendmentRejected(DomainEvent):
    """An approver rejected the amendment."""

    type: Literal["AmendmentRejected"] = "AmendmentRejected"
    schema_version: Literal[1] = 1
    amendment_id: Reference
    reason: Text


class AmendmentSigned(DomainEvent):
    """The participant signed: the amendment is in effect, and these are the agreement's terms
    from now on (end date, obligations, the annual reports due), with ``zone_end``, the zone's
    end in force on the day of signing that the end date was checked against."""

    type: Literal["AmendmentSigned"] = "AmendmentSigned"
    schema_version: Literal[1] = 1
    amendment_id: Reference
    end_date: date
    zone_end: date
    obligations: ObligationSchedule
    annual_reports: tuple[ReportDue, ...]


class AmendmentLapsed(DomainEvent):
    """The participant did not sign the approved amendment in time."""

    type: Literal["AmendmentLapsed"] = "AmendmentLapsed"
    schema_version: Literal[1] = 1
    amendment_id: Reference
