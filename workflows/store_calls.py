"""How workflows call the store and the renderer.

Three ways, one per era of histories, each replayed as it ran:

- before ``ACTIVITIES_PATCH``: local activities (30 s);
- ``ACTIVITIES_PATCH``: regular activities, one server round trip each;
- ``LOCAL_FIRST_PATCH`` (today): a local activity with a short window, then, if that window
  passes without an answer, the same call as a regular activity.

Why local, and why the window. A local activity runs in the workflow's own task: an action
costs no extra round trip to the server, which is what lets pit keep pace with a bare workflow
(bench/lifecycle.py). Left to the SDK's defaults, a slow local activity is retried inside the
task until the SDK's heartbeat (at 80 % of the task timeout) completes the task early, then
behind a timer (seen here: tests/workflows/test_store_calls.py). One attempt bounded to a fifth
of the task timeout (at most 2 s) never meets the heartbeat: a slow store (a fresh worker's
burst, a database restarting) costs one fallback to a regular activity, an ordinary history
event, instead.

What the window does not prevent: after a worker dies holding a task, the SDK can complete the
next task having accepted an update and recorded its local activity, without the update's
answer; every later task is then refused (BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE "... absent
message ID <update>/request/complete", temporalio 1.35, sdk-rust#888). workers/healer.py finds
such agreements and resets them to the task that accepted the update; the crash test
(tests/faults/test_worker_crashes.py) counts the heals.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError, FailureError

ACTIVITIES_PATCH = "store-calls-as-activities-v1"
LOCAL_FIRST_PATCH = "store-calls-local-first-v2"
# One attempt of a store call as a regular activity. A killed worker's attempt is retried after
# it; calls are idempotent (event ids come from the decision), so a retry after a slow attempt
# is harmless.
STORE_ATTEMPT_TIMEOUT = timedelta(seconds=10)
LOCAL_TIMEOUT = timedelta(seconds=30)  # the local activities of histories before the patches
# The local try's window: a fifth of the workflow task's timeout, at most 2 s (with the default
# 10 s timeout the SDK's heartbeat comes at 8 s, leaving 6 s for the task's other work).
LOCAL_WINDOW_SHARE = 0.2
LOCAL_WINDOW_MAX = timedelta(seconds=2)
ONE_ATTEMPT = RetryPolicy(maximum_attempts=1)

ResultT = TypeVar("ResultT")


async def store_call(activity: Callable[..., Awaitable[ResultT]], arg: object) -> ResultT:
    """Run ``activity(arg)`` (a function or an activity method) the way this history does."""
    if workflow.patched(LOCAL_FIRST_PATCH):
        return await _local_first(activity, arg)
    if workflow.patched(ACTIVITIES_PATCH):
        return await _regular(activity, arg)
    local: ResultT = await workflow.execute_local_activity(
        activity, arg, start_to_close_timeout=LOCAL_TIMEOUT
    )
    return local


def local_window(task_timeout: timedelta | None) -> timedelta:
    """How long the local try may take, for workflow tasks of ``task_timeout``."""
    if task_timeout is None or task_timeout <= timedelta(0):
        return LOCAL_WINDOW_MAX
    return min(task_timeout * LOCAL_WINDOW_SHARE, LOCAL_WINDOW_MAX)


async def _local_first(activity: Callable[..., Awaitable[ResultT]], arg: object) -> ResultT:
    window = local_window(workflow.info().task_timeout)
    try:
        local: ResultT = await workflow.execute_local_activity(
            activity,
            arg,
            start_to_close_timeout=window,
            schedule_to_close_timeout=window,
            # One attempt: the SDK retries a timed-out attempt even past the schedule-to-close
            # window (seen here: attempts until the heartbeat at 8 s, then a backoff timer).
            # The regular activity behind it has the retries.
            retry_policy=ONE_ATTEMPT,
        )
        return local
    except FailureError as failed:
        # A timed-out local activity raises ActivityError; one whose only attempt failed
        # raises the activity's own error (an ApplicationError), as the SDK does today.
        reason = failed.cause if isinstance(failed, ActivityError) else failed
        if isinstance(reason, ApplicationError) and reason.non_retryable:
            raise  # the store's own refusal: a regular attempt would be refused the same way
        if isinstance(reason, CancelledError):
            raise
        workflow.logger.info(
            "store call falls back to an activity", extra={"reason": str(reason or failed)}
        )
    return await _regular(activity, arg)


async def _regular(activity: Callable[..., Awaitable[ResultT]], arg: object) -> ResultT:
    result: ResultT = await workflow.execute_activity(
        activity, arg, start_to_close_timeout=STORE_ATTEMPT_TIMEOUT
    )
    return result
