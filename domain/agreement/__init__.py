"""The agreement lifecycle of the SEZ "Park of Innovative Technologies", as a Decider.

``decide(command, state, ctx)`` turns a command into events (or raises a typed
:class:`~domain.errors.DomainError`), ``evolve(state, event)`` folds one event, ``fold(events)``
a stream, from ``initial_state()``; ``is_terminal(state)`` says the record is final. Pure: the
time, the actor, the ids and the zone's rule book come in; nothing reads a clock.
"""

from __future__ import annotations

from domain.agreement.commands import AGREEMENT_COMMAND, AgreementCommand, Command
from domain.agreement.context import DecisionContext
from domain.agreement.deadlines import Deadline, open_deadlines, report_reminder_dates
from domain.agreement.decide import decide
from domain.agreement.decider import fold, initial_state, is_terminal
from domain.agreement.events import AGREEMENT_EVENT, ActionRefused, AgreementEvent
from domain.agreement.evolve import evolve
from domain.agreement.permissions import FOUR_EYES, PERMISSIONS, allowed_roles
from domain.agreement.refusal import refusal_event
from domain.agreement.state import AgreementState
from domain.agreement.vocabulary import (
    BEFORE_CONCLUSION,
    IN_FORCE,
    TERMINAL,
    DeadlineKind,
    Status,
    TerminationGround,
)

__all__ = [
    "AGREEMENT_COMMAND",
    "AGREEMENT_EVENT",
    "BEFORE_CONCLUSION",
    "FOUR_EYES",
    "IN_FORCE",
    "PERMISSIONS",
    "TERMINAL",
    "ActionRefused",
    "AgreementCommand",
    "AgreementEvent",
    "AgreementState",
    "Command",
    "Deadline",
    "DeadlineKind",
    "DecisionContext",
    "Status",
    "TerminationGround",
    "allowed_roles",
    "decide",
    "evolve",
    "fold",
    "initial_state",
    "is_terminal",
    "open_deadlines",
    "refusal_event",
    "report_reminder_dates",
]
