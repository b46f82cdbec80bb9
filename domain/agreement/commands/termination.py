"""Commands of termination (DOMAIN.md §3.9)."""

from __future__ import annotations

from typing import Literal

from domain.agreement.commands.base import Command
from domain.agreement.values import Reference, Text
from domain.agreement.vocabulary import TerminationGround


class ProposeTermination(Command):
    """A reviewer proposes termination by mutual consent, for liquidation of the participant or
    on a court decision; ``reference`` names the supporting record."""

    type: Literal["ProposeTermination"] = "ProposeTermination"
    termination_id: Reference
    ground: TerminationGround
    reason: Text
    reference: Reference | None = None


class RequestTermination(Command):
    """The participant asks to terminate its agreement."""

    type: Literal["RequestTermination"] = "RequestTermination"
    termination_id: Reference
    reason: Text


class ConsentToTermination(Command):
    """The participant consents to a termination by mutual consent."""

    type: Literal["ConsentToTermination"] = "ConsentToTermination"
    termination_id: Reference


class ApproveTermination(Command):
    """An approver other than the proposer terminates the agreement (four-eyes)."""

    type: Literal["ApproveTermination"] = "ApproveTermination"
    termination_id: Reference


class RejectTermination(Command):
    """An approver rejects the proposed termination."""

    type: Literal["RejectTermination"] = "RejectTermination"
    termination_id: Reference
    reason: Text


class ExpireAgreement(Command):
    """The system terminates an agreement whose term ran out (the end-date timer)."""

    type: Literal["ExpireAgreement"] = "ExpireAgreement"


class TerminateForZoneEnd(Command):
    """The system ends an agreement (or lapses an application) because the zone ended or was
    abolished, per the rule set in force [Decree 1166 item 1, Reg. §16]."""

    type: Literal["TerminateForZoneEnd"] = "TerminateForZoneEnd"
