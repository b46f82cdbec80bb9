"""Temporal's histories replayed on the current workflow code.

:func:`replay_workflows` lists every workflow execution of a namespace (open and closed),
fetches its history and replays it with Temporal's ``Replayer`` against pit's workflow classes,
so a change to workflow code that would break a running or finished agreement shows before it
is deployed (`pit audit replay-workflows`); :func:`replay_history` does the same for one
recorded history (tests/histories/).
"""

from __future__ import annotations

import asyncio
import re
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter
from temporalio.service import RPCError
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from domain.calendar import preload_years
from workers.agreement_worker import CALENDAR_YEARS
from workflows.agreement import AgreementWorkflow
from workflows.checkpoint import CheckpointWorkflow
from workflows.zone import ZoneWorkflow

PIT_WORKFLOWS: tuple[type, ...] = (AgreementWorkflow, ZoneWorkflow, CheckpointWorkflow)
"""Every workflow class pit's worker runs (workers.agreement_worker)."""

DEFAULT_CONCURRENCY = 8  # histories fetched at once; replaying is CPU-bound and goes one by one

FailureKind = Literal["nondeterminism", "replay", "history"]


@dataclass(frozen=True)
class WorkflowReplay:
    """How one workflow run's history replayed on the current code.

    Attributes:
        workflow_id: the workflow's id (``agreement-<id>``, ``zone-<code>``...).
        run_id: the run whose history was replayed.
        workflow_type: the workflow's type name.
        failure_kind: None when it replayed cleanly; ``nondeterminism`` when the code no longer
            makes the commands the history recorded; ``replay`` for another failure of the
            replay (e.g. a type no class here implements); ``history`` when the history could
            not be fetched.
        failure: what went wrong, as the replayer (or the server) said it.
    """

    workflow_id: str
    run_id: str
    workflow_type: str
    failure_kind: FailureKind | None = None
    failure: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the history replayed cleanly."""
        return self.failure_kind is None


def history_replayer(
    workflows: Sequence[type] = PIT_WORKFLOWS,
    data_converter: DataConverter = pydantic_data_converter,
) -> Replayer:
    """A replayer of ``workflows`` set up as pit's worker is (the calendar's years built)."""
    # The sandbox cannot build a year of the calendar: build them all now, as the worker does.
    preload_years(CALENDAR_YEARS)
    return Replayer(workflows=list(workflows), data_converter=data_converter)


@dataclass(frozen=True)
class _Run:
    workflow_id: str
    run_id: str
    workflow_type: str

    def outcome(self, failure: Exception | None) -> WorkflowReplay:
        if failure is None:
            return WorkflowReplay(self.workflow_id, self.run_id, self.workflow_type)
        kind: FailureKind = (
            "nondeterminism" if isinstance(failure, NondeterminismError) else "replay"
        )
        return WorkflowReplay(
            self.workflow_id, self.run_id, self.workflow_type, kind, _readable(failure)
        )


# The SDK's core reports a failed activation as the debug form of a Rust struct; its message is
# what a person reads: `Failure { failure: Some(Failure { message: "[TMPRL1100] ...", ...`.
_CORE_MESSAGE = re.compile(r'message: "((?:[^"\\]|\\.)*)"')


def _readable(failure: Exception) -> str:
    text = str(failure)
    found = _CORE_MESSAGE.search(text)
    return found.group(1).replace('\\"', '"') if found else text


async def replay_history(
    history: WorkflowHistory, workflows: Sequence[type] = PIT_WORKFLOWS, *, workflow_type: str = ""
) -> WorkflowReplay:
    """Replay one history (e.g. recorded in a file) on ``workflows``."""
    result = await history_replayer(workflows).replay_workflow(
        history, raise_on_replay_failure=False
    )
    return _Run(history.workflow_id, history.run_id, workflow_type).outcome(result.replay_failure)


async def count_workflows(client: Client) -> int:
    """How many workflow executions the client's namespace lists (open and closed)."""
    return (await client.count_workflows()).count


async def replay_workflows(
    client: Client,
    workflows: Sequence[type] = PIT_WORKFLOWS,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_replayed: Callable[[WorkflowReplay], None] | None = None,
) -> list[WorkflowReplay]:
    """Replay every workflow execution of the client's namespace, open and closed.

    Histories are fetched ``concurrency`` at a time while the replayer works through those
    already fetched, one by one, in the order the server lists the executions (newest first);
    no more than ``concurrency`` histories wait in memory.

    Args:
        client: connected to the namespace, with pit's (pydantic) data converter.
        workflows: the workflow classes to replay on (pit's own by default).
        concurrency: most histories fetched or waiting at once, from 1.
        on_replayed: called with each outcome as soon as it is known (a progress bar).

    Returns:
        One outcome per execution, in the order replayed.

    Raises:
        RPCError: the executions could not be listed.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    # A slot is taken before a history is fetched and given back when the replayer takes it.
    slots = asyncio.Semaphore(concurrency)
    fetched: asyncio.Queue[tuple[_Run, WorkflowHistory | RPCError] | None] = asyncio.Queue()
    outcomes: list[WorkflowReplay] = []

    def record(outcome: WorkflowReplay) -> None:
        outcomes.append(outcome)
        if on_replayed is not None:
            on_replayed(outcome)

    async def fetch(run: _Run) -> None:
        handle = client.get_workflow_handle(run.workflow_id, run_id=run.run_id)
        try:
            fetched.put_nowait((run, await handle.fetch_history()))
        except RPCError as error:  # e.g. removed by retention since it was listed
            fetched.put_nowait((run, error))

    async def list_and_fetch() -> None:
        fetching: list[asyncio.Task[None]] = []
        try:
            async for execution in client.list_workflows():
                await slots.acquire()
                run = _Run(execution.id, execution.run_id, execution.workflow_type)
                fetching.append(asyncio.create_task(fetch(run)))
            await asyncio.gather(*fetching)
        finally:
            for task in fetching:
                task.cancel()  # a no-op for those done; the rest when the listing failed
            fetched.put_nowait(None)  # the replayer's end of input, whatever happened

    order: deque[_Run] = deque()  # the replayer answers one history at a time, in order

    async def histories() -> AsyncIterator[WorkflowHistory]:
        while (item := await fetched.get()) is not None:
            slots.release()
            run, history = item
            if isinstance(history, RPCError):
                failure = f"not fetched: {history.message}"
                record(
                    WorkflowReplay(
                        run.workflow_id, run.run_id, run.workflow_type, "history", failure
                    )
                )
                continue
            order.append(run)
            yield history

    listing = asyncio.create_task(list_and_fetch())
    try:
        replayer = history_replayer(workflows, client.data_converter)
        async with replayer.workflow_replay_iterator(histories()) as replayed:
            async for result in replayed:
                record(order.popleft().outcome(result.replay_failure))
    except BaseException:
        listing.cancel()
        raise
    await listing  # raises what stopped the listing, if anything
    return outcomes
