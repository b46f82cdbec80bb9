"""The zone workflow's activities on the event log: append to ``zone-<code>`` exactly once, fold
it back on a restart, and list the agreements to tell of new rules.

As for agreements (activities/append.py), the workflow decides and gives each event a
deterministic id (``workflow.uuid4()``): a retried or replayed append finds its events already
recorded and returns their original positions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.event_log import domain_codec, to_new_event
from domain.zone import (
    RuleSetAdopted,
    ZoneCode,
    ZoneEstablished,
    ZoneEvent,
    ZoneState,
    evolve_zone,
    initial_zone_state,
    zone_stream_id,
)
from eventstore import (
    EventIdConflict,
    EventStore,
    PayloadError,
    RecordedEvent,
    WrongExpectedVersion,
)
from eventstore.store import MAX_LIST_STREAMS

AGREEMENT_PREFIX = "agreement-"
"""Every agreement's stream id (and workflow id) starts with this."""

# The stored types of the events that change the rule book.
_RULE_BOOK_TYPES = frozenset(
    {ZoneEstablished.model_fields["type"].default, RuleSetAdopted.model_fields["type"].default}
)


class AppendZoneEvents(BaseModel):
    """One decision's events, to append to the zone's stream at its expected version."""

    model_config = ConfigDict(frozen=True)

    zone_code: ZoneCode
    expected_version: int = Field(ge=0)
    events: tuple[ZoneEvent, ...] = Field(min_length=1)
    event_ids: tuple[UUID, ...]
    correlation_id: str = Field(min_length=1, max_length=200)
    workflow_id: str
    run_id: str

    @model_validator(mode="after")
    def _one_id_per_event(self) -> AppendZoneEvents:
        if len(self.event_ids) != len(self.events):
            raise ValueError("event_ids must give one id per event")
        return self


class ZoneEventsAppended(BaseModel):
    """Where the decision's events are in the log."""

    model_config = ConfigDict(frozen=True)

    stream_version: int
    global_positions: tuple[int, ...]
    replayed: bool


class ZoneSnapshot(BaseModel):
    """The zone's stream folded: the state, the stream's version, and the version of the last
    event that changed the rule book (0: the stream is empty)."""

    model_config = ConfigDict(frozen=True)

    state: ZoneState
    version: int = Field(ge=0)
    rules_version: int = Field(ge=0)


class AgreementPageRequest(BaseModel):
    """A page of agreement streams: those after ``after`` (None: from the first)."""

    model_config = ConfigDict(frozen=True)

    after: str | None = None
    limit: int = Field(default=100, ge=1, le=MAX_LIST_STREAMS)


class AgreementPage(BaseModel):
    """Agreement stream ids, which are also their workflows' ids, in order. Fewer than the
    limit asked for: the listing is complete."""

    model_config = ConfigDict(frozen=True)

    workflow_ids: tuple[str, ...]


def fold_zone(recorded: Sequence[RecordedEvent]) -> ZoneSnapshot:
    """Fold a zone stream's recorded events into its state."""
    codec = domain_codec()
    state = initial_zone_state()
    rules_version = 0
    for event in recorded:
        state = evolve_zone(state, cast(ZoneEvent, codec.decode(event)))
        if event.type in _RULE_BOOK_TYPES:
            rules_version = event.stream_version
    version = recorded[-1].stream_version if recorded else 0
    return ZoneSnapshot(state=state, version=version, rules_version=rules_version)


class ZoneLogActivities:
    """The zone's activities over the event store; one instance per worker, sharing its pool."""

    def __init__(self, store: EventStore) -> None:
        """Use ``store`` (the worker's PostgreSQL store, or the in-memory one in tests)."""
        self._store = store

    @activity.defn(name="append_zone_events")
    async def append_zone_events(self, request: AppendZoneEvents) -> ZoneEventsAppended:
        """Append one decision's events to ``zone-<code>``; retried safely (idempotent by id).

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
                workflow_id=request.workflow_id,
                run_id=request.run_id,
            )
            for event, event_id in zip(request.events, request.event_ids, strict=True)
        ]
        try:
            result = await self._store.append(
                zone_stream_id(request.zone_code), new_events, request.expected_version
            )
        except (PayloadError, EventIdConflict, WrongExpectedVersion) as refused:
            raise ApplicationError(
                str(refused), type=type(refused).__name__, non_retryable=True
            ) from refused
        return ZoneEventsAppended(
            stream_version=result.stream_version,
            global_positions=result.global_positions,
            replayed=result.replayed,
        )

    @activity.defn(name="fold_zone_stream")
    async def fold_zone_stream(self, zone_code: str) -> ZoneSnapshot:
        """The zone's state as its stream ``zone-<code>`` has it (empty: not established)."""
        return fold_zone(await self._store.read_stream(zone_stream_id(zone_code)))

    @activity.defn(name="list_agreement_streams")
    async def list_agreement_streams(self, request: AgreementPageRequest) -> AgreementPage:
        """One page of agreements, by their stream ids in order, after ``request.after``."""
        ids = await self._store.list_streams(
            AGREEMENT_PREFIX, after=request.after, limit=request.limit
        )
        return AgreementPage(workflow_ids=tuple(ids))
