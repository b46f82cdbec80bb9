"""How pit reaches its zone: start the zone's workflow once, and act on it through Updates."""

from __future__ import annotations

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy

from domain.zone import PIT_CODE, ZoneState
from workers.settings import PitSettings
from workflows.zone import ZoneStart, ZoneWorkflow, workflow_id


def zone_start(settings: PitSettings, zone_code: str = PIT_CODE) -> ZoneStart:
    """The zone workflow's input from pit's settings (staff mail goes to PIT_STAFF_EMAIL)."""
    return ZoneStart(zone_code=zone_code, staff_email=settings.staff_email)


async def start_zone_workflow(
    client: Client, start: ZoneStart, *, task_queue: str
) -> WorkflowHandle[ZoneWorkflow, ZoneState]:
    """Start the zone's workflow (``zone-<code>``), or find the one already running.

    Safe to call on every start of pit: a running zone workflow is kept (``USE_EXISTING``); a
    zone whose workflow was closed starts again and folds its stream back.
    """
    return await client.start_workflow(
        ZoneWorkflow.run,
        start,
        id=workflow_id(start.zone_code),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
