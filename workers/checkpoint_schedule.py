"""The Temporal schedule that makes a signed checkpoint of the log every so often."""

from __future__ import annotations

from datetime import timedelta

import structlog
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from workflows.checkpoint import SCHEDULE_ID, CheckpointWorkflow

log = structlog.get_logger()


def checkpoint_schedule(task_queue: str, every: timedelta) -> Schedule:
    """Every ``every``, one CheckpointWorkflow; a run still going when the next is due makes the
    next one wait rather than overlap (``BUFFER_ONE``)."""
    return Schedule(
        # By its type name (the class's: @workflow.defn names none): passing the method makes
        # mypy 2.4 infer Never for every later get_workflow_handle_for in a cold run.
        action=ScheduleActionStartWorkflow(
            CheckpointWorkflow.__name__, id=f"{SCHEDULE_ID}-run", task_queue=task_queue
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.BUFFER_ONE),
    )


async def ensure_checkpoint_schedule(client: Client, task_queue: str, every: timedelta) -> None:
    """Create the schedule, or bring an existing one to this task queue and interval."""
    schedule = checkpoint_schedule(task_queue, every)
    try:
        await client.create_schedule(SCHEDULE_ID, schedule)
        log.info("checkpoint_schedule_created", every_s=every.total_seconds())
    except ScheduleAlreadyRunningError:

        def update(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=schedule)

        await client.get_schedule_handle(SCHEDULE_ID).update(update)
        log.info("checkpoint_schedule_updated", every_s=every.total_seconds())
