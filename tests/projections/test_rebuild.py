"""The rebuild from the log: every read model equal to the live projection after a long random
run, in this process or spread over worker processes; again and again the same; the projector
going on from where it left the checkpoint; nothing lost that a running transaction held back;
and a failure that names the event and leaves the read models as they were."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from domain.actors import Role
from eventstore import Checkpoint, PostgresEventStore
from eventstore.appending import prepare_append
from eventstore.chain import chain_events
from eventstore.connection import set_codecs
from eventstore.postgres import _insert_statement
from projections import Projector, RebuildFailed, replay
from projections.projector import SUBSCRIPTION_ID
from tests.domain.agreement.agreement_scenarios import SUBMITTED_ON
from tests.eventstore.builders import event
from tests.integration.lifecycle import DecidedStory, Ending, whole_lifecycle
from tests.integration.stored import encode_decision
from tests.projections.random_zone import random_life
from tests.projections.support import (
    application,
    company_bin,
    expected_read_models,
    new_agreement_id,
    project_all,
    store_decision,
    store_story,
    stream_of,
    without_claims,
)

SEED = 20260520
AGREEMENTS = 50
CLAIMED_AT = datetime(2026, 6, 1, tzinfo=UTC)

# Every read model and the order its rows are compared in.
ALL_TABLES = {
    "agreements": "agreement_id",
    "participants": "bin",
    "inbox": "agreement_id, kind, related_id",
    "open_deadlines": "agreement_id, kind, related_id",
    "accepted_reports": "agreement_id, year",
}

Models = dict[str, list[dict[str, Any]]]


async def every_read_model(dsn: str) -> Models:
    """Every row of every read model (the accepted reports too), in key order."""
    connection = await asyncpg.connect(dsn)
    try:
        return {
            table: [
                dict(row)
                for row in await connection.fetch(f"SELECT * FROM {table} ORDER BY {order}")
            ]
            for table, order in ALL_TABLES.items()
        }
    finally:
        await connection.close()


def but_reports(models: Models) -> Models:
    """The read models ``expected_read_models`` says (all but the accepted reports, whose
    tests are in test_accepted_reports.py)."""
    return {table: rows for table, rows in models.items() if table != "accepted_reports"}


async def saved_checkpoint(dsn: str) -> tuple[int, int] | None:
    connection = await asyncpg.connect(dsn)
    try:
        row = await connection.fetchrow(
            "SELECT transaction_id::text, global_position FROM subscription_checkpoints"
            " WHERE subscription_id = $1",
            SUBSCRIPTION_ID,
        )
    finally:
        await connection.close()
    return (int(row[0]), row[1]) if row is not None else None


async def events_after(dsn: str, checkpoint: Checkpoint) -> int:
    """How many events the subscription delivers after a checkpoint (all, once caught up)."""
    connection = await asyncpg.connect(dsn)
    try:
        count: int = await connection.fetchval(
            "SELECT count(*) FROM events"
            " WHERE (transaction_id, global_position) > ($1::text::xid8, $2)",
            str(checkpoint.transaction_id),
            checkpoint.global_position,
        )
    finally:
        await connection.close()
    return count


async def drive_a_random_zone(
    rng: random.Random, store: PostgresEventStore, projector: Projector
) -> dict[str, DecidedStory]:
    """Append the random lives' decisions interleaved, the projector catching up (and staff
    claiming tasks) at random moments; return the lives."""
    lives = {
        new_agreement_id(): random_life(rng, n, rng.randint(10, 50)) for n in range(AGREEMENTS)
    }
    appended = dict.fromkeys(lives, 0)
    pending = [a for a in lives if lives[a].decisions]
    while pending:
        agreement_id = rng.choice(pending)
        appended[agreement_id] += 1
        await store_decision(store, agreement_id, lives[agreement_id], appended[agreement_id])
        if appended[agreement_id] == len(lives[agreement_id].decisions):
            pending.remove(agreement_id)
        if rng.random() < 0.1:
            await projector.catch_up()  # whatever is deliverable now
        if rng.random() < 0.05:  # claims are not in the log: a rebuild clears them
            await claim_tasks(projector, rng.choice([Role.REVIEWER, Role.APPROVER, Role.ADMIN]))
    await project_all(projector, store)
    await claim_tasks(projector, Role.REVIEWER)
    return lives


async def claim_tasks(projector: Projector, role: Role) -> None:
    """A member of staff claims every task the role may take."""
    for task in await projector.get_inbox(role, actor_id="staff-1", now=CLAIMED_AT):
        await projector.claim_task(
            task.agreement_id, task.kind, task.related_id, actor_id="staff-1", now=CLAIMED_AT
        )


async def test_a_rebuild_after_a_long_random_run_equals_the_live_projection(
    projector: Projector,
    fresh_store: PostgresEventStore,
    fresh_dsn: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(SEED)
    lives = await drive_a_random_zone(rng, fresh_store, projector)
    live = await every_read_model(fresh_dsn)
    assert without_claims(but_reports(live)) == without_claims(
        await expected_read_models(fresh_store)
    )
    assert any(row["claimed_by"] for row in live["inbox"]), "the run claimed tasks"
    assert live["participants"], "the run concluded agreements"
    assert live["accepted_reports"], "the run accepted annual reports"
    checkpoint = await saved_checkpoint(fresh_dsn)

    in_this_process = await projector.rebuild(processes=1)
    rebuilt = await every_read_model(fresh_dsn)

    events = sum(len(life.events) for life in lives.values())
    assert (in_this_process.events, in_this_process.agreements) == (events, AGREEMENTS)
    assert without_claims(rebuilt) == without_claims(live)
    assert not any(row["claimed_by"] or row["claimed_at"] for row in rebuilt["inbox"])
    assert await saved_checkpoint(fresh_dsn) == checkpoint, "where the live projector stood"

    in_workers = await projector.rebuild(processes=3)
    assert (in_workers.events, in_workers.agreements) == (events, AGREEMENTS)
    assert in_workers.processes == 3, "the streams were spread over three worker processes"
    assert await every_read_model(fresh_dsn) == rebuilt
    assert await saved_checkpoint(fresh_dsn) == checkpoint

    # Streams read a few events at a time: each one spans chunks, and chunks span streams.
    monkeypatch.setattr(replay, "CHUNK_ROWS", 7)
    await projector.rebuild(processes=1)
    assert await every_read_model(fresh_dsn) == rebuilt


async def test_a_rebuild_again_changes_nothing_and_the_projector_goes_on_from_it(
    projector: Projector, fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    stories = {new_agreement_id(): whole_lifecycle(ending) for ending in Ending}
    halfway = {a: len(s.decisions) // 2 for a, s in stories.items()}
    for agreement_id, story in stories.items():
        for number in range(1, halfway[agreement_id] + 1):
            await store_decision(fresh_store, agreement_id, story, number)
    first = await projector.rebuild()
    once = await every_read_model(fresh_dsn)
    again = await projector.rebuild()
    assert await every_read_model(fresh_dsn) == once
    assert (again.events, again.checkpoint) == (first.events, first.checkpoint)

    # The log grows: the rest of both lives, and a new agreement.
    for agreement_id, story in stories.items():
        for number in range(halfway[agreement_id] + 1, len(story.decisions) + 1):
            await store_decision(fresh_store, agreement_id, story, number)
    newcomer = new_agreement_id()
    await store_story(
        fresh_store,
        newcomer,
        application(newcomer, "registered", submitted_on=SUBMITTED_ON, bin=company_bin(3)),
    )
    delivered = await project_all(projector, fresh_store)
    followed = await every_read_model(fresh_dsn)

    assert delivered == await events_after(fresh_dsn, again.checkpoint) > 0
    fresh = await projector.rebuild()
    assert await every_read_model(fresh_dsn) == followed
    assert fresh.agreements == 3
    assert but_reports(followed) == await expected_read_models(fresh_store)


async def test_events_a_running_transaction_holds_back_come_with_the_next_catch_up(
    projector: Projector, fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    held, later = new_agreement_id(), new_agreement_id()
    held_story = application(held, "concluded", submitted_on=SUBMITTED_ON, bin=company_bin(4))
    later_story = application(later, "approved", submitted_on=SUBMITTED_ON, bin=company_bin(5))
    await store_decision(fresh_store, held, held_story, 1)
    await project_all(projector, fresh_store)

    # The held agreement's second decision is written by a transaction left open; the other
    # agreement's whole story commits after it began, above the subscription's line.
    writer = await asyncpg.connect(fresh_dsn)
    await set_codecs(writer)
    try:
        transaction = writer.transaction()
        await transaction.start()
        version = len(held_story.decisions[0])
        (last,) = (await fresh_store.read_stream(stream_of(held)))[-1:]
        batch = encode_decision(stream_of(held), held_story.decisions[1], version, 2)
        chained = chain_events(
            stream_of(held),
            prepare_append(stream_of(held), batch, version),
            version,
            last.hash,
            datetime.now(UTC),
        )
        await writer.fetch(*_insert_statement(stream_of(held), chained))
        await store_story(fresh_store, later, later_story)

        rebuilt = await projector.rebuild()
        models = await every_read_model(fresh_dsn)
        rows = {row["agreement_id"]: row for row in models["agreements"]}
        assert rows[held]["version"] == version, "the open transaction's event is not there"
        assert rows[later]["status"] == "awaiting_signatures", "committed: folded already"
        assert rebuilt.checkpoint.global_position < min(
            e.global_position for e in await fresh_store.read_stream(stream_of(later))
        ), "the checkpoint stays below the running transaction"
        await transaction.commit()
    finally:
        await writer.close()

    for number in range(3, len(held_story.decisions) + 1):
        await store_decision(fresh_store, held, held_story, number)
    await project_all(projector, fresh_store)

    rows = {row["agreement_id"]: row for row in (await every_read_model(fresh_dsn))["agreements"]}
    assert rows[held]["version"] == len(held_story.events)
    assert rows[held]["status"] == "active"
    assert but_reports(await every_read_model(fresh_dsn)) == await expected_read_models(fresh_store)


@pytest.mark.parametrize("processes", [1, 2])
async def test_a_rebuild_that_cannot_read_an_event_names_it_and_changes_nothing(
    projector: Projector, fresh_store: PostgresEventStore, fresh_dsn: str, processes: int
) -> None:
    good = new_agreement_id()
    await store_story(fresh_store, good, application(good, "registered", submitted_on=SUBMITTED_ON))
    await project_all(projector, fresh_store)
    before = await every_read_model(fresh_dsn)
    checkpoint = await saved_checkpoint(fresh_dsn)
    broken = stream_of(new_agreement_id())
    await fresh_store.append(broken, [event()], 0)  # a type no agreement event has

    with pytest.raises(RebuildFailed, match=rf"{broken} v1: .*agreement\.obligations_planned"):
        await projector.rebuild(processes=processes)

    assert await every_read_model(fresh_dsn) == before
    assert await saved_checkpoint(fresh_dsn) == checkpoint
