"""Folding a 1,000-event agreement stream from PostgreSQL into its state."""

from __future__ import annotations

import statistics
import time
import uuid
from typing import TYPE_CHECKING, cast

from activities.event_log import domain_codec, to_new_event
from bench.long_agreement import long_agreement_events
from domain.agreement import AgreementEvent, fold
from eventstore.postgres import PostgresEventStore

if TYPE_CHECKING:
    from bench.eventstore import Bench

FOLD_EVENTS = 1000
FOLD_REPEATS = 25


async def measure_fold(bench: Bench) -> dict[str, float]:
    """Read, decode (validate every event) and fold one agreement's 1,000 events.

    The stream is made by the real decider (application, review, four-eyes approval,
    signatures, then goods declarations, confirmations, site visits and audit notes), stored
    through the same codec the workflows use. The median of FOLD_REPEATS runs is reported.
    """
    events = long_agreement_events(FOLD_EVENTS)
    stream_id = f"agreement-fold-{bench.run_id}"
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, stream_id)
    stored = [
        to_new_event(event, event_id=uuid.uuid5(namespace, str(n)), correlation_id="bench")
        for n, event in enumerate(events)
    ]
    codec = domain_codec()
    store = await PostgresEventStore.open(bench.dsn, notify=False)
    try:
        await store.append(stream_id, stored, 0)
        totals, reads = [], []
        state = None
        for _ in range(FOLD_REPEATS):
            started = time.perf_counter()
            recorded = await store.read_stream(stream_id)
            read_done = time.perf_counter()
            state = fold(cast(AgreementEvent, codec.decode(r)) for r in recorded)
            totals.append(time.perf_counter() - started)
            reads.append(read_done - started)
    finally:
        await store.close()
    if state is None or state.status.value != "active" or len(recorded) != FOLD_EVENTS:
        raise RuntimeError(f"the folded stream is not the one written: {state}")
    return {
        "fold_1000_ms": round(statistics.median(totals) * 1000, 1),
        "fold_1000_read_ms": round(statistics.median(reads) * 1000, 1),
    }
