"""Signed checkpoints over the whole log catch what per-stream chains cannot, and every way a
database superuser could tamper with the log is found and named by ``verify_log``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from hypothesis import given
from hypothesis import strategies as st
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.checkpoints import CheckpointActivities
from eventstore import PostgresEventStore
from eventstore.checkpoints import (
    Checkpoint,
    CheckpointKeyError,
    LogDiffersFromCheckpoint,
    SigningKey,
    all_checkpoints,
    make_checkpoint,
)
from eventstore.integrity import verify_log
from eventstore.merkle import LogTree
from tests.eventstore.builders import event
from tests.eventstore.rfc6962 import rfc6962_root, rfc9162_inclusion

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
# A checkpoint covers the transactions that have ended in the whole cluster (pg_snapshot_xmin):
# another database's long transaction (a parallel test run) holds it back for a while.
CATCH_UP_POLLS = 400
STREAMS = ("agreement-a", "agreement-b", "agreement-c", "zone-pit")


@given(st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=70), st.data())
def test_the_log_tree_hashes_as_rfc_6962_and_its_proofs_check_out(
    leaves: list[bytes], data: st.DataObject
) -> None:
    tree = LogTree(leaves)
    size = data.draw(st.integers(1, len(leaves)))
    index = data.draw(st.integers(0, size - 1))
    prior = data.draw(st.integers(1, size))

    assert tree.root(size) == rfc6962_root(leaves[:size])
    proof = tree.inclusion(index, size)
    assert proof.verify(tree.leaf_hash(index), tree.root(size))
    assert rfc9162_inclusion(index, size, tree.leaf_hash(index), proof.siblings) == tree.root(size)
    assert tree.consistency(prior, size).verify(tree.root(prior), tree.root(size))
    if size > 1:
        other = (index + 1) % size
        assert not proof.verify(tree.leaf_hash(other), tree.root(size)) or (
            tree.leaf_hash(other) == tree.leaf_hash(index)
        )


def test_a_key_is_written_for_its_owner_only_and_never_overwritten(tmp_path: Path) -> None:
    key = SigningKey.generate()
    path = tmp_path / "keys" / "checkpoint.pem"
    key.write(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert SigningKey.read(path).public_key == key.public_key
    with pytest.raises(FileExistsError):
        SigningKey.generate().write(path)
    (tmp_path / "junk.pem").write_text("not a key")
    with pytest.raises(CheckpointKeyError, match=r"junk\.pem"):
        SigningKey.read(tmp_path / "junk.pem")


async def _checkpoint(connection: asyncpg.Connection, key: SigningKey, size: int) -> Checkpoint:
    """A checkpoint of ``size`` events, once the cluster's running transactions let it cover
    them all (one checkpoint, not a smaller one on the way)."""
    for _ in range(CATCH_UP_POLLS):
        covered = await connection.fetchval(
            "SELECT count(*) FROM events "
            "WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())"
        )
        if covered >= size:
            made = await make_checkpoint(connection, key, NOW)
            assert made is not None
            assert made.tree_size >= size
            return made
        await asyncio.sleep(0.05)
    raise AssertionError(f"no checkpoint of {size} events: a transaction is holding xmin back")


async def _log(store: PostgresEventStore) -> None:
    for stream in STREAMS:
        await store.append(stream, [event({"jobs": i, "of": stream}) for i in range(3)], 0)


async def test_a_checkpoint_signs_the_root_of_every_event_and_is_made_once_per_size(
    fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    key = SigningKey.generate()
    connection = await asyncpg.connect(fresh_dsn)
    try:
        assert await make_checkpoint(connection, key, NOW) is None  # an empty log
        await _log(fresh_store)
        first = await _checkpoint(connection, key, 12)
        again = await make_checkpoint(connection, key, NOW)
        await fresh_store.append("agreement-d", [event()], 0)
        second = await _checkpoint(connection, key, 13)
        stored = await all_checkpoints(connection)
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await connection.execute("DELETE FROM checkpoints")
    finally:
        await connection.close()

    assert first.tree_size == 12
    assert again == first
    assert second.tree_size == 13
    assert [c.tree_size for c in stored] == [12, 13]
    assert all(c.signature_holds() for c in stored)
    assert Checkpoint.from_json(first.to_json()).signature_holds()
    report = await verify_log(fresh_dsn, [key.public_key])
    assert report.ok, report.first_problem
    assert report.events == 13


# --- tampering -------------------------------------------------------------------------------

Tamper = Callable[[asyncpg.Connection, PostgresEventStore], Awaitable[None]]


async def _edit_payload(owner: asyncpg.Connection, store: PostgresEventStore) -> None:
    await owner.execute(
        "UPDATE events SET data = jsonb_set(data::jsonb, '{jobs}', '99')::json "
        "WHERE stream_id = 'agreement-b' AND stream_version = 2"
    )


async def _edit_metadata(owner: asyncpg.Connection, store: PostgresEventStore) -> None:
    await owner.execute(
        "UPDATE events SET metadata = "
        "jsonb_set(metadata::jsonb, '{actor_id}', '\"approver-1\"')::json "
        "WHERE stream_id = 'agreement-a' AND stream_version = 3"
    )


async def _delete_an_event(owner: asyncpg.Connection, store: PostgresEventStore) -> None:
    await owner.execute("DELETE FROM events WHERE stream_id = 'agreement-c' AND stream_version = 2")


async def _delete_a_stream(owner: asyncpg.Connection, store: PostgresEventStore) -> None:
    await owner.execute("DELETE FROM events WHERE stream_id = 'agreement-b'")


async def _truncate_and_reappend(owner: asyncpg.Connection, store: PostgresEventStore) -> None:
    # Cut the log after its first stream, and write the others again, well chained, with one
    # fact changed: every chain verifies.
    await owner.execute("DELETE FROM events WHERE stream_id <> 'agreement-a'")
    for stream in STREAMS[1:]:
        await store.append(stream, [event({"jobs": i * 2, "of": stream}) for i in range(3)], 0)


async def _rewrite_and_rechain(owner: asyncpg.Connection, store: PostgresEventStore) -> None:
    await owner.execute("DELETE FROM events WHERE stream_id = 'agreement-c'")
    await store.append(
        "agreement-c", [event({"jobs": 100 + i, "of": "agreement-c"}) for i in range(3)], 0
    )


async def _reorder(owner: asyncpg.Connection, store: PostgresEventStore) -> None:
    # Swap the log order of two streams' transactions: no chain covers it.
    rows = await owner.fetch(
        "SELECT stream_id, transaction_id::text AS xid FROM events "
        "WHERE stream_id IN ('agreement-a', 'zone-pit') AND stream_version = 1"
    )
    xid = {row["stream_id"]: row["xid"] for row in rows}
    await owner.execute(
        "UPDATE events SET transaction_id = (CASE WHEN stream_id = 'agreement-a' "
        "THEN $1 ELSE $2 END)::xid8 "
        "WHERE stream_id IN ('agreement-a', 'zone-pit')",
        xid["zone-pit"],
        xid["agreement-a"],
    )


async def _forge_a_checkpoint(owner: asyncpg.Connection, store: PostgresEventStore) -> None:
    # Cover a rewrite with a checkpoint of the tamperer's own key, in place of the zone's.
    await _rewrite_and_rechain(owner, store)
    await owner.execute("DELETE FROM checkpoints")
    await _checkpoint(owner, SigningKey.generate(), 12)


TAMPERINGS: dict[str, tuple[Tamper, str]] = {
    "payload edited": (_edit_payload, "stream agreement-b version 2: changed payload"),
    "metadata edited": (_edit_metadata, "stream agreement-a version 3: changed metadata"),
    "event deleted": (_delete_an_event, "stream agreement-c version 2: missing version"),
    "stream deleted": (_delete_a_stream, "the log has only 9 events: events were removed"),
    "log truncated and re-appended re-hashed": (
        _truncate_and_reappend,
        "root does not match the log: an event among log positions 1..12",
    ),
    "stream rewritten and re-chained": (
        _rewrite_and_rechain,
        "root does not match the log: an event among log positions 1..12",
    ),
    "log reordered": (
        _reorder,
        "root does not match the log: an event among log positions 1..12",
    ),
    "checkpoint forged with another key": (_forge_a_checkpoint, "not a trusted key"),
}


@pytest.mark.parametrize("name", list(TAMPERINGS))
async def test_every_tampering_of_a_superuser_is_detected_and_named(
    name: str, fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    tamper, named = TAMPERINGS[name]
    key = SigningKey.generate()
    await _log(fresh_store)
    owner = await asyncpg.connect(fresh_dsn)
    try:
        await _checkpoint(owner, key, 12)
        before = await verify_log(fresh_dsn, [key.public_key])
        await owner.execute("SET session_replication_role = replica")  # triggers off
        await tamper(owner, fresh_store)
        await owner.execute("SET session_replication_role = origin")
    finally:
        await owner.close()

    after = await verify_log(fresh_dsn, [key.public_key])

    assert before.ok, before.first_problem
    assert not after.ok
    assert after.first_problem is not None
    assert named in after.first_problem, after


async def test_a_disabled_guard_is_named(fresh_store: PostgresEventStore, fresh_dsn: str) -> None:
    await _log(fresh_store)
    owner = await asyncpg.connect(fresh_dsn)
    try:
        await owner.execute("ALTER TABLE events DISABLE TRIGGER events_refuse_update_delete")
    finally:
        await owner.close()

    report = await verify_log(fresh_dsn, [])

    assert report.chains.ok
    assert not report.ok
    assert report.first_problem == (
        "the guard trigger events_refuse_update_delete on events is disabled"
    )


# Tamperings that change what the latest checkpoint signed (the events' chain links in log
# order): the next checkpoint is refused, and says where.
CHANGED = "root does not match the log: an event among log positions 1..12"
UNDER_A_CHECKPOINT = {
    "stream deleted": "events were removed (log positions 11..12 are gone)",
    "log truncated and re-appended re-hashed": CHANGED,
    "stream rewritten and re-chained": CHANGED,
    "log reordered": CHANGED,
}


@pytest.mark.parametrize("name", list(UNDER_A_CHECKPOINT))
async def test_no_checkpoint_is_signed_over_a_log_changed_under_the_last_one(
    name: str, fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    tamper, named = TAMPERINGS[name][0], UNDER_A_CHECKPOINT[name]
    key = SigningKey.generate()
    await _log(fresh_store)
    owner = await asyncpg.connect(fresh_dsn)
    try:
        await _checkpoint(owner, key, 12)
        await owner.execute("SET session_replication_role = replica")  # triggers off
        await tamper(owner, fresh_store)
        await owner.execute("SET session_replication_role = origin")
        await fresh_store.append("agreement-d", [event()], 0)  # something new to sign
        with pytest.raises(LogDiffersFromCheckpoint) as refused:
            await make_checkpoint(owner, key, NOW)
        stored = await all_checkpoints(owner)
    finally:
        await owner.close()

    assert named in str(refused.value)
    assert refused.value.problem.tree_size == 12
    assert [c.tree_size for c in stored] == [12]


async def test_the_checkpoint_activity_fails_for_people_when_the_log_differs(
    fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    key = SigningKey.generate()
    await _log(fresh_store)
    owner = await asyncpg.connect(fresh_dsn)
    activities = await CheckpointActivities.open(fresh_dsn, key)
    try:
        await _checkpoint(owner, key, 12)
        made = await ActivityEnvironment().run(activities.make_checkpoint)
        await owner.execute("SET session_replication_role = replica")
        await _delete_a_stream(owner, fresh_store)
        await owner.execute("SET session_replication_role = origin")
        with pytest.raises(ApplicationError) as failed:
            await ActivityEnvironment().run(activities.make_checkpoint)
    finally:
        await activities.close()
        await owner.close()

    assert made is not None
    assert made.tree_size == 12
    assert failed.value.type == "log_differs_from_checkpoint"
    assert failed.value.non_retryable
    assert "the log has only 9 events" in str(failed.value)
