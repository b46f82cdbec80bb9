"""Recorded histories replay on the current workflow code: a change that would break a running
agreement (non-determinism) fails the build. The replay is `pit audit replay-workflows`'s own
(audit.workflow_replay), which does the same for every history a Temporal namespace holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory

from audit.workflow_replay import replay_history

# Read once at collection: the histories are small, and the test itself only replays.
HISTORIES = {
    path.stem: path.read_text("utf-8")
    for path in sorted(Path(__file__).resolve().parent.glob("*.json"))
}


def test_there_are_recorded_histories_to_replay() -> None:
    assert len(HISTORIES) >= 2


@pytest.mark.parametrize("name", list(HISTORIES))
async def test_recorded_history_replays_without_nondeterminism(name: str) -> None:
    history = WorkflowHistory.from_json(f"agreement-{name}", HISTORIES[name])

    replayed = await replay_history(history, workflow_type="AgreementWorkflow")

    assert replayed.ok, replayed.failure
