"""The zone workflow's activities on a real PostgreSQL log: appends are idempotent by event id,
a restart folds the stream back, and agreements are listed page by page."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest
from temporalio.exceptions import ApplicationError

from activities.zone_log import AgreementPageRequest, AppendZoneEvents, ZoneLogActivities
from domain.actors import SYSTEM_ACTOR
from domain.zone import (
    RecordZoneReminderSent,
    ZoneEvent,
    ZoneState,
    decide_zone,
    evolve_zone,
    initial_zone_state,
    pit_establishment,
)
from eventstore import PostgresEventStore
from tests.domain.agreement.agreement_scenarios import ADMIN, at
from tests.eventstore.builders import event
from tests.integration.lifecycle import zone_configuration


def request(
    events: list[ZoneEvent], expected_version: int, ids: list[UUID] | None = None
) -> AppendZoneEvents:
    return AppendZoneEvents(
        zone_code="pit",
        expected_version=expected_version,
        events=tuple(events),
        event_ids=tuple(ids if ids is not None else [uuid4() for _ in events]),
        correlation_id="request-1",
        workflow_id="zone-pit",
        run_id="run-1",
    )


def fold(events: list[ZoneEvent], state: ZoneState | None = None) -> ZoneState:
    current = initial_zone_state() if state is None else state
    for decided in events:
        current = evolve_zone(current, decided)
    return current


async def test_a_retried_append_returns_the_original_positions_and_writes_nothing(
    fresh_store: PostgresEventStore,
) -> None:
    log = ZoneLogActivities(fresh_store)
    established = decide_zone(
        pit_establishment(),
        initial_zone_state(),
        actor=ADMIN,
        now=datetime(2026, 12, 1, tzinfo=UTC),
    )
    first = request(established, 0)

    written = await log.append_zone_events(first)
    retried = await log.append_zone_events(first)
    with pytest.raises(ApplicationError) as stale:
        await log.append_zone_events(request(established, 0))

    assert (written.stream_version, written.replayed) == (1, False)
    assert (retried.global_positions, retried.replayed) == (written.global_positions, True)
    assert stale.value.type == "WrongExpectedVersion"
    assert stale.value.non_retryable
    assert await fresh_store.stream_version("zone-pit") == 1


async def test_a_restart_folds_the_stream_back_with_the_version_of_the_last_rule_change(
    fresh_store: PostgresEventStore,
) -> None:
    log = ZoneLogActivities(fresh_store)
    decisions, configured = zone_configuration()  # established, terms, amendment, indicator
    version = 0
    for decision in decisions:
        await log.append_zone_events(request(decision, version))
        version += len(decision)
    reminder = configured.next_report_reminder(date(2027, 5, 1))
    assert reminder is not None
    reminded = decide_zone(
        RecordZoneReminderSent(reminder=reminder),
        configured,
        actor=SYSTEM_ACTOR,
        now=at(reminder.send_on, 9),
    )
    await log.append_zone_events(request(reminded, version))

    snapshot = await log.fold_zone_stream("pit")
    empty = await log.fold_zone_stream("other")

    assert snapshot.state == fold(reminded, configured)
    assert (snapshot.version, snapshot.rules_version) == (5, 3)
    assert snapshot.state.reminders_sent == (reminder.reminder_id,)
    assert (empty.version, empty.rules_version, empty.state.established) == (0, 0, False)


async def test_agreements_are_listed_in_pages_and_zones_are_not_among_them(
    fresh_store: PostgresEventStore,
) -> None:
    log = ZoneLogActivities(fresh_store)
    ids = [f"agreement-{n:02}" for n in range(5)]
    for stream_id in [*ids, "zone-pit"]:
        await fresh_store.append(stream_id, [event(), event()], 0)

    pages = []
    after: str | None = None
    for _ in range(5):  # bounded: 5 agreements in pages of 2 take 3 pages
        page = await log.list_agreement_streams(AgreementPageRequest(after=after, limit=2))
        pages.append(page.workflow_ids)
        if len(page.workflow_ids) < 2:
            break
        after = page.workflow_ids[-1]

    assert pages == [tuple(ids[0:2]), tuple(ids[2:4]), tuple(ids[4:])]
