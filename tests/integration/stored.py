"""Domain events in and out of a real event store, the way the workflows do it.

Each decision is encoded with ``activities.event_log.to_new_event`` and appended as one batch
at the exact version the stream had before it; event ids are derived from the stream and the
version, as the workflow derives them deterministically, so that a retried append carries the
same ids. Reading decodes with ``domain_codec()``, which a stored type it does not know fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import cast, get_args
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import BaseModel

from activities.event_log import domain_codec, to_new_event
from domain.agreement import AgreementEvent
from domain.calendar import ALMATY
from domain.event import DomainEvent
from domain.zone import ZoneEvent
from eventstore import AppendResult, EventStore, NewEvent, RecordedEvent

WORKFLOW_RUN_ID = "run-1"


def _members(union: object) -> tuple[type[BaseModel], ...]:
    # The unions are Annotated[A | B | ..., Field(discriminator="type")].
    return cast(tuple[type[BaseModel], ...], get_args(get_args(union)[0]))


AGREEMENT_EVENT_TYPES = _members(AgreementEvent)
ZONE_EVENT_TYPES = _members(ZoneEvent)


def event_id(stream_id: str, version: int) -> UUID:
    """The id of the event at ``version`` of a stream: the same on every retry of its append."""
    return uuid5(NAMESPACE_URL, f"pit:{stream_id}/{version}")


def encode_decision(
    stream_id: str, decision: Sequence[DomainEvent], expected_version: int, number: int
) -> list[NewEvent]:
    """The events of one decision as they are appended after ``expected_version`` events.

    ``number`` counts the stream's decisions: the events of one decision share a correlation
    id, and the workflow of the stream (whose id is the stream id) appended them.
    """
    return [
        to_new_event(
            event,
            event_id=event_id(stream_id, expected_version + offset),
            correlation_id=f"{stream_id}/decision-{number}",
            causation_id=f"{stream_id}/command-{number}",
            workflow_id=stream_id,
            run_id=WORKFLOW_RUN_ID,
        )
        for offset, event in enumerate(decision, start=1)
    ]


async def append_decisions(
    store: EventStore, stream_id: str, decisions: Sequence[Sequence[DomainEvent]]
) -> list[AppendResult]:
    """Append each decision as one batch at the exact expected version; return the results."""
    results: list[AppendResult] = []
    version = 0
    for number, decision in enumerate(decisions, start=1):
        batch = encode_decision(stream_id, decision, version, number)
        results.append(await store.append(stream_id, batch, expected_version=version))
        version += len(decision)
    return results


def decode_agreement(recorded: Sequence[RecordedEvent]) -> list[AgreementEvent]:
    """Decode an agreement stream; an event of another stream's kind is an error."""
    decoded: list[AgreementEvent] = []
    for event in recorded:
        model = domain_codec().decode(event)
        if not isinstance(model, AGREEMENT_EVENT_TYPES):
            raise TypeError(f"{event.type} at version {event.stream_version} is no agreement event")
        decoded.append(cast(AgreementEvent, model))
    return decoded


def decode_zone(recorded: Sequence[RecordedEvent]) -> list[ZoneEvent]:
    """Decode a zone stream; an event of another stream's kind is an error."""
    decoded: list[ZoneEvent] = []
    for event in recorded:
        model = domain_codec().decode(event)
        if not isinstance(model, ZONE_EVENT_TYPES):
            raise TypeError(f"{event.type} at version {event.stream_version} is no zone event")
        decoded.append(cast(ZoneEvent, model))
    return decoded


def end_of_almaty_day(day: date) -> datetime:
    """The last instant of an Almaty day: "as of" that day, whatever happened on it counts."""
    return datetime.combine(day, time.max, tzinfo=ALMATY)
