"""The projector over real PostgreSQL, with streams the real decider produced and the workflow's
encoding: its rows are what a fresh fold says, re-applying changes nothing, it resumes from its
checkpoint, and a rebuild gives the live projection."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime

import pytest

from domain.agreement import Status
from domain.agreement.commands import (
    AddAuditAnnotation,
    RecommendConclusion,
    SignAsParticipant,
)
from eventstore import PostgresEventStore
from projections import Projector, TaskKind, writer
from tests.domain.agreement.agreement_scenarios import AUDITOR, REVIEWER, SUBMITTED_ON
from tests.integration.lifecycle import DecidedStory, Ending, whole_lifecycle, zone_configuration
from tests.integration.stored import append_decisions
from tests.projections.support import (
    DEADLINE_S,
    application,
    company_bin,
    expected_read_models,
    new_agreement_id,
    project_all,
    read_models,
    store_decision,
    store_story,
    stream_of,
    without_claims,
)

NOW = datetime(2026, 3, 20, tzinfo=UTC)


def cut(story: DecidedStory, decisions: int) -> DecidedStory:
    """The story's first decisions only: the same agreement at an earlier stage."""
    kept = story.decisions[:decisions]
    return DecidedStory(events=[e for d in kept for e in d], decisions=kept)


async def store_lifecycles_at_every_stage(store: PostgresEventStore) -> list[str]:
    """Both whole lifecycles, and each cut short after every decision, one stream each."""
    ids = []
    for ending in Ending:
        whole = whole_lifecycle(ending)
        for decisions in range(1, len(whole.decisions) + 1):
            agreement_id = new_agreement_id()
            await store_story(store, agreement_id, cut(whole, decisions))
            ids.append(agreement_id)
    return ids


async def test_every_read_model_holds_what_a_fresh_fold_of_each_stream_says(
    projector: Projector, fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    ids = await store_lifecycles_at_every_stage(fresh_store)
    zone_decisions, _ = zone_configuration()
    await append_decisions(fresh_store, "zone-pit", zone_decisions)

    await project_all(projector, fresh_store)

    stored = await read_models(fresh_dsn)
    assert stored == await expected_read_models(fresh_store)
    assert sorted(r["agreement_id"] for r in stored["agreements"]) == sorted(ids)
    statuses = {r["status"] for r in stored["agreements"]}
    assert statuses >= {"in_review", "recommended", "awaiting_signatures", "active"}
    assert statuses >= {"in_breach", "closing", "terminated"}
    assert stored["inbox"], "stages with open tasks were projected"
    assert stored["participants"], "concluded agreements enter the register"


async def test_re_applying_any_event_changes_nothing(
    projector: Projector, fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    await store_lifecycles_at_every_stage(fresh_store)
    await project_all(projector, fresh_store)
    before = await read_models(fresh_dsn)
    log = await fresh_store.read_all(limit=10_000)

    # The same projector (its cache), and one without any cache (the rows' versions guard).
    again = await Projector.open(fresh_dsn)
    try:
        for recorded in log:
            assert not await projector.apply(recorded)
            assert not await again.apply(recorded)
    finally:
        await again.close()

    assert await read_models(fresh_dsn) == before


async def test_a_restarted_projector_resumes_from_its_checkpoint(
    fresh_dsn: str, fresh_store: PostgresEventStore
) -> None:
    agreement_id = new_agreement_id()
    story = whole_lifecycle(Ending.UNCURED)
    halfway = len(story.decisions) // 2
    for number in range(1, halfway + 1):
        await store_decision(fresh_store, agreement_id, story, number)
    first = await Projector.open(fresh_dsn)
    try:
        assert await project_all(first, fresh_store) == sum(map(len, story.decisions[:halfway]))
    finally:
        await first.close()

    for number in range(halfway + 1, len(story.decisions) + 1):
        await store_decision(fresh_store, agreement_id, story, number)
    second = await Projector.open(fresh_dsn)
    try:
        # Only what was appended since: the checkpoint was saved.
        assert await project_all(second, fresh_store) == sum(map(len, story.decisions[halfway:]))
    finally:
        await second.close()
    assert await read_models(fresh_dsn) == await expected_read_models(fresh_store)


async def test_a_rebuild_gives_the_projection_kept_live_while_the_log_grew(
    projector: Projector, fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    stories = {new_agreement_id(): whole_lifecycle(ending) for ending in Ending}
    stories[new_agreement_id()] = application(
        "x", "registered", submitted_on=SUBMITTED_ON, name="ТОО «Дала»", bin=company_bin(7)
    )
    # Decisions of the agreements interleaved, the projector catching up after each round.
    longest = max(len(s.decisions) for s in stories.values())
    for number in range(1, longest + 1):
        for agreement_id, story in stories.items():
            if number <= len(story.decisions):
                await store_decision(fresh_store, agreement_id, story, number)
        await project_all(projector, fresh_store)
    live = await read_models(fresh_dsn)

    rebuilt = await projector.rebuild()
    await project_all(projector, fresh_store)

    assert rebuilt.events == sum(len(s.events) for s in stories.values())
    assert rebuilt.agreements == len(stories)
    assert await read_models(fresh_dsn) == live
    assert live == await expected_read_models(fresh_store)


async def test_a_claim_stays_while_its_task_is_open_and_goes_with_it(
    projector: Projector, fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    agreement_id = new_agreement_id()
    story = application(agreement_id, "submitted", submitted_on=SUBMITTED_ON)
    await store_story(fresh_store, agreement_id, story)
    await project_all(projector, fresh_store)
    now = datetime(2026, 3, 17, 6, tzinfo=UTC)
    assert await projector.claim_task(
        agreement_id,
        TaskKind.REVIEW_APPLICATION,
        agreement_id,
        actor_id=REVIEWER.id,
        now=now,
    )
    assert not await projector.claim_task(
        agreement_id, TaskKind.REVIEW_APPLICATION, agreement_id, actor_id="reviewer-2", now=now
    ), "claimed by someone else already"

    # Another event re-projects the agreement; the task is still open and keeps its claim.
    story.when(
        AddAuditAnnotation(annotation_id="n-1", text="looked at"), by=AUDITOR, on=date(2026, 3, 17)
    )
    await store_decision(fresh_store, agreement_id, story, len(story.decisions))
    await project_all(projector, fresh_store)
    (task,) = (await read_models(fresh_dsn))["inbox"]
    assert (task["claimed_by"], task["claimed_at"]) == (REVIEWER.id, now)

    # Settled: the task is gone, and the decision's task starts unclaimed.
    story.when(RecommendConclusion(note="fits"), by=REVIEWER, on=date(2026, 3, 18))
    await store_decision(fresh_store, agreement_id, story, len(story.decisions))
    await project_all(projector, fresh_store)
    (task,) = (await read_models(fresh_dsn))["inbox"]
    assert task["kind"] == TaskKind.DECIDE_APPLICATION
    assert task["claimed_by"] is None
    assert without_claims(await read_models(fresh_dsn)) == without_claims(
        await expected_read_models(fresh_store)
    )


async def test_an_agreement_stream_is_projected_under_its_own_id_whatever_it_names_inside(
    projector: Projector, fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    story = application("agr-1", "approved", submitted_on=SUBMITTED_ON)
    story.when(SignAsParticipant(), by=story.events[0].actor, on=date(2026, 3, 20))
    agreement_id = new_agreement_id()
    await store_story(fresh_store, agreement_id, story)
    await project_all(projector, fresh_store)
    (row,) = (await read_models(fresh_dsn))["agreements"]
    assert row["agreement_id"] == agreement_id
    assert stream_of(agreement_id) == f"agreement-{agreement_id}"
    assert row["status"] == "awaiting_signatures"
    assert row["agreement_number"] == "PIT-1"


async def test_a_write_that_fails_midway_leaves_no_row_of_that_event_behind(
    projector: Projector,
    fresh_store: PostgresEventStore,
    fresh_dsn: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    agreement_id = new_agreement_id()
    story = application(agreement_id, "recommended", submitted_on=SUBMITTED_ON)
    await store_decision(fresh_store, agreement_id, story, 1)
    await project_all(projector, fresh_store)
    before = await read_models(fresh_dsn)
    await store_decision(fresh_store, agreement_id, story, 2)

    async def tasks_fail(*_: object) -> None:
        raise RuntimeError("the process dies after writing the agreement's row")

    # The agreement's row is written, then its tasks fail: the whole event rolls back.
    monkeypatch.setattr(writer, "_write_tasks", tasks_fail)
    with pytest.raises(RuntimeError):
        await project_all(projector, fresh_store)
    assert await read_models(fresh_dsn) == before

    monkeypatch.undo()
    await project_all(projector, fresh_store)
    assert await read_models(fresh_dsn) == await expected_read_models(fresh_store)
    assert (await read_models(fresh_dsn))["agreements"][0]["status"] == "recommended"


async def test_a_running_projector_follows_the_log_until_stopped(
    fresh_dsn: str, fresh_store: PostgresEventStore
) -> None:
    # Woken by the log's notifications, or by polling: a transaction elsewhere in the cluster
    # can hold an event back past its notification.
    projector = await Projector.open(fresh_dsn, poll_interval=0.2)
    stop = asyncio.Event()
    running = asyncio.create_task(projector.run(stop))
    try:
        agreement_id = new_agreement_id()
        story = application(agreement_id, "approved", submitted_on=SUBMITTED_ON)
        for number in range(1, len(story.decisions) + 1):
            await store_decision(fresh_store, agreement_id, story, number)
        deadline = time.monotonic() + DEADLINE_S
        while True:
            row = await projector.get_agreement(agreement_id, now=NOW)
            if row is not None and row.status is Status.AWAITING_SIGNATURES:
                break
            assert time.monotonic() < deadline, "the running projector did not follow the log"
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=DEADLINE_S)
        await projector.close()
    assert await read_models(fresh_dsn) == await expected_read_models(fresh_store)
