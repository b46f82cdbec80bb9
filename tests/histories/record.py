"""Record representative AgreementWorkflow histories for the replay test.

Run ``python -m tests.histories.record`` when a new kind of history is worth keeping. Recorded
histories are evidence of what running agreements look like: never re-record an existing file
to make the replay test pass; change the workflow with ``workflow.patched`` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from uuid import uuid4

import asyncpg
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.mail import MailActivities, SmtpSettings
from domain.actors import Actor, Role
from domain.agreement import AgreementState, DeadlineKind
from domain.agreement.commands import (
    ApproveConclusion,
    RecommendConclusion,
    RecommendRefusal,
    RecordAuthorityNotified,
    RecordRegisterEntry,
    RefuseApplication,
    RequestChanges,
    SignAsParticipant,
    SignForManagementCompany,
    SubmitApplication,
)
from domain.agreement.vocabulary import Authority, RefusalGround
from domain.calendar import ALMATY, almaty_date
from eventstore import PostgresEventStore
from eventstore.migrations import apply_migrations_async
from tests.domain.agreement.agreement_scenarios import (
    ADMIN,
    APPROVER,
    PARTICIPANT,
    REVIEWER,
    form,
    obligations,
)
from tests.time_skipping import sleep_until, start_time_skipping
from tests.workflows.test_agreement_deadlines import before_next_nauryz
from tests.workflows.test_agreement_updates import act, start
from workers.agreement_worker import agreement_worker
from workers.mail_catcher import mail_catcher

HERE = Path(__file__).resolve().parent
Handle = WorkflowHandle[object, AgreementState]
Life = Callable[[WorkflowEnvironment, Handle, str], Awaitable[None]]


async def four_eyes_then_concluded(
    env: WorkflowEnvironment, handle: Handle, agreement: str
) -> None:
    """Submitted, recommended, refused to its reviewer as approver, approved by another."""
    await act(handle, SubmitApplication(agreement_id=agreement, form=form()), PARTICIPANT)
    await act(handle, RecommendConclusion(note="fits the zone"), REVIEWER)
    # Refused and recorded: that is the point of this history.
    with contextlib.suppress(WorkflowUpdateFailedError):
        await act(
            handle,
            ApproveConclusion(agreement_number="PIT-H-1"),
            Actor(id=REVIEWER.id, role=Role.APPROVER),
        )
    await act(handle, ApproveConclusion(agreement_number="PIT-H-1"), APPROVER)


async def changes_requested_then_lapsed(
    env: WorkflowEnvironment, handle: Handle, agreement: str
) -> None:
    """Submitted, decision overdue, changes requested before Nauryz, lapsed on its timer."""
    await act(handle, SubmitApplication(agreement_id=agreement, form=form()), PARTICIPANT)
    requested_on = before_next_nauryz(almaty_date(await env.get_current_time()))
    await sleep_until(env, datetime.combine(requested_on, time(10), ALMATY))
    changed = await act(handle, RequestChanges(items=("attach the charter",)), REVIEWER)
    (due,) = [d for d in changed.deadlines if d.kind is DeadlineKind.RESUBMISSION]
    await sleep_until(env, due.due + timedelta(minutes=1))
    await handle.result()


async def concluded_on_7_december(
    env: WorkflowEnvironment, handle: Handle, agreement: str, number: str
) -> AgreementState:
    """Applied at 10:00 on Monday 7 December 2026 (Almaty) for 2026-2027, then recommended,
    approved as ``number`` and signed by both sides at once: the state it was concluded in."""
    await sleep_until(env, datetime.combine(date(2026, 12, 7), time(10), ALMATY))
    return await concluded_now(handle, agreement, number)


async def concluded_now(handle: Handle, agreement: str, number: str) -> AgreementState:
    """Applied now (7 December 2026 or later) for 2026-2027, then recommended, approved as
    ``number`` and signed by both sides at once: the state it was concluded in."""
    application = form(
        requested_start=date(2026, 12, 7),
        requested_end=date(2028, 1, 1),
        planned_obligations=(obligations(2026), obligations(2027)),
    )
    await act(handle, SubmitApplication(agreement_id=agreement, form=application), PARTICIPANT)
    await act(handle, RecommendConclusion(note="fits the zone"), REVIEWER)
    await act(handle, ApproveConclusion(agreement_number=number), APPROVER)
    await act(handle, SignAsParticipant(), PARTICIPANT)
    return await act(handle, SignForManagementCompany(), APPROVER)


async def concluded_notified_reminded_into_a_new_year(
    env: WorkflowEnvironment, handle: Handle, agreement: str
) -> None:
    """Concluded in December 2026: notices issued and acknowledged, the register entry reminded
    and recorded; the first run ends continuing as new in 2027 (this history is that run)."""
    await concluded_on_7_december(env, handle, agreement, "PIT-H-3")
    await sleep_until(env, datetime.combine(date(2026, 12, 7), time(12), ALMATY))
    for authority in Authority:
        await act(handle, RecordAuthorityNotified(authority=authority, reference="ack"), ADMIN)
    await sleep_until(env, datetime.combine(date(2026, 12, 10), time(12), ALMATY))
    await act(
        handle,
        RecordRegisterEntry(register_number="SEZ-PIT-H3", entered_on=date(2026, 12, 10)),
        REVIEWER,
    )
    await sleep_until(env, datetime.combine(date(2027, 3, 2), time(12), ALMATY))


async def decision_escalated_then_refused(
    env: WorkflowEnvironment, handle: Handle, agreement: str
) -> None:
    """Staff reminded of the decision, escalated when it passed, then a refusal (four-eyes)."""
    await act(handle, SubmitApplication(agreement_id=agreement, form=form()), PARTICIPANT)
    await sleep_until(env, await env.get_current_time() + timedelta(days=12))
    await act(
        handle,
        RecommendRefusal(grounds=(RefusalGround.DOCUMENTS,), note="the charter is missing"),
        REVIEWER,
    )
    await act(
        handle, RefuseApplication(grounds=(RefusalGround.DOCUMENTS,), note="agreed"), APPROVER
    )
    await handle.result()


async def concluded_then_reminded_together(
    env: WorkflowEnvironment, handle: Handle, agreement: str
) -> None:
    """Concluded in December 2026 and left alone: the reminders of its notices and its register
    entry, due at the same instants, go out together; then staff record them."""
    await concluded_on_7_december(env, handle, agreement, "PIT-H-5")
    await sleep_until(env, datetime.combine(date(2026, 12, 16), time(12), ALMATY))
    for authority in Authority:
        await act(handle, RecordAuthorityNotified(authority=authority, reference="ack"), ADMIN)
    await act(
        handle,
        RecordRegisterEntry(register_number="SEZ-PIT-H5", entered_on=date(2026, 12, 16)),
        REVIEWER,
    )
    await sleep_until(env, datetime.combine(date(2026, 12, 17), time(12), ALMATY))


LIVES: dict[str, Life] = {
    "four_eyes_then_concluded": four_eyes_then_concluded,
    "changes_requested_then_lapsed": changes_requested_then_lapsed,
    "concluded_notified_reminded_into_a_new_year": concluded_notified_reminded_into_a_new_year,
    "decision_escalated_then_refused": decision_escalated_then_refused,
    # The same lives after the store calls became activities (workflows/store_calls.py).
    "four_eyes_then_concluded_store_calls_as_activities": four_eyes_then_concluded,
    "concluded_notified_reminded_into_a_new_year_store_calls_as_activities": (
        concluded_notified_reminded_into_a_new_year
    ),
    # And after they became local activities again, with a regular activity as their fallback.
    "four_eyes_then_concluded_store_calls_local_first": four_eyes_then_concluded,
    "concluded_notified_reminded_into_a_new_year_store_calls_local_first": (
        concluded_notified_reminded_into_a_new_year
    ),
    # Reminders due at one instant recorded as one decision, mailed as one delivery.
    "concluded_then_reminded_together": concluded_then_reminded_together,
    # The same life after each agreement's reminders went out at its moment in the spread.
    "concluded_then_reminded_within_the_spread": concluded_then_reminded_together,
    # The same life after a run decided its patches at its start (PATCHES_AT_START_PATCH).
    "concluded_then_reminded_with_patches_decided_at_start": concluded_then_reminded_together,
}


@contextlib.asynccontextmanager
async def recording_services() -> AsyncIterator[tuple[PostgresEventStore, MailActivities]]:
    """A database of its own on DATABASE_URL's server, and mail to a catcher: the real parts."""
    admin_dsn = os.environ["DATABASE_URL"]
    name = f"pit_record_{uuid4().hex[:12]}"
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    dsn = admin_dsn.rsplit("/", 1)[0] + f"/{name}"
    try:
        await apply_migrations_async(dsn)
        with tempfile.TemporaryDirectory() as home, mail_catcher(Path(home), 0) as catcher:
            store = await PostgresEventStore.open(dsn)
            mail = await MailActivities.open(
                dsn, SmtpSettings.from_url(catcher.url), "pit@sez-pit.localhost"
            )
            try:
                yield store, mail
            finally:
                await mail.close()
                await store.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def record(names: list[str]) -> None:
    """Run each named life and write its history as tests/histories/<name>.json.

    Each life gets a server of its own: a workflow left running keeps its timers there.
    """
    for name in names:
        target = HERE / f"{name}.json"
        if target.exists():
            print(f"kept {target.name}: recorded histories are never re-recorded")
            continue
        env = await start_time_skipping()
        try:
            task_queue, agreement = f"record-{uuid4()}", uuid4().hex
            async with (
                recording_services() as (store, mail),
                agreement_worker(env.client, store, task_queue, mail=mail),
            ):
                handle = await start(env, agreement, task_queue)
                first_run = (await handle.describe()).run_id
                await LIVES[name](env, handle, agreement)
                # The first run: a life that continued as new ends it with the hand-over.
                run = env.client.get_workflow_handle(handle.id, run_id=first_run)
                history = await run.fetch_history()
        finally:
            await env.shutdown()
        target.write_text(history.to_json(), encoding="utf-8")
        print(f"recorded {target.name}: {len(history.events)} events")


if __name__ == "__main__":
    asyncio.run(record(sys.argv[1:] or list(LIVES)))
