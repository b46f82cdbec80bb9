"""What the auditor's screen reads: an agreement's events with the status after each, its state
as of a chosen day (the stream folded up to the end of that day in Almaty), and the verification
of its hash chain.

The events and the state as of a day come from :mod:`audit.replay`, the function `pit audit
replay` uses too: the screen and the command cannot tell different stories.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from audit.replay import ReplayedEvent, replay, replay_events
from domain.agreement import AgreementState
from eventstore import EventStore, PostgresEventStore, RecordedEvent
from eventstore.connection import set_codecs, set_raw_json_codecs
from eventstore.pg_verify import verify_range
from eventstore.verification import VerificationReport
from workflows.agreement import workflow_id

# No stream id may hold a byte below "-" but this one: every longer id sorts after it.
_STREAM_END = "\x01"

TimelineRow = ReplayedEvent
"""One event as the timeline shows it (``recorded``, ``status_after``, ``details``)."""


def timeline_rows(recorded: list[RecordedEvent]) -> list[TimelineRow]:
    """Every event, oldest first, each with the status its fold reached."""
    return replay_events(recorded)


@dataclass(frozen=True)
class AsOf:
    """The agreement as it stood at the end of ``day`` in Almaty.

    ``until`` is the last instant included: an event at 23:59 of ``day`` counts, one at
    midnight belongs to the next day.
    """

    day: date
    until: datetime
    events: int
    state: AgreementState | None


async def state_as_of(store: EventStore, agreement_id: str, day: date) -> AsOf:
    """Fold the agreement's events that had occurred by the end of ``day`` (business time)."""
    replayed = await replay(store, agreement_id, day)
    assert replayed.until is not None  # a day always ends
    return AsOf(day, replayed.until, len(replayed.events), replayed.state)


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
