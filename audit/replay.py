"""An agreement's log as it stood at an instant: its events that had occurred by then, each
with the state right after it, folded by the domain's own ``evolve``.

The console's auditor screen (api/console/audit.py) and `pit audit replay` both read
:func:`replay`: the screen and the command cannot tell different stories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

from domain.agreement import AgreementEvent, AgreementState, evolve, initial_state
from domain.calendar import ALMATY, end_of_day
from eventstore import EventStore, RecordedEvent
from projections.projector import decode_agreement_event
from workflows.messages import workflow_id

_LAST_MICROSECOND = timedelta(microseconds=1)  # the store keeps business time to the microsecond
# What an event's details leave out: the columns of its row say them already.
_NOT_DETAILS = {"type", "schema_version", "occurred_at", "actor", "legal_basis", "rule_set_version"}


def occurred_until(as_of: date | datetime | None) -> datetime | None:
    """The last instant of business time a replay as of ``as_of`` includes (None: no limit).

    A date means the whole of that day in Almaty: an event at 23:59 belongs to it, one at
    00:00 to the next day. An instant with a time zone is taken as given; one without is
    Almaty's time.
    """
    if as_of is None:
        return None
    if isinstance(as_of, datetime):  # first: a datetime is also a date
        return as_of if as_of.utcoffset() is not None else as_of.replace(tzinfo=ALMATY)
    if as_of == date.max:  # the calendar's last day has no next midnight: everything counts
        return datetime.max.replace(tzinfo=UTC)
    return end_of_day(as_of) - _LAST_MICROSECOND


@dataclass(frozen=True)
class ReplayedEvent:
    """One recorded event of an agreement, decoded, with the agreement's state right after it.

    Attributes:
        recorded: the event as the store holds it (record time, metadata, hash).
        event: the domain event it decodes to (older schema versions lifted).
        state_after: the agreement folded up to and including this event.
    """

    recorded: RecordedEvent
    event: AgreementEvent
    state_after: AgreementState

    @property
    def status_after(self) -> str:
        """The agreement's status right after this event."""
        return self.state_after.status.value

    @cached_property
    def details(self) -> dict[str, object]:
        """The event's own facts, without what every event carries (type, time, actor...)."""
        return self.event.model_dump(mode="json", exclude=_NOT_DETAILS)


def replay_events(recorded: Sequence[RecordedEvent]) -> list[ReplayedEvent]:
    """Fold an agreement's recorded events in order, keeping the state after each.

    Raises:
        StreamNotProjectable: an event is no agreement event.
        UnknownEventType, UpcastError: the codec cannot read an event.
    """
    replayed: list[ReplayedEvent] = []
    state = initial_state()
    for event in recorded:
        decoded = decode_agreement_event(event)
        state = evolve(state, decoded)
        replayed.append(ReplayedEvent(event, decoded, state))
    return replayed


@dataclass(frozen=True)
class Replay:
    """An agreement as its log told it at an instant.

    Attributes:
        agreement_id: the agreement.
        as_of: what was asked: a day in Almaty, an instant, or None for everything.
        until: the last instant of business time included (None: no limit).
        events: the events that had occurred by then, oldest first, each with the state after.
        stream_version: how many events the agreement's stream holds now (0: it has none).
    """

    agreement_id: str
    as_of: date | datetime | None
    until: datetime | None
    events: tuple[ReplayedEvent, ...]
    stream_version: int

    @property
    def state(self) -> AgreementState | None:
        """The agreement's state as of then; None when nothing had happened yet."""
        return self.events[-1].state_after if self.events else None


async def replay(store: EventStore, agreement_id: str, as_of: date | datetime | None) -> Replay:
    """The agreement's events that had occurred by ``as_of`` (see :func:`occurred_until`),
    folded by the domain's own code.

    Raises:
        StreamIdInvalid: the id cannot name a stream.
        StoreUnavailable: the database cannot be reached.
        StreamNotProjectable, UnknownEventType, UpcastError: an event cannot be read.
    """
    stream_id = workflow_id(agreement_id)
    until = occurred_until(as_of)
    recorded = await store.read_stream(stream_id, occurred_until=until)
    version = await store.stream_version(stream_id) if until is not None else len(recorded)
    return Replay(agreement_id, as_of, until, tuple(replay_events(recorded)), version)
