"""The rest of the Decider: the initial state, terminality, and folding a stream."""

from __future__ import annotations

from collections.abc import Iterable

from domain.agreement.events import AgreementEvent
from domain.agreement.evolve import evolve
from domain.agreement.state import AgreementState


def initial_state() -> AgreementState:
    """The state of a stream with no events: nothing submitted yet."""
    return AgreementState()


def is_terminal(state: AgreementState) -> bool:
    """Whether the record is final (terminated, refused or lapsed): only audit annotations may
    follow, and the workflow may end."""
    return state.is_terminal


def fold(events: Iterable[AgreementEvent], state: AgreementState | None = None) -> AgreementState:
    """The state after these events, from ``state`` (default: the initial state)."""
    current = initial_state() if state is None else state
    for event in events:
        current = evolve(current, event)
    return current
