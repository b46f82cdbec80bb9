"""Events of monitoring and breach (DOMAIN.md §3.7, Decree 1166 Reg. §9.10)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from domain.agreement.values import BreachGround, Due, Reference, Shortfall, Text
from domain.event import DomainEvent


class ObligationsAssessed(DomainEvent):
    """An accepted report was assessed against the year's obligations; ``shortfalls`` lists
    every obligation the actuals fell short of (empty: all met)."""

    type: Literal["ObligationsAssessed"] = "ObligationsAssessed"
    schema_version: Literal[1] = 1
    report_id: Reference
    year: int
    shortfalls: tuple[Shortfall, ...] = ()


class SiteVisitRecorded(DomainEvent):
    """Staff recorded a site visit; ``terms_met`` false opens a monitoring issue."""

    type: Literal["SiteVisitRecorded"] = "SiteVisitRecorded"
    schema_version: Literal[1] = 1
    visit_id: Reference
    visited_on: date
    findings: Text
    terms_met: bool


class BreachNoticeIssued(DomainEvent):
    """Staff issued a breach notice on every open monitoring issue; the participant cures by
    ``cure_due``."""

    type: Literal["BreachNoticeIssued"] = "BreachNoticeIssued"
    schema_version: Literal[1] = 1
    notice_id: Reference
    grounds: tuple[BreachGround, ...] = Field(min_length=1)
    description: Text
    cure_due: Due


class BreachCured(DomainEvent):
    """Staff recorded that the breach was cured: the agreement is active again."""

    type: Literal["BreachCured"] = "BreachCured"
    schema_version: Literal[1] = 1
    notice_id: Reference
    note: Text


class CurePeriodLapsed(DomainEvent):
    """The cure period passed with the breach uncured."""

    type: Literal["CurePeriodLapsed"] = "CurePeriodLapsed"
    schema_version: Literal[1] = 1
    notice_id: Reference
