"""The fault tests' front door (tests/faults/driver.py) stops when it is told to, and does not act
on a state older than one it has seen."""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from datetime import date
from typing import cast

from temporalio.client import Client

from domain.agreement import AgreementCommand, AgreementState, Status, initial_state
from domain.agreement.commands import RecordSiteVisit
from tests.domain.agreement.agreement_scenarios import REVIEWER_2
from tests.faults.agreement_lives import Ending, Life, Step
from tests.faults.driver import Driven, Handle, _take, cancel_requested
from workflows.agreement import AgreementAction


async def test_a_cancellation_that_wait_for_swallowed_is_still_seen() -> None:
    answer: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    seen: list[tuple[int, bool]] = []

    async def step() -> None:
        got = await asyncio.wait_for(answer, timeout=60)
        seen.append((got, cancel_requested()))

    task = asyncio.create_task(step())
    await asyncio.sleep(0)  # the step waits on the call
    answer.set_result(7)  # the call ends...
    task.cancel()  # ...as the driver is told to stop
    await asyncio.wait({task}, timeout=5)

    if sys.version_info < (3, 12):
        # wait_for returned the answer instead of raising CancelledError; the request to stop
        # is still on the task, and the driver looks at it before every attempt.
        assert seen == [(7, True)]
        assert not task.cancelled()
    else:  # wait_for raises it
        assert seen == []
        assert task.cancelled()


async def test_a_task_nobody_cancelled_is_not_asked_to_stop() -> None:
    assert not cancel_requested()


class _ResetRun:
    """A workflow handle whose state queries answer from before a version already seen once, as
    a run the healer reset does until it has taken the update the reset gave it again."""

    def __init__(self, *states: AgreementState) -> None:
        self.states = list(states)
        self.sent: list[AgreementAction] = []

    async def query(self, query: object, rpc_timeout: object = None) -> AgreementState:
        return self.states.pop(0) if len(self.states) > 1 else self.states[0]

    async def execute_update(
        self, update: object, action: AgreementAction, id: str | None = None
    ) -> AgreementState:
        self.sent.append(action)
        return self.states[-1]


async def test_a_state_behind_one_already_seen_is_waited_out_not_acted_on() -> None:
    concluded_on = date(2026, 12, 7)
    before_reset = initial_state().model_copy(
        update={"version": 9, "status": Status.ACTIVE, "concluded_on": concluded_on}
    )
    reset_run = initial_state().model_copy(
        update={"version": 8, "status": Status.AWAITING_SIGNATURES}
    )
    built_from: list[int] = []

    def visit(state: AgreementState) -> AgreementCommand:
        built_from.append(state.version)
        assert state.concluded_on is not None
        return RecordSiteVisit(
            visit_id="visit-1", visited_on=state.concluded_on, findings="ok", terms_met=True
        )

    step = Step("visit-1", REVIEWER_2, visit, lambda state: True, ("SiteVisitRecorded",))
    life = Life("a-1", Ending.ACTIVE, (step,), "N-1", "R-1")
    handle = _ResetRun(reset_run, reset_run, before_reset)
    driven = Driven("a-1", version_seen=9)  # the previous step saw the conclusion

    await _take(cast(Client, None), "q", cast(Handle, handle), life, step, driven)

    assert built_from == [9]
    assert [type(action.command) for action in handle.sent] == [RecordSiteVisit]
    assert driven.failures == Counter({"state behind version 9 (a reset run)": 2})
    assert driven.version_seen == 9
