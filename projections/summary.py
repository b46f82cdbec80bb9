"""One agreement's folded state, and the row of the ``agreements`` read model made from it.

The agreement's state says nearly everything a list shows; what it does not keep (when the
stream began, the day of submission, the time of the last event, when each annual report was
accepted) is folded alongside it here, so that a row is a function of the stream's first
``version`` events and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.agreement import AgreementEvent, AgreementState, evolve, initial_state
from domain.agreement.events import AnnualReportAccepted, ApplicationSubmitted
from domain.calendar import almaty_date
from domain.errors import InvalidInput
from domain.oked import parse_oked
from projections.deadlines import open_deadlines_of


@dataclass(frozen=True, slots=True)
class Folded:
    """An agreement's state after some events, with what the projection needs beyond it.

    Attributes:
        state: the domain's state (its ``version`` counts the events folded).
        opened_at: when the stream's first event occurred (normally the submission).
        submitted_on: the Almaty day the application was first submitted, if it was.
        last_event_at: when the last folded event occurred.
        accepted_at: per report year, when its report was last accepted (the state keeps the
            report's status, not the time).
    """

    state: AgreementState
    opened_at: datetime
    submitted_on: date | None
    last_event_at: datetime
    accepted_at: Mapping[int, datetime] = field(default_factory=dict)


def advance(folded: Folded | None, event: AgreementEvent) -> Folded:
    """``folded`` (None: nothing yet) after one more event."""
    if folded is None:
        folded = Folded(initial_state(), event.occurred_at, None, event.occurred_at)
    submitted_on = folded.submitted_on
    if submitted_on is None and isinstance(event, ApplicationSubmitted):
        submitted_on = almaty_date(event.occurred_at)
    accepted_at = folded.accepted_at
    if isinstance(event, AnnualReportAccepted):
        accepted_at = {**accepted_at, event.year: event.occurred_at}
    return Folded(
        state=evolve(folded.state, event),
        opened_at=folded.opened_at,
        submitted_on=submitted_on,
        last_event_at=event.occurred_at,
        accepted_at=accepted_at,
    )


def fold_events(events: Iterable[AgreementEvent], folded: Folded | None = None) -> Folded | None:
    """``folded`` after these events (None if there were none and nothing before).

    The same as :func:`advance` event after event, without making a :class:`Folded` for each
    one: a rebuild folds every event of the log through here.
    """
    iterator = iter(events)
    if folded is None:
        first = next(iterator, None)
        if first is None:
            return None
        folded = advance(None, first)
    state, submitted_on = folded.state, folded.submitted_on
    accepted_at, last_event_at = folded.accepted_at, folded.last_event_at
    for event in iterator:
        state = evolve(state, event)
        if submitted_on is None and isinstance(event, ApplicationSubmitted):
            submitted_on = almaty_date(event.occurred_at)
        if isinstance(event, AnnualReportAccepted):
            accepted_at = {**accepted_at, event.year: event.occurred_at}
        last_event_at = event.occurred_at
    return Folded(
        state=state,
        opened_at=folded.opened_at,
        submitted_on=submitted_on,
        last_event_at=last_event_at,
        accepted_at=accepted_at,
    )


class AgreementSummary(BaseModel):
    """One row of the ``agreements`` read model.

    ``name_key`` and ``number_key`` are the name and number case-folded (by Python, so that
    search does not depend on the database's locale). ``next_due_at`` is the end of the soonest
    open deadline's day: the agreement is overdue from that instant on (queries decide with their
    own ``now``; no stored flag could stay right without a clock tick).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    agreement_id: str
    status: str
    bin: str | None
    name: str | None
    name_key: str | None
    agreement_number: str | None
    number_key: str | None
    oked_code: str | None
    oked_section: str | None
    priority_area: str | None
    opened_at: AwareDatetime
    submitted_on: date | None
    concluded_on: date | None
    end_date: date | None
    register_number: str | None
    next_due: date | None
    next_due_at: AwareDatetime | None
    version: int
    last_event_at: AwareDatetime


def oked_section(code: str) -> str | None:
    """The NACE section letter of an OKED code; None for a code that does not parse (screening
    refuses those, but the row still exists)."""
    try:
        return parse_oked(code).section
    except InvalidInput:
        return None


def summarize(agreement_id: str, folded: Folded) -> AgreementSummary:
    """The ``agreements`` row of an agreement folded this far.

    The number is the concluded agreement's, or, while both parties sign, the one the approver
    gave it.
    """
    state = folded.state
    form = state.form
    number = state.agreement_number or (state.approved.agreement_number if state.approved else None)
    deadlines = open_deadlines_of(state)
    soonest = deadlines[0] if deadlines else None
    return AgreementSummary(
        agreement_id=agreement_id,
        status=state.status.value,
        bin=state.bin,
        name=form.name if form else None,
        name_key=form.name.casefold() if form else None,
        agreement_number=number,
        number_key=number.casefold() if number else None,
        oked_code=form.oked_code if form else None,
        oked_section=oked_section(form.oked_code) if form else None,
        priority_area=form.priority_area.value if form else None,
        opened_at=folded.opened_at,
        submitted_on=folded.submitted_on,
        concluded_on=state.concluded_on,
        end_date=state.end_date,
        register_number=state.register_number,
        next_due=soonest.due_date if soonest else None,
        next_due_at=soonest.due_at if soonest else None,
        version=state.version,
        last_event_at=folded.last_event_at,
    )
