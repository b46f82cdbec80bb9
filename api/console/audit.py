"""What the auditor's screen reads: an agreement's events with the status after each, its state
as of a chosen day (the stream folded up to the end of that day in Almaty), and the verification
of its hash chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.agreement import AgreementState
from domain.calendar import end_of_day
from eventstore import EventStore, PostgresEventStore, RecordedEvent
from eventstore.connection import set_codecs, set_raw_json_codecs
from eventstore.pg_verify import verify_range
from eventstore.verification import VerificationReport
from projections.projector import decode_agreement_event
from projections.summary import Folded, fold_events
from workflows.agreement import workflow_id

# No stream id may hold a byte below "-" but this one: every longer id sorts after it.
_STREAM_END = "\x01"


@dataclass(frozen=True)
class TimelineRow:
    """One event as the timeline shows it, with the agreement's status right after it."""

    recorded: RecordedEvent
    status_after: str
    details: dict[str, object]


def timeline_rows(recorded: list[RecordedEvent]) -> list[TimelineRow]:
    """Every event, oldest first, each with the status its fold reached."""
    rows: list[TimelineRow] = []
    folded: Folded | None = None
    for event in recorded:
        decoded = decode_agreement_event(event)
        folded = fold_events([decoded], folded)
        assert folded is not None  # one event was folded
        details = decoded.model_dump(
            mode="json",
            exclude={"type", "schema_version", "occurred_at", "actor", "legal_basis"},
        )
        details.pop("rule_set_version", None)
        rows.append(TimelineRow(event, folded.state.status.value, details))
    return rows


@dataclass(frozen=True)
class AsOf:
    """The agreement as it stood at the end of ``day`` in Almaty."""

    day: date
    until: datetime
    events: int
    state: AgreementState | None


async def state_as_of(store: EventStore, agreement_id: str, day: date) -> AsOf:
    """Fold the agreement's events that had occurred by the end of ``day`` (business time)."""
    until = end_of_day(day)
    recorded = await store.read_stream(workflow_id(agreement_id), occurred_until=until)
    folded = fold_events(decode_agreement_event(event) for event in recorded)
    return AsOf(day, until, len(recorded), folded.state if folded is not None else None)


async def verify_agreement_chain(store: EventStore, agreement_id: str) -> VerificationReport:
    """Recompute the hash chain of this agreement's stream alone.

    On PostgreSQL only the stream's rows are read (its key range of the unique index); any other
    store verifies everything and the report keeps this stream's failure, if any.
    """
    stream_id = workflow_id(agreement_id)
    if isinstance(store, PostgresEventStore):
        async with store.connection("verifying an agreement's chain") as connection:
            # Verification hashes the stored JSON bytes: decode none of them, for this read only.
            await set_raw_json_codecs(connection)
            try:
                async with connection.transaction(isolation="repeatable_read", readonly=True):
                    return await verify_range(connection, stream_id, stream_id + _STREAM_END)
            finally:
                await set_codecs(connection)
    report = await store.verify()
    failures = tuple(f for f in report.failures if f.stream_id == stream_id)
    return VerificationReport(
        ok=not failures,
        events_checked=await store.stream_version(stream_id),
        streams_checked=1,
        failures=failures,
    )
