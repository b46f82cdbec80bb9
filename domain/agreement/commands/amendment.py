"""Commands of amendments (DOMAIN.md §3.8)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from domain.agreement.commands.base import Command
from domain.agreement.values import Reference, Text
from domain.application import ObligationSchedule


class ProposeAmendment(Command):
    """A reviewer proposes a new end date, new obligations, or both."""

    type: Literal["ProposeAmendment"] = "ProposeAmendment"
    amendment_id: Reference
    end_date: date | None = None
    obligations: ObligationSchedule | None = None
    reason: Text


class ApproveAmendment(Command):
    """An approver other than the proposer approves the amendment (four-eyes)."""

    type: Literal["ApproveAmendment"] = "ApproveAmendment"
    amendment_id: Reference


class RejectAmendment(Command):
    """An approver rejects the amendment."""

    type: Literal["RejectAmendment"] = "RejectAmendment"
    amendment_id: Reference
    reason: Text


class SignAmendment(Command):
    """The participant signs the approved amendment, which then takes effect."""

    type: Literal["SignAmendment"] = "SignAmendment"
    amendment_id: Reference


class LapseAmendment(Command):
    """The system lapses an approved amendment not signed in time (the signing timer)."""

    type: Literal["LapseAmendment"] = "LapseAmendment"
    amendment_id: Reference
