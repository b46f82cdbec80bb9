"""Record representative AgreementWorkflow histories for the replay test.

Run ``python -m tests.histories.record`` when a new kind of history is worth keeping. Recorded
histories are evidence of what running agreements look like: never re-record an existing file
to make the replay test pass; change the workflow with ``workflow.patched`` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from uuid import uuid4

from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from domain.actors import Actor, Role
from domain.agreement import AgreementState, DeadlineKind
from domain.agreement.commands import (
    ApproveConclusion,
    RecommendConclusion,
    RequestChanges,
    SubmitApplication,
)
from domain.calendar import ALMATY, almaty_date
from eventstore import InMemoryEventStore
from tests.domain.agreement.agreement_scenarios import APPROVER, PARTICIPANT, REVIEWER, form
from tests.workflows.test_agreement_deadlines import before_next_nauryz, sleep_until
from tests.workflows.test_agreement_updates import act, start
from workers.agreement_worker import agreement_worker

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


LIVES: dict[str, Life] = {
    "four_eyes_then_concluded": four_eyes_then_concluded,
    "changes_requested_then_lapsed": changes_requested_then_lapsed,
}


async def record(names: list[str]) -> None:
    """Run each named life and write its history as tests/histories/<name>.json.

    Each life gets a server of its own: a workflow left running keeps its timers there.
    """
    for name in names:
        target = HERE / f"{name}.json"
        if target.exists():
            print(f"kept {target.name}: recorded histories are never re-recorded")
            continue
        env = await WorkflowEnvironment.start_time_skipping(
            data_converter=pydantic_data_converter,
            test_server_existing_path=str(Path(sys.executable).with_name("temporal-test-server")),
        )
        try:
            task_queue, agreement = f"record-{uuid4()}", uuid4().hex
            async with agreement_worker(env.client, InMemoryEventStore(), task_queue):
                handle = await start(env, agreement, task_queue)
                await LIVES[name](env, handle, agreement)
                history = await handle.fetch_history()
        finally:
            await env.shutdown()
        target.write_text(history.to_json(), encoding="utf-8")
        print(f"recorded {target.name}: {len(history.events)} events")


if __name__ == "__main__":
    asyncio.run(record(sys.argv[1:] or list(LIVES)))
