"""Store calls try a local activity inside a short window, then fall back to a regular
activity (workflows/store_calls.py): a slow store never holds a workflow task past the SDK's
heartbeat, and the call still answers."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import uuid4

import pytest
from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner, Worker

from workflows.store_calls import LOCAL_FIRST_PATCH, LOCAL_WINDOW_MAX, local_window, store_call

CALLS: list[str] = []
# This module's workflow is a test harness around store_call: no sandbox to import it into.
UNSANDBOXED = UnsandboxedWorkflowRunner()


@activity.defn(name="test_store_lookup")
async def lookup(key: str) -> str:
    """Slow as a local activity for a key ending in 'slow', quick as a regular one; refuses
    'bad'."""
    CALLS.append(key)
    if key == "bad":
        raise ApplicationError("no such key", type="unknown_key", non_retryable=True)
    if key.endswith("unavailable") and activity.info().is_local:
        raise ConnectionRefusedError("the database is restarting")  # retryable
    if key.endswith("slow") and activity.info().is_local:
        await asyncio.sleep(LOCAL_WINDOW_MAX.total_seconds() * 3)
    return f"value of {key}"


@workflow.defn(name="TestStoreCalls")
class StoreCallsWorkflow:
    @workflow.run
    async def run(self, key: str) -> str:
        return await store_call(lookup, key)


async def _run(env: WorkflowEnvironment, key: str) -> tuple[str, list[EventType.ValueType]]:
    queue = f"store-calls-{uuid4()}"
    async with Worker(
        env.client,
        task_queue=queue,
        workflows=[StoreCallsWorkflow],
        activities=[lookup],
        workflow_runner=UNSANDBOXED,
    ):
        handle = await env.client.start_workflow(
            StoreCallsWorkflow.run, key, id=f"store-call-{uuid4()}", task_queue=queue
        )
        result = await handle.result()
        history = await handle.fetch_history()
    # A worker that lost the workflow from its cache replays this history: the fallback must be
    # taken again on replay (a timed-out or failed local try is resolved from its marker).
    replayer = Replayer(workflows=[StoreCallsWorkflow], workflow_runner=UNSANDBOXED)
    replayed = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert replayed.replay_failure is None, replayed.replay_failure
    return result, [event.event_type for event in history.events]


async def test_a_quick_store_call_is_a_local_activity_with_no_activity_events(
    dev_server: WorkflowEnvironment,
) -> None:
    result, events = await _run(dev_server, "quick")

    assert result == "value of quick"
    assert EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED not in events
    assert events.count(EventType.EVENT_TYPE_MARKER_RECORDED) == 2  # the patch, the result


async def test_a_store_call_slower_than_its_window_falls_back_to_a_regular_activity(
    dev_server: WorkflowEnvironment,
) -> None:
    key = f"{uuid4().hex}-slow"

    result, events = await _run(dev_server, key)

    assert result == f"value of {key}"
    assert events.count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) == 1
    assert events.count(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) == 1
    assert CALLS.count(key) == 2  # one local try (timed out), then the activity
    # No retry of the local try, in the task or behind a timer; no task ended early by the
    # SDK's heartbeat: the first task schedules the activity, the second completes the run.
    assert EventType.EVENT_TYPE_TIMER_STARTED not in events
    assert events.count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) == 2


async def test_a_refusal_by_the_store_is_not_retried_as_a_regular_activity(
    dev_server: WorkflowEnvironment,
) -> None:
    before = CALLS.count("bad")
    queue = f"store-calls-{uuid4()}"
    async with Worker(
        dev_server.client,
        task_queue=queue,
        workflows=[StoreCallsWorkflow],
        activities=[lookup],
        workflow_runner=UNSANDBOXED,
    ):
        handle = await dev_server.client.start_workflow(
            StoreCallsWorkflow.run, "bad", id=f"store-call-{uuid4()}", task_queue=queue
        )
        with pytest.raises(WorkflowFailureError) as failed:
            await handle.result()
        assert "no such key" in str(failed.value.cause)
        history = await handle.fetch_history()
    events = [event.event_type for event in history.events]
    assert EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED not in events
    assert CALLS.count("bad") - before == 1


def test_the_local_window_stays_well_inside_the_workflow_tasks_heartbeat() -> None:
    assert local_window(timedelta(seconds=10)) == timedelta(seconds=2)
    assert local_window(timedelta(seconds=5)) == timedelta(seconds=1)
    assert local_window(None) == LOCAL_WINDOW_MAX
    assert LOCAL_FIRST_PATCH.endswith("-v2")


async def test_a_store_call_whose_local_try_fails_is_retried_as_a_regular_activity(
    dev_server: WorkflowEnvironment,
) -> None:
    key = f"{uuid4().hex}-unavailable"

    result, events = await _run(dev_server, key)

    assert result == f"value of {key}"
    assert events.count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) == 1
    assert CALLS.count(key) == 2  # the local try, then the activity
