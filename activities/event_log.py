"""Domain events in the event log: every agreement and zone event type, and their metadata.

The workflows (and the audit tools) append and read domain events through this one codec, so the
stored ``type`` strings, the upcasters and the metadata of a decision are defined in one place.
"""

from __future__ import annotations

from functools import cache
from typing import get_args
from uuid import UUID

from pydantic import BaseModel

from domain.agreement import AgreementEvent
from domain.agreement.events.audit import reminder_sent_v1_to_v2
from domain.event import DomainEvent
from domain.zone import ZoneEvent
from eventstore import EventCodec, EventMetadata, EventRegistry, NewEvent


def _members(union: object) -> tuple[type[BaseModel], ...]:
    # AgreementEvent is Annotated[Union[...], Field(discriminator="type")].
    (members,) = get_args(union)[:1]
    return tuple(get_args(members))


@cache
def domain_codec() -> EventCodec:
    """The codec of every domain event type (built once; registries are immutable after)."""
    registry = EventRegistry()
    for model in (*_members(AgreementEvent), *_members(ZoneEvent)):
        registry.register(model)
    # Older shapes, lifted one version at a time (their stored samples stay in the tests).
    registry.add_upcaster("ReminderSent", 1, reminder_sent_v1_to_v2)
    return EventCodec(registry)


def metadata_of(
    event: DomainEvent,
    *,
    correlation_id: str,
    causation_id: str | None = None,
    workflow_id: str | None = None,
    run_id: str | None = None,
) -> EventMetadata:
    """The stored metadata of a decided event: its actor, time, basis and rule set."""
    return EventMetadata(
        actor_id=event.actor.id,
        actor_role=event.actor.role.value,
        occurred_at=event.occurred_at,
        legal_basis=event.legal_basis,
        rule_set_version=event.rule_set_version,
        correlation_id=correlation_id,
        causation_id=causation_id,
        workflow_id=workflow_id,
        run_id=run_id,
    )


def to_new_event(
    event: DomainEvent,
    *,
    event_id: UUID,
    correlation_id: str,
    causation_id: str | None = None,
    workflow_id: str | None = None,
    run_id: str | None = None,
) -> NewEvent:
    """Encode a decided domain event for appending, validating it as reading will."""
    metadata = metadata_of(
        event,
        correlation_id=correlation_id,
        causation_id=causation_id,
        workflow_id=workflow_id,
        run_id=run_id,
    )
    return domain_codec().encode(event, event_id=event_id, metadata=metadata)
