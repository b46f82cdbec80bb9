"""A front door that keeps trying: it takes each step of a life through the agreement's
workflow, and retries through a worker that died under it.

Every attempt first asks the workflow for the agreement's state (a query, answered by a live
worker only): a step the state shows done is not sent again, and a step that waits for the
workflow (an acknowledgment waits for its notice) is not sent early. Each step is sent under
its own fixed update id, so a retry of an update whose answer was lost (a timeout, an RPC
error) joins the update the server already has, or gets its recorded outcome, instead of
making a second decision; the workflow derives its event ids from the update id as well.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio.api.errordetails.v1 import NamespaceNotFoundFailure
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.acting import RUN_ENDED_FIRST
from domain.agreement import AgreementState, initial_state
from domain.agreement.commands import SubmitApplication
from tests.faults.agreement_lives import Life, Step
from workflows.agreement import AgreementAction, AgreementStart, AgreementWorkflow, workflow_id

ATTEMPTS = 300  # per step: looks at the state and sends, each bounded below
# Queries refused in a row because the workflow task keeps failing: the workflow is stuck (a
# worker's crash makes workflow tasks time out, never fail), unless the healer resets it
# (workers/healer.py: flagged after two failed tasks, found within PIT_HEAL_EVERY_SECONDS).
STUCK_AFTER = 250  # of ATTEMPTS: a step stuck this long is explained, not just timed out
TASK_FAILING = "Workflow Task in failed state"
# A query a worker answers by replaying the history fails so while the history does not replay.
QUERY_REPLAY_FAILING = "Nondeterminism error"
CALL_TIMEOUT_S = 8.0  # one query or one update call, while workers come and go
PAUSE_S = 0.2  # between attempts

Handle = WorkflowHandle[AgreementWorkflow, AgreementState]
# What a call fails with while no worker is alive: Temporal's timeouts and RPC errors.
WORKER_GONE = (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError, TimeoutError)


@dataclass
class WorkflowTaskFailing(Exception):
    """Every workflow task of an agreement fails: it cannot move (the history says why)."""

    def __init__(self, agreement_id: str, step: str) -> None:
        super().__init__(f"{agreement_id}: the workflow task keeps failing at {step}")
        self.agreement_id = agreement_id


@dataclass
class Driven:
    """What driving one life took: the calls that failed and were retried, by what they
    failed with."""

    agreement_id: str
    failures: Counter[str] = field(default_factory=Counter)

    @property
    def failed_calls(self) -> int:
        return self.failures.total()

    last_failure_was_task: bool = False
    # The newest stream version a state query showed; a state behind it is not acted on.
    version_seen: int = 0

    def failed(self, error: BaseException) -> None:
        status = error.status.name if isinstance(error, RPCError) else ""
        self.failures[f"{type(error).__name__} {status} {error}"[:120]] += 1
        self.last_failure_was_task = TASK_FAILING in str(error) or (
            isinstance(error, WorkflowQueryFailedError) and QUERY_REPLAY_FAILING in str(error)
        )


async def drive(client: Client, task_queue: str, life: Life) -> Driven:
    """Take every step of ``life``, in order, each once.

    Raises:
        AssertionError: a step was refused against the script, or not taken in ATTEMPTS.
        WorkflowTaskFailing: the workflow's task failed STUCK_AFTER times in a row.
    """
    handle: Handle = client.get_workflow_handle_for(
        AgreementWorkflow.run, workflow_id(life.agreement_id)
    )
    driven = Driven(life.agreement_id)
    for step in life.steps:
        await _take(client, task_queue, handle, life, step, driven)
    return driven


async def _take(
    client: Client, task_queue: str, handle: Handle, life: Life, step: Step, driven: Driven
) -> None:
    failing = 0
    for _ in range(ATTEMPTS):
        if cancel_requested():
            raise asyncio.CancelledError  # see cancel_requested
        state = await _state(handle, driven)
        failing = failing + 1 if state is None and driven.last_failure_was_task else 0
        if failing >= STUCK_AFTER:
            raise WorkflowTaskFailing(life.agreement_id, step.label)
        if state is not None and state.version < driven.version_seen:
            # A run the healer reset answers from its reset point until it has taken the
            # update the reset gave it again (its append then adopts the log's events): a
            # person's client reads the log, which never goes back; this one waits.
            driven.failures[f"state behind version {driven.version_seen} (a reset run)"] += 1
            await asyncio.sleep(PAUSE_S)
            continue
        if state is not None:
            driven.version_seen = state.version
        if state is None or not step.ready(state):
            await asyncio.sleep(PAUSE_S)
            continue
        if step.pending is not None and not step.pending(state):
            return  # done already: by an attempt whose answer was lost
        try:
            await asyncio.wait_for(
                _send(client, task_queue, handle, life, step, state), CALL_TIMEOUT_S
            )
        except WorkflowUpdateFailedError as failed:
            cause = failed.cause
            code = cause.type if isinstance(cause, ApplicationError) else None
            if code == RUN_ENDED_FIRST:
                # The run that accepted it ended first: the healer reset it, and the reset gave
                # the update to the new run. Asked again (same update id), as a person would.
                driven.failed(failed)
                await asyncio.sleep(PAUSE_S)
                continue
            if step.refused is not None and code == step.refused:
                return
            raise AssertionError(f"{life.update_id(step)} failed: {cause!r}") from failed
        except WORKER_GONE as gone:
            driven.failed(gone)
            await asyncio.sleep(PAUSE_S)
            continue
        if step.refused is not None:
            raise AssertionError(f"{life.update_id(step)} was not refused ({step.refused})")
        return
    raise AssertionError(
        f"{life.update_id(step)} was not taken in {ATTEMPTS} attempts: {driven.failures}"
    )


def cancel_requested() -> bool:
    """Whether the running task was asked to stop. asyncio.wait_for (Python 3.11) swallows the
    CancelledError when the call it waits on ends at the same moment, so a driver told to stop
    could go on retrying its step for all its ATTEMPTS: seen at a fault test's teardown, where
    the test had ended and its Temporal server was gone, as a run hung for six minutes until
    stopped by hand (its ATTEMPTS allow more than an hour)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _take_outcome(start: WithStartWorkflowOperation[Any, Any]) -> None:
    """Take the start's own outcome, which the operation keeps beside the update's: asyncio
    reports a failure that nobody took (here, the call's timeout)."""
    outcome = asyncio.ensure_future(start.workflow_handle())
    outcome.add_done_callback(lambda done: done.cancelled() or done.exception())


async def _state(handle: Handle, driven: Driven) -> AgreementState | None:
    """The workflow's state; a new one before it is started; None if no worker answered."""
    try:
        return await asyncio.wait_for(
            handle.query(AgreementWorkflow.state, rpc_timeout=timedelta(seconds=CALL_TIMEOUT_S)),
            CALL_TIMEOUT_S,
        )
    except RPCError as failed:
        if failed.status is RPCStatusCode.NOT_FOUND and not _namespace_missing(failed):
            return initial_state()
        driven.failed(failed)
        return None
    except TimeoutError as failed:
        driven.failed(failed)
        return None
    except WorkflowQueryFailedError as failed:  # the task fails too: the healer's to cure
        if QUERY_REPLAY_FAILING not in str(failed):
            raise
        driven.failed(failed)
        return None


def _namespace_missing(failed: RPCError) -> bool:
    """The server does not serve the namespace, which says nothing about the workflow: a server
    that has just started may answer before its namespaces are loaded (not seen so far with
    tests/faults/test_temporal_restart.py, but taking it for "not started" would skip steps)."""
    return any(d.Is(NamespaceNotFoundFailure.DESCRIPTOR) for d in failed.grpc_status.details)


async def _send(
    client: Client, task_queue: str, handle: Handle, life: Life, step: Step, state: AgreementState
) -> AgreementState:
    update_id = life.update_id(step)
    command = step.command(state)
    action = AgreementAction(command=command, actor=step.actor, correlation_id=update_id)
    if isinstance(command, SubmitApplication):
        # As the portal submits (workers/agreement_client.py), with the step's fixed update id.
        start = WithStartWorkflowOperation(
            AgreementWorkflow.run,
            AgreementStart(agreement_id=life.agreement_id),
            id=handle.id,
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
        try:
            return await client.execute_update_with_start_workflow(
                AgreementWorkflow.act, action, start_workflow_operation=start, id=update_id
            )
        finally:
            _take_outcome(start)
    return await handle.execute_update(AgreementWorkflow.act, action, id=update_id)
