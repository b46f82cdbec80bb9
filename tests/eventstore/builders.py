"""Builders of stream ids, metadata and events for the event store's tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from eventstore import EventMetadata, NewEvent


def new_stream(category: str = "agreement") -> str:
    """A stream id no other test uses."""
    return f"{category}-{uuid.uuid4().hex}"


def metadata(**changes: Any) -> EventMetadata:
    values: dict[str, Any] = {
        "actor_id": "reviewer-7",
        "actor_role": "reviewer",
        "occurred_at": datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
        "legal_basis": ("Decree 1166 Reg. §3",),
        "rule_set_version": "2025.1",
        "correlation_id": "corr-1",
    }
    values.update(changes)
    return EventMetadata(**values)


def event(data: dict[str, Any] | None = None, **changes: Any) -> NewEvent:
    values: dict[str, Any] = {
        "event_id": uuid.uuid4(),
        "type": "agreement.obligations_planned",
        "schema_version": 1,
        "data": {"year": 2025, "investment_kzt": "1250000.00", "jobs": 12}
        if data is None
        else data,
        "metadata": metadata(),
    }
    values.update(changes)
    return NewEvent(**values)
