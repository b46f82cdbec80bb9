"""The activity that writes a decision's events to the agreement's stream, exactly once.

The workflow decides and gives each event a deterministic id (``workflow.uuid4()``): a retried
or replayed append finds its events already recorded and returns their original positions.
"""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.event_log import to_new_event
from domain.agreement import AgreementEvent
from eventstore import EventIdConflict, EventStore, PayloadError, WrongExpectedVersion


class AppendAgreementEvents(BaseModel):
    """One decision's events, to append at the stream's expected version."""

    model_config = ConfigDict(frozen=True)

    stream_id: str
    expected_version: int = Field(ge=0)
    events: tuple[AgreementEvent, ...] = Field(min_length=1)
    event_ids: tuple[UUID, ...]
    correlation_id: str
    causation_id: str | None = None
    workflow_id: str
    run_id: str

    @model_validator(mode="after")
    def _one_id_per_event(self) -> AppendAgreementEvents:
        if len(self.event_ids) != len(self.events):
            raise ValueError("event_ids must give one id per event")
        return self


class AgreementEventsAppended(BaseModel):
    """Where the decision's events are in the log."""

    model_config = ConfigDict(frozen=True)

    stream_version: int
    global_positions: tuple[int, ...]
    replayed: bool


class EventLogActivities:
    """Activities over the event store; one instance per worker, sharing its pool."""

    def __init__(self, store: EventStore) -> None:
        """Use ``store`` (the worker's PostgreSQL store, or the in-memory one in tests)."""
        self._store = store

    @activity.defn(name="append_agreement_events")
    async def append_agreement_events(
        self, request: AppendAgreementEvents
    ) -> AgreementEventsAppended:
        """Append one decision's events; retried safely (appends are idempotent by event id).

        Raises:
            ApplicationError: non-retryable when the log refuses the events for good (a payload
                rule, an id recorded with other content, or another writer on the stream).
                A database outage raises StoreUnavailable, which Temporal retries.
        """
        new_events = [
            to_new_event(
                event,
                event_id=event_id,
                correlation_id=request.correlation_id,
                causation_id=request.causation_id,
                workflow_id=request.workflow_id,
                run_id=request.run_id,
            )
            for event, event_id in zip(request.events, request.event_ids, strict=True)
        ]
        try:
            result = await self._store.append(
                request.stream_id, new_events, request.expected_version
            )
        except (PayloadError, EventIdConflict, WrongExpectedVersion) as refused:
            raise ApplicationError(
                str(refused), type=type(refused).__name__, non_retryable=True
            ) from refused
        return AgreementEventsAppended(
            stream_version=result.stream_version,
            global_positions=result.global_positions,
            replayed=result.replayed,
        )
