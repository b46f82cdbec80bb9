"""Reminders that fall due at one instant for many agreements go out over the policy's spread.

Two agreements concluded at the same moment have their notices and register entry reminded at
the same 09:00 in Almaty. Each agreement issues its reminders at its own moment after 09:00
(``spread_offset`` of its id, within the policy's spread; the default is 100 seconds): a
morning's reminders do not all wake at once, and none goes out before its time. A fresh
agreement decides at its start that it spreads its reminders (PATCHES_AT_START_PATCH): the
patch is asked in its first workflow task, never after a local activity.
"""

from __future__ import annotations

import json
from datetime import timedelta
from uuid import uuid4

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from domain.agreement import Status
from domain.agreement.reminders import ReminderPolicy, spread_offset
from eventstore import PostgresEventStore
from tests.activities.caught_mail import header
from tests.histories.record import concluded_now, concluded_on_7_december
from tests.time_skipping import sleep_until
from tests.workflows.conftest import Outbox
from tests.workflows.test_agreement_updates import start
from workers.agreement_worker import agreement_worker
from workflows.agreement import (
    PATCHES_AT_START_PATCH,
    REMINDER_SPREAD_PATCH,
    REMINDERS_TOGETHER_PATCH,
    AgreementWorkflow,
    workflow_id,
)
from workflows.correspondence import mail_id

# A timer runs from when the server takes the task that set it, a few milliseconds after the
# workflow's clock of that task: the wake is that much later than planned.
CLOCK = timedelta(seconds=1)


async def test_agreements_reminded_at_one_instant_each_issue_at_their_own_moment_in_the_spread(
    time_skipping: WorkflowEnvironment, fresh_store: PostgresEventStore, outbox: Outbox
) -> None:
    env, task_queue = time_skipping, f"agreements-{uuid4()}"
    agreements = [uuid4().hex, uuid4().hex]
    spread = ReminderPolicy().spread
    offsets = {a: spread_offset(a, spread) for a in agreements}
    async with agreement_worker(env.client, fresh_store, task_queue, mail=outbox.activities):
        first, second = [await start(env, a, task_queue) for a in agreements]
        assert (await concluded_on_7_december(env, first, agreements[0], "PIT-S-1")).status is (
            Status.ACTIVE
        )
        assert (await concluded_now(second, agreements[1], "PIT-S-2")).status is Status.ACTIVE
        upcoming = {
            a: await h.query(AgreementWorkflow.upcoming_reminders)
            for a, h in zip(agreements, (first, second), strict=True)
        }
        # The next instant both agreements are reminded at, as the domain plans it.
        instant = min(
            {r.send_at for r in upcoming[agreements[0]]}
            & {r.send_at for r in upcoming[agreements[1]]}
        )
        await sleep_until(env, instant + spread + timedelta(minutes=1))
        logged = {a: await fresh_store.read_stream(workflow_id(a)) for a in agreements}
        histories = [await h.fetch_history() for h in (first, second)]

    assert spread == timedelta(seconds=100)
    assert offsets[agreements[0]] != offsets[agreements[1]]
    for agreement in agreements:
        due = {r.reminder_id for r in upcoming[agreement] if r.send_at == instant}
        sent = [
            e
            for e in logged[agreement]
            if e.type == "ReminderSent" and e.data["reminder_id"] in due
        ]
        assert {e.data["reminder_id"] for e in sent} == due
        issued_at = {e.metadata.occurred_at for e in sent}
        assert len(issued_at) == 1  # one decision for the agreement's instant
        (at,) = issued_at
        assert instant <= at < instant + spread
        assert timedelta(0) <= at - (instant + offsets[agreement]) <= CLOCK
        # The mails went out then too, each once.
        expected = {mail_id(agreement, reminder_id) for reminder_id in due}
        caught = [m for m in outbox.messages() if header(m, "X-Pit-Mail-Id") in expected]
        assert sorted(header(m, "X-Pit-Mail-Id") for m in caught) == sorted(expected)
    # Each history asked PATCHES_AT_START_PATCH in its first task and neither reminder patch.
    for history in histories:
        asked = patches_asked(history)
        assert asked[PATCHES_AT_START_PATCH] == 1, asked
        assert REMINDER_SPREAD_PATCH not in asked
        assert REMINDERS_TOGETHER_PATCH not in asked


def patches_asked(history: WorkflowHistory) -> dict[str, int]:
    """Each patch marker in ``history``, with the number of the workflow task that recorded it."""
    asked: dict[str, int] = {}
    tasks = 0
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            tasks += 1
        attributes = event.marker_recorded_event_attributes
        if event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED and (
            attributes.marker_name == "core_patch"
        ):
            data = json.loads(attributes.details["patch-data"].payloads[0].data)
            asked.setdefault(data["id"], tasks)
    return asked


def test_spread_offsets_are_fixed_per_agreement_and_cover_the_window_evenly() -> None:
    spread = timedelta(seconds=100)
    ids = [f"agreement-{n:05d}" for n in range(2000)]
    offsets = [spread_offset(a, spread) for a in ids]

    assert offsets == [spread_offset(a, spread) for a in ids]  # the same on every replay
    assert all(timedelta(0) <= o < spread for o in offsets)
    tenths = [0] * 10
    for offset in offsets:
        tenths[int(offset / spread * 10)] += 1
    assert all(150 <= n <= 250 for n in tenths), tenths  # 200 each if perfectly even
    assert spread_offset(ids[0], timedelta(0)) == timedelta(0)
