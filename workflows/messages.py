"""The messages of AgreementWorkflow: its input, a person's action, what a run carries on.

Kept out of workflows/agreement.py so that the workflow sandbox imports them once, as passed
through, instead of building these pydantic models again for every workflow run it loads.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from activities.mail import OutgoingMail
from domain.actors import Actor
from domain.agreement import AgreementCommand, AgreementState, DeadlineKind
from domain.agreement.reminders import ReminderPolicy
from domain.rules import RuleBook
from domain.zone import PIT_CODE
from workflows.correspondence import Correspondents


class Carried(BaseModel):
    """What a run hands to the next when it continues as new: the folded state, not history."""

    model_config = ConfigDict(frozen=True)

    state: AgreementState
    zone_version: int = Field(ge=0)
    rule_book: RuleBook
    fired: tuple[tuple[DeadlineKind, str, datetime], ...] = ()
    seen: dict[str, datetime] = {}
    outbox: tuple[OutgoingMail, ...] = ()  # mail not yet confirmed delivered


class AgreementStart(BaseModel):
    """The workflow's input: which agreement it is, who pit writes to, and (after a
    continue-as-new) what the previous run carried."""

    model_config = ConfigDict(frozen=True)

    agreement_id: str = Field(pattern=r"^[A-Za-z0-9_.:-]{1,128}$")
    zone_code: str = PIT_CODE
    correspondents: Correspondents = Correspondents()
    reminder_policy: ReminderPolicy = ReminderPolicy()
    # A run continues as new after this many events (or when Temporal suggests it, or when a
    # new year begins in Almaty), so that no history grows without bound.
    events_per_run: int = Field(default=500, ge=5, le=10_000)
    carried: Carried | None = None


class AgreementAction(BaseModel):
    """A person's action: the command, the authenticated actor, and the request's id."""

    model_config = ConfigDict(frozen=True)

    command: AgreementCommand
    actor: Actor
    correlation_id: str = Field(min_length=1, max_length=200)


def workflow_id(agreement_id: str) -> str:
    """The workflow id of an agreement (also the name of its stream)."""
    return f"agreement-{agreement_id}"
