"""The activity that writes a decision's events to the agreement's stream, exactly once.

The workflow decides and gives each event an id made from the decision (the update's id, the
deadline's, the reminder's) and its index. The activity (a local one in histories recorded
before workflows/store_calls.py) can run again: a retried attempt, or a workflow task that ran
it and was lost (a crashed worker, a task the server refused); its first attempt may have
written the events already. So an append reports what the log holds instead of failing:

- ``appended``: written now; the events come back as written, and the workflow folds those:
  a replay that decided again at another instant (temporalio 1.35 can replay what a workflow
  did after a local activity in an earlier task than the live worker did it; see
  workflows/agreement.py, PATCHES_AT_START_PATCH) still has the log's timestamps;
- ``replayed``: these ids are in the log already, at this version: the log's events are the
  decision (their ``occurred_at`` may differ from the retry's), and the workflow adopts them;
- ``behind``: other events of this workflow's lost attempts follow the expected version: the
  workflow folds them in and decides again on the state they make;
- ``known``: the ids are in the log before the expected version: the decision was made and
  folded in already (an update the server delivered again to the next run, after a
  continue-as-new): nothing more to do.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any, Literal, cast
from uuid import UUID

import structlog
from pydantic import BaseModel, ConfigDict, Field, model_validator
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.event_log import domain_codec, to_new_event
from activities.metrics import count, took
from domain.agreement import AgreementEvent, AgreementState, fold
from eventstore import (
    EventIdConflict,
    EventStore,
    PayloadError,
    RecordedEvent,
    WrongExpectedVersion,
)

# Lost attempts of one workflow write a few decisions at most; more means another writer.
MAX_CATCH_UP = 100

log = structlog.get_logger("activities")


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


class LoggedEvent(BaseModel):
    """An event as the log holds it: its id, its version, the domain event."""

    model_config = ConfigDict(frozen=True)

    event_id: UUID
    stream_version: int
    event: AgreementEvent


class AgreementEventsAppended(BaseModel):
    """What the log holds after the append (see the module's docstring)."""

    model_config = ConfigDict(frozen=True)

    outcome: Literal["appended", "replayed", "behind", "known"]
    stream_version: int
    global_positions: tuple[int, ...] = ()
    # appended (from histories recorded after they came back), replayed (found when the
    # append was refused) and known: the decision's as logged; behind: what follows.
    logged: tuple[LoggedEvent, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _from_version_1(cls, data: Any) -> Any:
        # Histories recorded before outcomes were named hold ``replayed: bool`` instead.
        if isinstance(data, dict) and "outcome" not in data and "replayed" in data:
            return {**data, "outcome": "replayed" if data["replayed"] else "appended"}
        return data

    @property
    def replayed(self) -> bool:
        """Whether nothing was written because the events were in the log already."""
        return self.outcome == "replayed"


class LoadedAgreement(BaseModel):
    """An agreement as its stream has it: the state folded from every event."""

    model_config = ConfigDict(frozen=True)

    state: AgreementState


def _logged(recorded: list[RecordedEvent]) -> tuple[LoggedEvent, ...]:
    codec = domain_codec()
    return tuple(
        LoggedEvent(
            event_id=r.event_id,
            stream_version=r.stream_version,
            event=cast(AgreementEvent, codec.decode(r)),
        )
        for r in recorded
    )


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
        started = time.perf_counter()
        try:
            result = await self._store.append(
                request.stream_id, new_events, request.expected_version
            )
        except (EventIdConflict, WrongExpectedVersion) as moved:
            return await self._what_the_log_holds(request, moved)
        except PayloadError as refused:
            raise _refused(refused) from refused
        outcome = "replayed" if result.replayed else "appended"
        took(
            "pit_append_latency",
            timedelta(seconds=time.perf_counter() - started),
            "An append's round trip to the event store",
            outcome=outcome,
        )
        count("pit_events", len(new_events), "Events written to the log", outcome=outcome)
        log.info(
            "events_appended",
            correlation_id=request.correlation_id,
            stream_id=request.stream_id,
            stream_version=result.stream_version,
            events=len(new_events),
            outcome=outcome,
        )
        first = result.stream_version - len(request.events) + 1
        written = (
            tuple(
                LoggedEvent(event_id=event_id, stream_version=first + n, event=event)
                for n, (event, event_id) in enumerate(
                    zip(request.events, request.event_ids, strict=True)
                )
            )
            if outcome == "appended"
            else ()
        )
        return AgreementEventsAppended(
            outcome=outcome,
            stream_version=result.stream_version,
            global_positions=result.global_positions,
            logged=written,
        )

    @activity.defn(name="load_agreement")
    async def load_agreement(self, stream_id: str) -> LoadedAgreement:
        """The agreement folded from its stream (empty for a new one): how a workflow that
        starts again for an agreement whose earlier runs completed learns where it stands."""
        codec = domain_codec()
        recorded = await self._store.read_stream(stream_id)
        return LoadedAgreement(
            state=fold([cast(AgreementEvent, codec.decode(r)) for r in recorded])
        )

    async def _what_the_log_holds(
        self, request: AppendAgreementEvents, moved: Exception
    ) -> AgreementEventsAppended:
        tail = await self._store.read_stream(
            request.stream_id, from_version=request.expected_version + 1
        )
        if isinstance(moved, EventIdConflict) and not any(
            r.event_id in request.event_ids for r in tail
        ):
            return await self._known(request, moved)
        head = tail[: len(request.event_ids)]
        if [r.event_id for r in head] == list(request.event_ids):
            return AgreementEventsAppended(
                outcome="replayed",
                stream_version=head[-1].stream_version,
                global_positions=tuple(r.global_position for r in head),
                logged=_logged(head),
            )
        if not tail or len(tail) > MAX_CATCH_UP:
            raise _refused(moved)  # not a lost attempt's work: another writer, or a defect
        # The workflow is the single writer of its stream: what follows was written by its lost
        # attempts (this decision's events among them, perhaps after another's).
        return AgreementEventsAppended(
            outcome="behind", stream_version=tail[-1].stream_version, logged=_logged(tail)
        )

    async def _known(
        self, request: AppendAgreementEvents, moved: Exception
    ) -> AgreementEventsAppended:
        earlier = await self._store.read_stream(request.stream_id)
        by_id = {r.event_id: r for r in earlier[: request.expected_version]}
        if not all(event_id in by_id for event_id in request.event_ids):
            raise _refused(moved)  # an id reused for something else: a defect
        return AgreementEventsAppended(
            outcome="known",
            stream_version=request.expected_version,
            logged=_logged([by_id[event_id] for event_id in request.event_ids]),
        )


def _refused(error: Exception) -> ApplicationError:
    """A refusal for good: a payload rule, or a stream written by someone else."""
    return ApplicationError(str(error), type=type(error).__name__, non_retryable=True)
