"""The time-skipping server's clock starts on the calendar the dated scenarios are written on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.time_skipping import STARTS_AT, sleep_until


async def test_the_time_skipping_server_starts_on_monday_30_november_2026_whatever_the_real_date(
    time_skipping: WorkflowEnvironment,
) -> None:
    started = await time_skipping.get_current_time()
    assert STARTS_AT <= started < STARTS_AT + timedelta(minutes=1)

    await sleep_until(time_skipping, STARTS_AT + timedelta(days=7))
    assert STARTS_AT + timedelta(days=7) <= await time_skipping.get_current_time()


async def test_a_scenario_cannot_ask_for_a_moment_the_server_has_passed(
    time_skipping: WorkflowEnvironment,
) -> None:
    with pytest.raises(AssertionError, match="the scenario asks for"):
        await sleep_until(time_skipping, STARTS_AT - timedelta(days=1))
