"""The fault tests' front door stops when it is told to (tests/faults/driver.py)."""

from __future__ import annotations

import asyncio
import sys

from tests.faults.driver import cancel_requested


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
