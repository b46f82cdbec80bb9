"""Commands of monitoring and breach (DOMAIN.md §3.7)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from domain.agreement.commands.base import Command
from domain.agreement.values import Reference, Text


class RecordSiteVisit(Command):
    """A reviewer records a site visit and whether the terms were found met."""

    type: Literal["RecordSiteVisit"] = "RecordSiteVisit"
    visit_id: Reference
    visited_on: date
    findings: Text
    terms_met: bool


class IssueBreachNotice(Command):
    """A reviewer issues a breach notice on every open monitoring issue."""

    type: Literal["IssueBreachNotice"] = "IssueBreachNotice"
    notice_id: Reference
    description: Text


class RecordBreachCured(Command):
    """A reviewer records that the participant cured the breach."""

    type: Literal["RecordBreachCured"] = "RecordBreachCured"
    notice_id: Reference
    note: Text


class LapseCurePeriod(Command):
    """The system records that the cure period passed uncured (the cure timer); termination is
    proposed."""

    type: Literal["LapseCurePeriod"] = "LapseCurePeriod"
    notice_id: Reference
