"""How workflows call the store and the renderer: as activities, or, in histories recorded
before ``ACTIVITIES_PATCH``, as the local activities they ran as then.

A local activity that runs while an update is accepted but not yet answered can leave a
workflow, after its worker is killed, sending an update's completion the server refuses on
every task from then on (BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE "ProtocolMessageCommand
referenced absent message ID ...", temporalio 1.35 with its Rust core). Found by
tests/faults/test_worker_crashes.py in about one run in six. A regular activity's result is an
event in the history, replayed on the SDK's common path, and the wedge is gone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from temporalio import workflow

ACTIVITIES_PATCH = "store-calls-as-activities-v1"
# One attempt of a store call. A killed worker's attempt is retried after it; calls are
# idempotent (event ids come from the decision), so a retry after a slow attempt is harmless.
STORE_ATTEMPT_TIMEOUT = timedelta(seconds=10)
LOCAL_TIMEOUT = timedelta(seconds=30)  # the local activities of older histories

ResultT = TypeVar("ResultT")


async def store_call(activity: Callable[..., Awaitable[ResultT]], arg: object) -> ResultT:
    """Run ``activity(arg)`` (a function or an activity method) the way this history does."""
    if workflow.patched(ACTIVITIES_PATCH):
        result: ResultT = await workflow.execute_activity(
            activity, arg, start_to_close_timeout=STORE_ATTEMPT_TIMEOUT
        )
        return result
    local: ResultT = await workflow.execute_local_activity(
        activity, arg, start_to_close_timeout=LOCAL_TIMEOUT
    )
    return local
