"""The checkpoint the worker's schedule starts: sign the log as it stands (docs/audit-format.md)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.checkpoints import CheckpointActivities, CheckpointMade

SCHEDULE_ID = "pit-checkpoints"
CHECKPOINT_TIMEOUT = timedelta(minutes=10)  # reading a large log's hashes takes a while


@workflow.defn
class CheckpointWorkflow:
    """One signed checkpoint of the whole log."""

    @workflow.run
    async def run(self) -> CheckpointMade | None:
        return await workflow.execute_activity_method(
            CheckpointActivities.make_checkpoint,
            start_to_close_timeout=CHECKPOINT_TIMEOUT,
            retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=1), maximum_attempts=10),
        )
