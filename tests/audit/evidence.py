"""An agreement's whole life stored the way the workflows store it, a signed checkpoint over the
log, and its evidence bundle as `pit audit export` makes it.

The log holds more than the agreement: the zone's stream (its rule book, from which the
bundle's rule sets come) and a second agreement, so that the agreement's events are spread
over a Merkle tree of other events.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest_asyncio

from audit.bundle_export import export_bundle
from domain.zone import zone_stream_id
from eventstore import PostgresEventStore
from eventstore.canonical import canonical_json
from eventstore.checkpoints import Checkpoint, SigningKey, make_checkpoint
from tests.eventstore.conftest import Databases
from tests.integration.lifecycle import (
    AGREEMENT_ID,
    STREAM_ID,
    DecidedStory,
    Ending,
    whole_lifecycle,
    zone_configuration,
)
from tests.integration.stored import append_decisions, encode_decision

EXPORTED_AT = datetime(2028, 1, 10, 9, 30, tzinfo=UTC)
SIGNED_AT = datetime(2028, 1, 10, 9, 0, tzinfo=UTC)
OTHER_AGREEMENT = "agr-2"
# A checkpoint covers the transactions that have ended in the whole cluster (pg_snapshot_xmin):
# another database's long transaction (a parallel test run) holds it back for a while.
CATCH_UP_POLLS = 400


@dataclass(frozen=True)
class Exported:
    """The stored agreement's story, the zone's key, and the bundle file exported."""

    dsn: str
    story: DecidedStory
    key: SigningKey
    raw: bytes

    def document(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.raw)
        return parsed


async def store_log(store: PostgresEventStore) -> DecidedStory:
    """The zone's configuration, then the agreement's whole life (its breach cured) with a
    second agreement's whole life appended halfway through: three streams of one log."""
    zone, _ = zone_configuration()
    await append_decisions(store, zone_stream_id("pit"), zone)
    story = whole_lifecycle(Ending.CURED)
    other = whole_lifecycle(Ending.UNCURED)
    version = 0
    for number, decision in enumerate(story.decisions, start=1):
        if number == len(story.decisions) // 2:
            await append_decisions(store, f"agreement-{OTHER_AGREEMENT}", other.decisions)
        batch = encode_decision(STREAM_ID, decision, version, number)
        await store.append(STREAM_ID, batch, expected_version=version)
        version += len(decision)
    return story


async def checkpoint_all(connection: asyncpg.Connection, key: SigningKey) -> Checkpoint:
    """A checkpoint of every event in the log, once the cluster's transactions let it."""
    size = await connection.fetchval("SELECT count(*) FROM events")
    for _ in range(CATCH_UP_POLLS):
        made = await make_checkpoint(connection, key, SIGNED_AT)
        if made is not None and made.tree_size >= size:
            return made
        await asyncio.sleep(0.05)
    raise AssertionError(f"no checkpoint of {size} events: a transaction is holding xmin back")


async def export_agreement(dsn: str, store: PostgresEventStore) -> Exported:
    """Store the log, sign it, and export the agreement's bundle."""
    story = await store_log(store)
    key = SigningKey.generate()
    connection = await asyncpg.connect(dsn)
    try:
        await checkpoint_all(connection, key)
        bundle = await export_bundle(connection, AGREEMENT_ID, now=EXPORTED_AT)
    finally:
        await connection.close()
    return Exported(dsn, story, key, bundle.encode())


@pytest_asyncio.fixture(scope="module")
async def exported(databases: Databases) -> AsyncIterator[Exported]:
    """One stored log and its agreement's bundle, shared by the tests that only read it."""
    dsn = await databases.create()
    try:
        async with await PostgresEventStore.open(dsn) as store:
            yield await export_agreement(dsn, store)
    finally:
        await databases.drop(dsn)


def encoded(document: dict[str, Any]) -> bytes:
    """A (tampered) bundle document as a file, canonical as pit writes it."""
    return canonical_json(document)
