"""The zone's workflow in tests: a worker running it beside the real AgreementWorkflow and the
real mail activity, and waits on conditions (bounded, never a bare sleep)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer, Worker

from activities.mail import MailActivities
from domain.actors import Actor, Role
from domain.zone import ZoneState
from eventstore import EventStore
from workers.agreement_worker import agreement_worker
from workflows.agreement import AgreementWorkflow
from workflows.zone import ZoneStart, ZoneWorkflow, workflow_id

STAFF_EMAIL = "staff@sez-pit.test"
ADMIN = Actor(id="admin-timur", role=Role.ADMIN)


def zone_worker(client: Client, store: EventStore, task_queue: str, mail: MailActivities) -> Worker:
    """One worker for agreements and the zone, as pit runs them."""
    return agreement_worker(client, store, task_queue, mail=mail)


async def start_zone(
    client: Client, task_queue: str, **options: object
) -> WorkflowHandle[ZoneWorkflow, ZoneState]:
    """Start ``zone-pit`` and wait until it has established (or folded back) the zone."""
    handle = await client.start_workflow(
        ZoneWorkflow.run,
        ZoneStart.model_validate({"staff_email": STAFF_EMAIL, **options}),
        id=workflow_id("pit"),
        task_queue=task_queue,
    )
    await until(lambda: _established(handle))
    return handle


async def _established(handle: WorkflowHandle[ZoneWorkflow, ZoneState]) -> bool:
    return (await handle.query(ZoneWorkflow.state)).established


async def until(condition: Callable[[], Awaitable[bool]], attempts: int = 400) -> None:
    """Wait until ``condition`` holds, checking it every 25 ms, at most ``attempts`` times.

    Raises:
        AssertionError: it never held.
    """
    for _ in range(attempts):
        if await condition():
            return
        await asyncio.sleep(0.025)
    raise AssertionError("the condition never held")


async def replays(handle: WorkflowHandle[ZoneWorkflow, ZoneState]) -> None:
    """Replay the run's history on the current code: it must make the same decisions."""
    replayer = Replayer(
        workflows=[ZoneWorkflow, AgreementWorkflow], data_converter=pydantic_data_converter
    )
    await replayer.replay_workflow(await handle.fetch_history())
