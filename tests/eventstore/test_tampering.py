"""Tampering by someone able to disable the triggers is found, and named precisely."""

from __future__ import annotations

import dataclasses

import asyncpg
import pytest

from eventstore import FailureReason, InMemoryEventStore, PostgresEventStore
from eventstore.pg_verify import verify_database
from tests.eventstore.builders import event

TAMPERING = {
    # stream: (statements run with the triggers disabled, expected version, expected reason)
    "agreement-t1-payload": (
        [
            "UPDATE events SET data = jsonb_set(data::jsonb, '{jobs}', '13')::json "
            "WHERE stream_id = 'agreement-t1-payload' AND stream_version = 2"
        ],
        2,
        FailureReason.CHANGED_PAYLOAD,
    ),
    "agreement-t2-metadata": (
        [
            "UPDATE events SET metadata = "
            "jsonb_set(metadata::jsonb, '{actor_id}', '\"approver-1\"')::json "
            "WHERE stream_id = 'agreement-t2-metadata' AND stream_version = 3"
        ],
        3,
        FailureReason.CHANGED_METADATA,
    ),
    "agreement-t3-deleted": (
        ["DELETE FROM events WHERE stream_id = 'agreement-t3-deleted' AND stream_version = 2"],
        2,
        FailureReason.MISSING_VERSION,
    ),
    "agreement-t4-swapped": (
        [
            "UPDATE events SET stream_version = -1 "
            "WHERE stream_id = 'agreement-t4-swapped' AND stream_version = 2",
            "UPDATE events SET stream_version = 2 "
            "WHERE stream_id = 'agreement-t4-swapped' AND stream_version = 3",
            "UPDATE events SET stream_version = 3 "
            "WHERE stream_id = 'agreement-t4-swapped' AND stream_version = -1",
        ],
        2,
        FailureReason.BROKEN_LINK,
    ),
    "agreement-t5-header": (
        [
            "UPDATE events SET type = 'agreement.approved' "
            "WHERE stream_id = 'agreement-t5-header' AND stream_version = 1"
        ],
        1,
        FailureReason.CHANGED_HEADER,
    ),
    "agreement-t6-hash": (
        [
            "UPDATE events SET hash = sha256(hash) "
            "WHERE stream_id = 'agreement-t6-hash' AND stream_version = 3"
        ],
        3,
        FailureReason.BROKEN_LINK,
    ),
}


async def _tampered_log(store: PostgresEventStore, dsn: str) -> None:
    for stream_id in [*TAMPERING, "agreement-t7-untouched"]:
        await store.append(stream_id, [event({"jobs": i}) for i in range(4)], 0)
    owner = await asyncpg.connect(dsn)
    try:
        await owner.execute("ALTER TABLE events DISABLE TRIGGER events_refuse_update_delete")
        for statements, _, _ in TAMPERING.values():
            for statement in statements:
                await owner.execute(statement)
        await owner.execute("ALTER TABLE events ENABLE TRIGGER events_refuse_update_delete")
    finally:
        await owner.close()


@pytest.mark.parametrize("processes", [1, 2])
async def test_verify_names_stream_version_and_reason_of_each_tampering(
    fresh_store: PostgresEventStore, fresh_dsn: str, processes: int
) -> None:
    await _tampered_log(fresh_store, fresh_dsn)
    report = await verify_database(fresh_dsn, processes=processes)
    assert not report.ok
    found = {f.stream_id: (f.stream_version, f.reason) for f in report.failures}
    assert found == {
        stream: (version, reason) for stream, (_, version, reason) in TAMPERING.items()
    }
    assert report.first_failure is not None
    assert report.first_failure.stream_id == "agreement-t1-payload"
    assert report.streams_checked == len(TAMPERING) + 1
    assert report.events_checked == 4 * (len(TAMPERING) + 1) - 1  # one event deleted


async def test_verify_of_the_store_reports_the_first_failure(
    fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    await _tampered_log(fresh_store, fresh_dsn)
    report = await fresh_store.verify()
    assert report.first_failure is not None
    assert report.first_failure.reason is FailureReason.CHANGED_PAYLOAD
    assert report.first_failure.stream_version == 2


async def test_in_memory_verify_names_a_changed_payload() -> None:
    store = InMemoryEventStore()
    await store.append("agreement-1", [event({"jobs": i}) for i in range(3)], 0)
    rows = store._streams["agreement-1"]  # reaching in, as an intruder would
    rows[1] = dataclasses.replace(rows[1], data_json=b'{"jobs":99}')
    report = await store.verify()
    assert report.first_failure is not None
    assert (report.first_failure.stream_version, report.first_failure.reason) == (
        2,
        FailureReason.CHANGED_PAYLOAD,
    )
