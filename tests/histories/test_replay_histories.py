"""Recorded histories replay on the current workflow code: a change that would break a running
agreement (non-determinism) fails the build."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from domain.calendar import preload_years
from workers.agreement_worker import CALENDAR_YEARS
from workflows.agreement import AgreementWorkflow

# Read once at collection: the histories are small, and the test itself only replays.
HISTORIES = {
    path.stem: path.read_text("utf-8")
    for path in sorted(Path(__file__).resolve().parent.glob("*.json"))
}


def test_there_are_recorded_histories_to_replay() -> None:
    assert len(HISTORIES) >= 2


@pytest.mark.parametrize("name", list(HISTORIES))
async def test_recorded_history_replays_without_nondeterminism(name: str) -> None:
    preload_years(CALENDAR_YEARS)  # as the worker does: the sandbox cannot build the calendar
    history = WorkflowHistory.from_json(f"agreement-{name}", HISTORIES[name])
    replayer = Replayer(workflows=[AgreementWorkflow], data_converter=pydantic_data_converter)

    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)

    assert result.replay_failure is None, result.replay_failure
